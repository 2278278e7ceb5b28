"""Events for other systems through the gateway: the pull feed by scope, subscriptions, and
webhook deliveries (signed, in order, retried, parked, replayed, guarded against SSRF).

The gateway's log is filled through its own feed handlers with synthetic service events, so
these tests need no service processes; tests/e2e/test_webhooks.py does it with the real ones.
"""

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult
from sqlalchemy import func, select

from gateway.app import create_app
from gateway.events import rules
from gateway.events.delivery import DeliveryWorker
from gateway.events.ingest import apply_orgs_event, log_event
from gateway.events.models import Delivery, EventRecord, Subscription
from gateway.events.rules import DeliveryPolicy
from gateway.settings import GatewaySettings
from services.kit.db import Database
from services.kit.outbox import START, FeedEvent
from services.kit.tree import child_path
from tests.conftest import ADMIN_PASSWORD
from tests.support import SuiteDatabase, Tokens, in_process

FAST = DeliveryPolicy(retry_window_s=3600, backoff_base_s=0.05, backoff_max_s=0.2, timeout_s=2.0)


def gateway_settings(test_db: SuiteDatabase, **overrides: Any) -> GatewaySettings:
    values: dict[str, Any] = {
        "data_dir": test_db.data_dir,
        "database_url": test_db.urls["gateway"],
        "json_logs": False,
        "run_scheduler": False,
        "admin_password": ADMIN_PASSWORD,
        "consume_feeds": False,
        "deliver_webhooks": False,
        "webhook_development_hosts": ["127.0.0.1"],
        "webhook_policy": FAST,
    }
    return GatewaySettings(**(values | overrides))


@dataclass
class Gateway:
    client: httpx.AsyncClient
    db: Database
    settings: GatewaySettings
    tokens: Tokens
    workers: list[DeliveryWorker] = field(default_factory=list)

    async def org(self, parent: dict[str, Any] | None = None) -> dict[str, Any]:
        """An organization as the orgs feed announces it (held in the gateway's replica and logged)."""
        org_id = uuid.uuid4()
        snapshot = {
            "id": str(org_id),
            "parent_id": parent["id"] if parent else None,
            "path": child_path(parent["path"] if parent else None, org_id),
            "version": 1,
            "name": f"org {org_id.hex[:6]}",
            "kind": "committee",
            "tier": "county",
            "status": "active",
        }
        async with self.db.write_sessions() as session:
            await apply_orgs_event(session, feed_event("org.created", org_id, snapshot))
            await session.commit()
        return snapshot

    async def event(self, source: str, type: str, payload: dict[str, Any]) -> FeedEvent:
        event = feed_event(type, uuid.UUID(payload.get("id") or str(uuid.uuid4())), payload)
        async with self.db.write_sessions() as session:
            await log_event(session, source, event)
            await session.commit()
        return event

    async def member_event(self, org: dict[str, Any], type: str = "member.created", **extra: Any) -> FeedEvent:
        return await self.event("members", type, {"id": str(uuid.uuid4()), "org_id": org["id"], "version": 1, **extra})

    async def last_seq(self) -> str:
        async with self.db.read_sessions() as session:
            return str(await session.scalar(select(func.coalesce(func.max(EventRecord.seq), 0))))

    def client_headers(self, *scopes: str, subject: str | None = None, scope_org_id: str | None = None) -> dict[str, str]:
        token = self.tokens.signer.access_token(
            subject=subject or f"client-{uuid.uuid4().hex[:8]}",
            kind="client",
            scopes=scopes,
            scope_org_id=uuid.UUID(scope_org_id) if scope_org_id else None,
        )
        return {"Authorization": f"Bearer {token}"}

    def worker(self, **policy: Any) -> DeliveryWorker:
        settings = self.settings.model_copy(update={"webhook_policy": FAST.model_copy(update=policy)})
        worker = DeliveryWorker(settings, self.db)
        self.workers.append(worker)
        return worker

    async def close(self) -> None:
        for worker in self.workers:
            await worker.stop()


