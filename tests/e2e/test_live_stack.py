"""The four real processes: routing, tokens, the replica across processes, and an outage."""

import json
import time
import uuid

import httpx

from tests.builders import member_body
from tests.conftest import ADMIN_PASSWORD
from tests.support import ORG_ADMIN_PASSWORD, ORG_ADMIN_USERNAME, LiveStack, wait_until


def admin_headers(live: LiveStack) -> dict[str, str]:
    """The business administrator's (org_admin) headers: the sysadmin has no business data."""
    response = httpx.post(
        live.url() + "/api/v1/auth/token", data={"username": ORG_ADMIN_USERNAME, "password": ORG_ADMIN_PASSWORD}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def sysadmin_headers(live: LiveStack) -> dict[str, str]:
    response = httpx.post(live.url() + "/api/v1/auth/token", data={"username": "admin", "password": ADMIN_PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def create_org(live: LiveStack, headers: dict[str, str], **body: object) -> dict[str, object]:
    body = {"name": f"org {uuid.uuid4().hex[:6]}", "kind": "committee", "tier": "county"} | body
    response = httpx.post(live.url() + "/api/v1/orgs", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def in_members_replica(live: LiveStack, headers: dict[str, str], org_id: object) -> bool:
    """A member can be filed under an org exactly when the members' replica holds it."""
    response = httpx.post(live.url() + "/api/v1/members", json=member_body(org_id=str(org_id)), headers=headers)
    return response.status_code == 201


def create_member_holding_org(live: LiveStack, headers: dict[str, str]) -> dict[str, object]:
    """A community branch (it holds members) under a new county and township."""
    county = create_org(live, headers)
    township = create_org(live, headers, tier="township", parent_id=county["id"])
    return create_org(live, headers, tier="community", kind="branch", parent_id=township["id"])


class TestGateway:
    def test_orgs_needs_a_token_through_the_gateway(self, live: LiveStack) -> None:
        without = httpx.get(live.url() + "/api/v1/orgs")
        with_token = httpx.get(live.url() + "/api/v1/orgs", headers=live.business_headers())
        # The first administrator manages accounts and sees no business data (separation of duties).
        administrator = httpx.get(live.url() + "/api/v1/orgs", headers=sysadmin_headers(live))

        assert administrator.status_code == 403
        assert without.status_code == 401
        assert without.headers["content-type"] == "application/problem+json"
        assert with_token.status_code == 200
        assert "items" in with_token.json()

    def test_a_wrong_password_is_400_invalid_grant(self, live: LiveStack) -> None:
        response = httpx.post(live.url() + "/api/v1/auth/token", data={"username": "admin", "password": "wrong"})
        assert response.status_code == 400  # RFC 6749 §5.2
        assert response.json()["error"] == "invalid_grant"

    def test_me_names_the_administrator(self, live: LiveStack) -> None:
        response = httpx.get(live.url() + "/api/v1/me", headers=sysadmin_headers(live))
        assert response.json()["username"] == "admin"
        assert response.json()["roles"] == ["sysadmin"]

    def test_the_sysadmin_has_no_business_data(self, live: LiveStack) -> None:
        assert httpx.get(live.url() + "/api/v1/orgs", headers=sysadmin_headers(live)).status_code == 403

    def test_request_id_and_trace_go_through_to_the_service_logs(self, live: LiveStack) -> None:
        trace_id = uuid.uuid4().hex
        traceparent = f"00-{trace_id}-b7ad6b7169203331-01"
        response = httpx.get(
            live.url() + "/api/v1/orgs?q=13800138000", headers={"X-Request-ID": "e2e-req-1", "traceparent": traceparent}
        )
        assert response.headers.get_list("x-request-id") == ["e2e-req-1"]

        def orgs_line() -> dict[str, object] | None:
            for line in live.logs["orgs"].read_text().splitlines():
                if line.startswith("{") and "e2e-req-1" in line:
                    return dict(json.loads(line))
            return None

        line = wait_until(orgs_line, 5)
        assert line, "no JSON log line with the request id in the orgs log"
        assert line["request_id"] == "e2e-req-1"
        assert line["trace_id"] == trace_id
        assert line["path"] == "/api/v1/orgs"
        assert "13800138000" not in live.logs["orgs"].read_text() + live.logs["gateway"].read_text()

    def test_the_merged_openapi_has_every_service(self, live: LiveStack) -> None:
        # The first request makes each service build its document (seconds on a loaded machine).
        document = httpx.get(live.url() + "/api/v1/openapi.json", timeout=60).json()
        for path in ("/api/v1/orgs", "/api/v1/members", "/api/v1/activities", "/api/v1/auth/token"):
            assert path in document["paths"]
        assert not any(p.startswith("/internal") for p in document["paths"])
        assert httpx.get(live.url() + "/docs").status_code == 200

    def test_an_org_created_through_the_gateway_reaches_the_members_replica_within_a_second(self, live: LiveStack) -> None:
        headers = live.business_headers()
        org = create_member_holding_org(live, headers)
        started = time.monotonic()

        arrived = wait_until(lambda: in_members_replica(live, headers, org["id"]), 1.0, 0.02)

        assert arrived, "not in the members' replica after 1 s"
        assert time.monotonic() - started <= 1.0


class TestOutage:
    def test_orgs_down_is_a_fast_503_and_the_rest_keeps_working(self, live: LiveStack) -> None:
        headers = live.business_headers()
        live.kill("orgs")
        try:
            started = time.monotonic()
            response = httpx.get(live.url() + "/api/v1/orgs", headers=headers, timeout=15)
            elapsed = time.monotonic() - started

            assert response.status_code == 503
            assert response.headers["content-type"] == "application/problem+json"
            assert response.json()["type"] == "/problems/service-unavailable"
            assert elapsed < 2.0  # well inside the 10 s upstream timeout
            assert httpx.get(live.url() + "/api/v1/members", headers=headers).status_code == 200
            assert httpx.get(live.url() + "/api/v1/activities", headers=headers).status_code == 200
        finally:
            live.start("orgs")

        org = create_member_holding_org(live, headers)
        assert wait_until(lambda: in_members_replica(live, headers, org["id"]), 10, 0.05), "the replica did not catch up"


def test_the_policy_of_every_service_is_shown_together(live: LiveStack) -> None:
    response = httpx.get(live.url() + "/api/v1/policy", headers=admin_headers(live))
    assert response.status_code == 200
    assert set(response.json()) == {"gateway", "orgs", "members", "activities"}
    assert response.json()["gateway"]["lockout_threshold"] == 5
    assert httpx.get(live.url() + "/api/v1/policy").status_code == 401


def test_every_enum_code_has_chinese_labels_without_logging_in(live: LiveStack) -> None:
    response = httpx.get(live.url() + "/api/v1/meta/enums")
    assert response.status_code == 200
    enums = response.json()
    # Both scripts, and `label` in the reader's (the deployment's default without Accept-Language: Simplified).
    assert enums["education"]["college"] == {"zh_hant": "大學專科", "zh_hans": "大学专科", "label": "大学专科"}
    assert response.headers["content-language"] == "zh-Hans"
    for name in ("role", "education", "member_state", "whereabouts"):
        assert name in enums, name
    assert all(set(labels) == {"zh_hant", "zh_hans", "label"} for codes in enums.values() for labels in codes.values())
    traditional = httpx.get(live.url() + "/api/v1/meta/enums", headers={"Accept-Language": "zh-TW"})
    assert traditional.json()["education"]["college"]["label"] == "大學專科"
    assert traditional.headers["content-language"] == "zh-Hant"
