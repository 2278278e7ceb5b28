"""Done when: a webhook receiver subscribed through the gateway gets every event of the changes
made — signed, in order, once per event id — also after it was down for a while (real processes)."""

import json
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from gateway.events import rules
from services.kit.keys import TokenSigner
from stack.ports import free_port_block
from stack.processes import PROJECT_ROOT
from tests.builders import member_body
from tests.e2e.test_live_stack import admin_headers, create_org
from tests.support import AUDIENCE, ISSUER, LiveStack, wait_until


@pytest.fixture
def deliverer(live: LiveStack) -> Iterator[None]:
    """A second gateway replica, the one that delivers webhooks, for this test only."""
    port = free_port_block(1)
    log = (live.data_dir / "gateway-webhooks.log").open("ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "stack", "serve", "gateway", "--port", str(port)],
        env=live.env | {"GATEWAY_DELIVER_WEBHOOKS": "true"},
        cwd=PROJECT_ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        up = wait_until(lambda: _answers(f"http://127.0.0.1:{port}/healthz"), 90)
        assert up, "the delivering gateway did not start"
        yield
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=0.5).status_code == 200
    except httpx.HTTPError:
        return False


class Receiver:
    """A local webhook receiver that can be taken down and brought back on the same port."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.port = 0
        self._server: ThreadingHTTPServer | None = None

    def start(self) -> None:
        received = self.received

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                return None

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"


def client_headers(live: LiveStack, scope_org_id: str) -> dict[str, str]:
    """A machine client of another system, scoped to one county, reading every family."""
    signer = TokenSigner((live.key_dir / "keys" / "jwt-private.pem").read_bytes(), issuer=ISSUER, audience=AUDIENCE)
    token = signer.access_token(
        subject=f"client-{uuid.uuid4().hex[:8]}",
        kind="client",
        scopes=["orgs:read", "members:read", "activities:read"],
        scope_org_id=uuid.UUID(scope_org_id),
    )
    return {"Authorization": f"Bearer {token}"}


def feed(live: LiveStack, headers: dict[str, str], after: str = "0") -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    while True:
        page = httpx.get(live.url() + "/api/v1/events", params={"after": after, "limit": 500}, headers=headers)
        assert page.status_code == 200, page.text
        if not page.json()["events"]:
            return events
        events += page.json()["events"]
        after = page.json()["next_cursor"]


def created(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code in (200, 201), response.text
    return dict(response.json())


@pytest.mark.usefixtures("deliverer")
def test_a_subscriber_gets_every_event_signed_in_order_once_also_after_an_outage(live: LiveStack) -> None:
    admin = admin_headers(live)
    api = live.url() + "/api/v1"
    county = create_org(live, admin)
    client = client_headers(live, str(county["id"]))
    # Subscribe once the county is in the gateway's log: what comes after is what is delivered.
    assert wait_until(lambda: feed(live, client), 20), "the gateway did not read the orgs feed"
    start = feed(live, client)[-1]["cursor"]
    receiver = Receiver()
    receiver.start()
    subscription = created(
        httpx.post(
            api + "/subscriptions", json={"url": receiver.url, "event_types": ["org.*", "member.*", "activity.*"]}, headers=client
        )
    )

    township = create_org(live, admin, tier="township", parent_id=county["id"])
    branch = create_org(live, admin, tier="community", kind="branch", parent_id=township["id"])
    member = wait_until(lambda: _try_member(live, admin, str(branch["id"])), 20)
    assert member, "the members service did not learn of the branch"
    created(
        httpx.post(
            f"{api}/members/{member['id']}/state", json={"state": "lost_contact", "effective_on": "2026-10-01"}, headers=admin
        )
    )
    activity = wait_until(lambda: _try_activity(live, admin, str(branch["id"])), 20)
    assert activity, "the activities service did not learn of the branch"

    def all_delivered(types: set[str]) -> bool:
        expected = feed(live, client, start)
        return types <= {e["type"] for e in expected} and len(receiver.received) >= len(expected)

    first_round = {"org.created", "member.created", "member.state_changed", "activity.created"}
    assert wait_until(lambda: all_delivered(first_round), 30), f"delivered {len(receiver.received)}"

    # The receiver goes down; changes go on; the gateway keeps trying, then the receiver is back.
    receiver.stop()
    created(httpx.post(api + "/members", json=member_body(org_id=str(branch["id"])), headers=admin))
    moved = create_org(live, admin, tier="township", parent_id=county["id"])
    created(httpx.post(f"{api}/orgs/{branch['id']}/move", json={"parent_id": moved["id"]}, headers=admin))

    def failed_attempts() -> bool:
        page = httpx.get(f"{api}/subscriptions/{subscription['id']}/deliveries", params={"status": "pending"}, headers=client)
        return any(item["attempts"] >= 2 for item in page.json()["items"])

    assert wait_until(failed_attempts, 30), "the gateway did not retry while the receiver was down"
    receiver.start()

    assert wait_until(lambda: all_delivered(first_round | {"org.moved"}), 30), f"delivered {len(receiver.received)}"
    expected = feed(live, client, start)
    ids = [headers[rules.EVENT_ID_HEADER.lower()] for headers, _ in receiver.received]
    assert ids == [event["id"] for event in expected]  # every event, in order, once each
    assert len(set(ids)) == len(ids)
    assert {"org.moved", "member.created", "member.state_changed", "activity.created"} <= {e["type"] for e in expected}
    for headers, body in receiver.received:
        timestamp = headers[rules.TIMESTAMP_HEADER.lower()]
        assert headers[rules.SIGNATURE_HEADER.lower()] == rules.signature(subscription["secret"], timestamp, body)
        sent = json.loads(body)
        assert sent["id"] == headers[rules.EVENT_ID_HEADER.lower()]
        assert "id_number" not in sent["payload"]
        assert "phone" not in sent["payload"]
    receiver.stop()


def test_event_types_come_with_their_schemas_from_the_services(live: LiveStack) -> None:
    response = httpx.get(live.url() + "/api/v1/events/types", headers=admin_headers(live))
    assert response.status_code == 200, response.text
    types = {item["type"]: item for item in response.json()}
    assert {"org.created", "org.moved", "community.created", "position.created", "member.created"} <= set(types)
    assert {"member.transferred", "member.lost_contact_due", "activity.held", "term.overdue"} <= set(types)
    member = types["member.created"]
    assert (member["source"], member["required_scope"]) == ("members", "members:read")
    assert "org_id" in member["schema"]["properties"]
    assert "id_number" not in member["schema"]["properties"]
    assert "phone" not in member["schema"]["properties"]


def _try_member(live: LiveStack, headers: dict[str, str], org_id: str) -> dict[str, Any] | None:
    response = httpx.post(live.url() + "/api/v1/members", json=member_body(org_id=org_id), headers=headers)
    return dict(response.json()) if response.status_code == 201 else None


def _try_activity(live: LiveStack, headers: dict[str, str], org_id: str) -> dict[str, Any] | None:
    body = {
        "org_id": org_id,
        "type": "study_day",
        "title": "主題黨日",
        "starts_at": "2026-11-10T09:00:00+08:00",
        "status": "held",
    }
    response = httpx.post(live.url() + "/api/v1/activities", json=body, headers=headers)
    return dict(response.json()) if response.status_code == 201 else None