def feed_event(type: str, aggregate_id: uuid.UUID, payload: dict[str, Any]) -> FeedEvent:
    return FeedEvent(
        cursor=START, id=uuid.uuid4(), type=type, aggregate_id=aggregate_id, payload=payload, occurred_at=datetime.now(UTC)
    )


@pytest.fixture
async def gateway(test_db: SuiteDatabase, tokens: Tokens) -> AsyncIterator[Gateway]:
    settings = gateway_settings(test_db)
    app = create_app(settings)
    async with in_process(app) as client:
        gateway = Gateway(client=client, db=app.state.db, settings=settings, tokens=tokens)
        yield gateway
        await gateway.close()


@pytest.fixture
async def strict_gateway(test_db: SuiteDatabase, tokens: Tokens) -> AsyncIterator[Gateway]:
    """As deployed in production: no development hosts."""
    settings = gateway_settings(test_db, webhook_development_hosts=[])
    app = create_app(settings)
    async with in_process(app) as client:
        yield Gateway(client=client, db=app.state.db, settings=settings, tokens=tokens)


@dataclass
class Receiver:
    """A webhook receiver on 127.0.0.1: records what it gets, answers `status` (or redirects)."""

    status: int = 200
    redirect_to: str | None = None
    received: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        self.received.append({"headers": dict(request.headers), "body": body, "path": request.path})
        if self.redirect_to:
            raise web.HTTPFound(self.redirect_to)
        return web.Response(status=self.status)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    state = Receiver()
    app = web.Application()
    app.router.add_post("/{tail:.*}", state.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    state.url = f"http://127.0.0.1:{port}/hook"
    yield state
    await runner.cleanup()


async def subscribe(gateway: Gateway, headers: dict[str, str], url: str, types: list[str]) -> dict[str, Any]:
    response = await gateway.client.post("/api/v1/subscriptions", json={"url": url, "event_types": types}, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


# ---------------------------------------------------------------- the pull feed


class TestPullFeed:
    async def test_a_client_reads_the_families_of_its_scopes_in_order(self, gateway: Gateway) -> None:
        start = await gateway.last_seq()
        county = await gateway.org()
        first = await gateway.member_event(county)
        second = await gateway.member_event(county, "member.updated")
        await gateway.event("activities", "activity.created", {"id": str(uuid.uuid4()), "org_id": county["id"]})

        members_only = gateway.client_headers("members:read")
        response = await gateway.client.get("/api/v1/events", params={"after": start}, headers=members_only)

        assert response.status_code == 200, response.text
        body = response.json()
        assert [event["id"] for event in body["events"]] == [str(first.id), str(second.id)]
        assert body["next_cursor"] == body["events"][-1]["cursor"]
        again = await gateway.client.get("/api/v1/events", params={"after": body["next_cursor"]}, headers=members_only)
        assert again.json() == {"events": [], "next_cursor": body["next_cursor"]}

    async def test_a_scoped_client_sees_only_events_in_its_subtree(self, gateway: Gateway) -> None:
        start = await gateway.last_seq()
        county = await gateway.org()
        inside = await gateway.org(county)
        outside = await gateway.org()
        seen = await gateway.member_event(inside)
        await gateway.member_event(outside)

        headers = gateway.client_headers("members:read", "orgs:read", scope_org_id=county["id"])
        response = await gateway.client.get("/api/v1/events", params={"after": start}, headers=headers)

        events = response.json()["events"]
        assert [e["type"] for e in events] == ["org.created", "org.created", "member.created"]
        assert {e["aggregate_id"] for e in events} == {county["id"], inside["id"], str(seen.aggregate_id)}

    async def test_a_scope_outside_the_known_tree_sees_nothing(self, gateway: Gateway) -> None:
        start = await gateway.last_seq()
        await gateway.member_event(await gateway.org())
        headers = gateway.client_headers("members:read", scope_org_id=str(uuid.uuid4()))
        response = await gateway.client.get("/api/v1/events", params={"after": start}, headers=headers)
        assert response.json()["events"] == []

    async def test_the_type_filter_takes_names_and_families(self, gateway: Gateway) -> None:
        start = await gateway.last_seq()
        county = await gateway.org()
        await gateway.member_event(county)
        changed = await gateway.member_event(county, "member.state_changed")
        headers = gateway.client_headers("members:read", "orgs:read")
        by_name = await gateway.client.get(
            "/api/v1/events", params={"after": start, "types": "member.state_changed"}, headers=headers
        )
        by_family = await gateway.client.get("/api/v1/events", params={"after": start, "types": "org.*"}, headers=headers)
        assert [e["id"] for e in by_name.json()["events"]] == [str(changed.id)]
        assert [e["type"] for e in by_family.json()["events"]] == ["org.created"]

    @pytest.mark.parametrize(
        ("roles", "status"),
        [(("sysadmin",), 403), (("secadmin",), 403), (("auditor",), 403), (("member",), 403), (("viewer",), 200)],
    )
    async def test_who_may_read_the_feed(self, gateway: Gateway, roles: tuple[str, ...], status: int) -> None:
        response = await gateway.client.get("/api/v1/events", headers=gateway.tokens.headers(*roles))
        assert response.status_code == status

    async def test_a_client_without_read_scopes_is_refused_and_no_token_is_401(self, gateway: Gateway) -> None:
        refused = await gateway.client.get("/api/v1/events", headers=gateway.client_headers("activities:write"))
        anonymous = await gateway.client.get("/api/v1/events")
        assert refused.status_code == 403
        assert anonymous.status_code == 401

    async def test_a_bad_cursor_is_a_400_problem(self, gateway: Gateway) -> None:
        response = await gateway.client.get(
            "/api/v1/events", params={"after": "abc"}, headers=gateway.client_headers("members:read")
        )
        assert response.status_code == 400
        assert response.headers["content-type"] == "application/problem+json"

    async def test_personal_numbers_never_reach_the_log(self, gateway: Gateway) -> None:
        start = await gateway.last_seq()
        county = await gateway.org()
        await gateway.member_event(county, id_number="110105194001010015", phone="13812345678", name="黨員")
        response = await gateway.client.get(
            "/api/v1/events", params={"after": start, "types": "member.*"}, headers=gateway.client_headers("members:read")
        )
        payload = response.json()["events"][0]["payload"]
        assert payload["name"] == "黨員"
        assert "id_number" not in payload
        assert "phone" not in payload
        assert "13812345678" not in response.text


# ---------------------------------------------------------------- subscriptions


class TestSubscriptions:
    async def test_the_secret_is_shown_once_and_the_subscription_is_its_owners_alone(self, gateway: Gateway) -> None:
        owner = gateway.client_headers("members:read", subject="client-owner-" + uuid.uuid4().hex[:6])
        made = await subscribe(gateway, owner, "https://hooks.example.org/in", ["member.*"])
        assert made["secret"].startswith("whsec_")

        shown = await gateway.client.get(f"/api/v1/subscriptions/{made['id']}", headers=owner)
        listed = await gateway.client.get("/api/v1/subscriptions", headers=owner)
        stranger = await gateway.client.get(f"/api/v1/subscriptions/{made['id']}", headers=gateway.client_headers("members:read"))
        assert shown.status_code == 200
        assert "secret" not in shown.json()
        assert [item["id"] for item in listed.json()["items"]] == [made["id"]]
        assert "secret" not in listed.text
        assert stranger.status_code == 404

        deleted = await gateway.client.delete(f"/api/v1/subscriptions/{made['id']}", headers=owner)
        gone = await gateway.client.get(f"/api/v1/subscriptions/{made['id']}", headers=owner)
        assert deleted.status_code == 204
        assert gone.status_code == 404

    @pytest.mark.parametrize(
        "url",
        [
            "http://hooks.example.org/in",  # not https
            "ftp://hooks.example.org/in",
            "https://127.0.0.1/in",
            "https://localhost/in",
            "https://[::1]/in",
            "https://10.1.2.3/in",
            "https://172.16.0.9/in",
            "https://192.168.1.1/in",
            "https://100.64.0.7/in",  # CGNAT
            "https://169.254.169.254/latest/meta-data",  # cloud metadata
            "https://[fd00:ec2::254]/in",  # cloud metadata (IPv6)
            "https://[fe80::1]/in",  # link-local
            "https://224.0.0.1/in",  # multicast
            "https://0.0.0.0/in",  # unspecified
            "https://[::ffff:127.0.0.1]/in",  # loopback, IPv4-mapped
            "https://user:secret@hooks.example.org/in",
            "http://127.0.0.1:9/in",  # a development host only where configured
        ],
    )
    async def test_unsafe_destinations_are_refused_and_nothing_is_written(self, strict_gateway: Gateway, url: str) -> None:
        gateway = strict_gateway
        owner = gateway.client_headers("members:read")
        response = await gateway.client.post(
            "/api/v1/subscriptions", json={"url": url, "event_types": ["member.*"]}, headers=owner
        )
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["field"] == "url"
        assert (await gateway.client.get("/api/v1/subscriptions", headers=owner)).json()["items"] == []

    async def test_http_is_allowed_only_to_a_development_host(self, gateway: Gateway) -> None:
        owner = gateway.client_headers("members:read")
        allowed = await gateway.client.post(
            "/api/v1/subscriptions", json={"url": "http://127.0.0.1:9/in", "event_types": ["member.*"]}, headers=owner
        )
        assert allowed.status_code == 201

    async def test_types_must_exist_and_be_readable_with_the_callers_scopes(self, gateway: Gateway) -> None:
        owner = gateway.client_headers("members:read")
        response = await gateway.client.post(
            "/api/v1/subscriptions",
            json={"url": "https://hooks.example.org/in", "event_types": ["member.*", "unit.created", "org.*"]},
            headers=owner,
        )
        assert response.status_code == 422
        assert [error["field"] for error in response.json()["errors"]] == ["event_types.1", "event_types.2"]

    @pytest.mark.parametrize(("roles", "status"), [(("viewer",), 403), (("sysadmin",), 403), (("org_admin",), 201)])
    async def test_who_may_subscribe(self, gateway: Gateway, roles: tuple[str, ...], status: int) -> None:
        response = await gateway.client.post(
            "/api/v1/subscriptions",
            json={"url": "https://hooks.example.org/in", "event_types": ["member.*"]},
            headers=gateway.tokens.headers(*roles),
        )
        assert response.status_code == status

    async def test_unknown_fields_are_refused(self, gateway: Gateway) -> None:
        response = await gateway.client.post(
            "/api/v1/subscriptions",
            json={"url": "https://hooks.example.org/in", "event_types": ["member.*"], "secret": "mine"},
            headers=gateway.client_headers("members:read"),
        )
        assert response.status_code == 422


# ---------------------------------------------------------------- deliveries


class TestDeliveries:
    async def test_deliveries_are_signed_in_order_with_the_event_id(self, gateway: Gateway, receiver: Receiver) -> None:
        owner = gateway.client_headers("members:read", "orgs:read")
        made = await subscribe(gateway, owner, receiver.url, ["member.*"])
        county = await gateway.org()
        sent = [await gateway.member_event(county, type) for type in ("member.created", "member.updated", "member.transferred")]

        await gateway.worker().deliver_round()

        assert [item["headers"][rules.EVENT_ID_HEADER] for item in receiver.received] == [str(e.id) for e in sent]
        for item, event in zip(receiver.received, sent, strict=True):
            timestamp = item["headers"][rules.TIMESTAMP_HEADER]
            assert item["headers"][rules.SIGNATURE_HEADER] == rules.signature(made["secret"], timestamp, item["body"])
            body = json.loads(item["body"])
            assert body["id"] == str(event.id)
            assert body["type"] == event.type
            assert body["payload"]["org_id"] == county["id"]
        statuses = await gateway.client.get(f"/api/v1/subscriptions/{made['id']}/deliveries", headers=owner)
        assert [d["status"] for d in statuses.json()["items"]] == ["delivered"] * 3

    async def test_a_subscription_scoped_to_a_subtree_gets_only_its_events(self, gateway: Gateway, receiver: Receiver) -> None:
        county = await gateway.org()
        owner = gateway.client_headers("members:read", scope_org_id=county["id"])
        await subscribe(gateway, owner, receiver.url, ["member.*"])
        inside = await gateway.member_event(await gateway.org(county))
        await gateway.member_event(await gateway.org())

        await gateway.worker().deliver_round()

        assert [item["headers"][rules.EVENT_ID_HEADER] for item in receiver.received] == [str(inside.id)]

    async def test_a_failing_delivery_holds_back_the_later_ones_then_all_go_in_order(
        self, gateway: Gateway, receiver: Receiver
    ) -> None:
        owner = gateway.client_headers("members:read")
        await subscribe(gateway, owner, receiver.url, ["member.*"])
        county = await gateway.org()
        sent = [await gateway.member_event(county) for _ in range(3)]
        worker = gateway.worker()

        receiver.status = 503
        await worker.deliver_round()
        assert len(receiver.received) == 1  # the first failed; the others wait behind it

        receiver.status = 200
        receiver.received.clear()
        await asyncio.sleep(0.1)  # past the backoff
        await worker.deliver_round()
        assert [item["headers"][rules.EVENT_ID_HEADER] for item in receiver.received] == [str(e.id) for e in sent]

    async def test_retries_run_out_into_parked_deliveries_that_can_be_replayed(
        self, gateway: Gateway, receiver: Receiver
    ) -> None:
        owner = gateway.client_headers("members:read")
        made = await subscribe(gateway, owner, receiver.url, ["member.*"])
        county = await gateway.org()
        first, second = await gateway.member_event(county), await gateway.member_event(county)
        worker = gateway.worker(retry_window_s=0)

        receiver.status = 500
        await worker.deliver_round()
        parked = await gateway.client.get(
            f"/api/v1/subscriptions/{made['id']}/deliveries", params={"status": "parked"}, headers=owner
        )
        assert [d["event_id"] for d in parked.json()["items"]] == [str(first.id), str(second.id)]
        assert parked.json()["items"][0]["last_status"] == 500
        metrics = (await gateway.client.get("/metrics")).text
        depth = [
            line for line in metrics.splitlines() if line.startswith('webhook_queue_depth{service="gateway",state="parked"}')
        ]
        assert float(depth[0].split()[-1]) >= 2

        receiver.status = 200
        receiver.received.clear()
        replay = await gateway.client.post(f"/api/v1/subscriptions/{made['id']}/replay", headers=owner)
        assert replay.json() == {"replayed": 2}
        await worker.deliver_round()
        assert [item["headers"][rules.EVENT_ID_HEADER] for item in receiver.received] == [str(first.id), str(second.id)]

    async def test_a_redirect_is_not_followed(self, gateway: Gateway, receiver: Receiver) -> None:
        owner = gateway.client_headers("members:read")
        made = await subscribe(gateway, owner, receiver.url, ["member.*"])
        receiver.redirect_to = receiver.url.replace("/hook", "/elsewhere")
        await gateway.member_event(await gateway.org())

        await gateway.worker().deliver_round()

        assert [item["path"] for item in receiver.received] == ["/hook"]
        listed = await gateway.client.get(f"/api/v1/subscriptions/{made['id']}/deliveries", headers=owner)
        assert listed.json()["items"][0]["status"] == "pending"
        assert listed.json()["items"][0]["last_status"] == 302

    async def test_a_name_that_resolves_to_a_private_address_is_refused_at_delivery(self, gateway: Gateway) -> None:
        owner = gateway.client_headers("members:read")
        made = await subscribe(gateway, owner, "https://hooks.example.org/in", ["member.*"])
        await gateway.member_event(await gateway.org())
        worker = DeliveryWorker(gateway.settings, gateway.db, resolver=FixedResolver("10.0.0.5"))

        await worker.deliver_round()
        await worker.stop()

        listed = await gateway.client.get(f"/api/v1/subscriptions/{made['id']}/deliveries", headers=owner)
        assert listed.json()["items"][0]["last_error"] == "refused:private"

    async def test_two_workers_at_once_deliver_each_event_once(self, gateway: Gateway, receiver: Receiver) -> None:
        await subscribe(gateway, gateway.client_headers("members:read"), receiver.url, ["member.*"])
        county = await gateway.org()
        sent = [await gateway.member_event(county) for _ in range(4)]

        await asyncio.gather(gateway.worker().deliver_round(), gateway.worker().deliver_round())

        ids = [item["headers"][rules.EVENT_ID_HEADER] for item in receiver.received]
        assert ids == [str(e.id) for e in sent]

    async def test_a_deleted_subscription_leaves_no_queue(self, gateway: Gateway) -> None:
        owner = gateway.client_headers("members:read")
        made = await subscribe(gateway, owner, "https://hooks.example.org/in", ["member.*"])
        await gateway.member_event(await gateway.org())
        await gateway.client.delete(f"/api/v1/subscriptions/{made['id']}", headers=owner)
        async with gateway.db.read_sessions() as session:
            left = await session.scalar(
                select(func.count()).select_from(Delivery).where(Delivery.subscription_id == uuid.UUID(made["id"]))
            )
            assert await session.get(Subscription, uuid.UUID(made["id"])) is None
        assert left == 0


class FixedResolver(AbstractResolver):
    """A resolver that answers every name with one address (a DNS answer the test chooses)."""

    def __init__(self, address: str) -> None:
        self.address = address

    async def resolve(self, host: str, port: int = 0, family: Any = 0) -> list[ResolveResult]:
        return [{"hostname": host, "host": self.address, "port": port, "family": 2, "proto": 0, "flags": 0}]

    async def close(self) -> None:
        return None


# ---------------------------------------------------------------- pure rules


class TestRules:
    @pytest.mark.parametrize(
        ("address", "reason"),
        [
            ("127.0.0.1", "loopback"),
            ("::1", "loopback"),
            ("10.0.0.1", "private"),
            ("100.100.1.1", "cgnat"),
            ("169.254.169.254", "metadata"),
            ("fd00:ec2::254", "metadata"),
            ("169.254.1.1", "link-local"),
            ("ff02::1", "multicast"),
            ("0.0.0.0", "unspecified"),
            ("::ffff:10.0.0.1", "private"),
            ("93.184.215.14", None),
            ("2606:4700::1111", None),
        ],
    )
    def test_address_refusal(self, address: str, reason: str | None) -> None:
        assert rules.address_refusal(address) == reason

    def test_backoff_doubles_up_to_the_maximum(self) -> None:
        policy = DeliveryPolicy(backoff_base_s=5, backoff_max_s=60)
        assert [rules.backoff(n, policy).total_seconds() for n in range(1, 6)] == [5, 10, 20, 40, 60]

    def test_retries_run_out_after_the_window(self) -> None:
        policy = DeliveryPolicy()
        first = datetime(2026, 1, 1, tzinfo=UTC)
        assert not rules.retries_exhausted(first, datetime(2026, 1, 1, 23, 59, tzinfo=UTC), policy)
        assert rules.retries_exhausted(first, datetime(2026, 1, 2, tzinfo=UTC), policy)

    def test_the_signature_is_hmac_sha256_over_timestamp_dot_body(self) -> None:
        # Computed independently: printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac whsec_test
        expected = "sha256=" + __import__("hmac").new(b"whsec_test", b'1700000000.{"a":1}', "sha256").hexdigest()
        assert rules.signature("whsec_test", "1700000000", b'{"a":1}') == expected
        assert rules.signature("whsec_other", "1700000000", b'{"a":1}') != expected

    def test_readers_by_kind(self) -> None:
        from services.kit.auth import Caller

        assert rules.readable_scopes(Caller("c", "client", scopes=frozenset({"members:read", "x"}))) == {"members:read"}
        assert rules.readable_scopes(Caller("u", "user", roles=frozenset({"sysadmin"}))) == frozenset()
        assert rules.readable_scopes(Caller("u", "user", roles=frozenset({"viewer"}))) == rules.ALL_READ_SCOPES
