"""Study hours with the real processes behind the gateway: the member arrives over the members
feed, the secretary's position over the orgs feed, and the secretary owes the team's hours."""

from typing import Any

import httpx

from tests.builders import member_body
from tests.e2e.test_live_stack import admin_headers, create_member_holding_org, in_members_replica
from tests.support import LiveStack, wait_until


def test_a_secretarys_study_hours_through_the_gateway(live: LiveStack) -> None:
    headers = admin_headers(live)
    community = create_member_holding_org(live, headers)
    assert wait_until(lambda: in_members_replica(live, headers, community["id"]), 5, 0.05)
    filed = httpx.post(live.url() + "/api/v1/members", json=member_body(org_id=str(community["id"])), headers=headers)
    assert filed.status_code == 201, filed.text
    secretary = filed.json()["id"]
    appointed = httpx.post(
        live.url() + f"/api/v1/orgs/{community['id']}/positions",
        json={"member_id": secretary, "role": "secretary", "since": "2025-01-01"},
        headers=headers,
    )
    assert appointed.status_code == 201, appointed.text

    def standing() -> dict[str, Any] | None:
        response = httpx.get(live.url() + f"/api/v1/study/members/{secretary}", params={"as_of": "2026-03-31"}, headers=headers)
        return dict(response.json()) if response.status_code == 200 and response.json()["team_months"] == 3 else None

    before = wait_until(standing, 10, 0.2)
    assert before, "the member or the position did not reach the activities service"
    record = httpx.post(
        live.url() + "/api/v1/study/records",
        json={"member_id": secretary, "studied_on": "2026-03-05", "hours": "3", "title": "自學"},
        headers=headers,
    )
    assert record.status_code == 201, record.text
    decided = httpx.post(
        live.url() + f"/api/v1/study/records/{record.json()['id']}/decision", json={"status": "approved"}, headers=headers
    )
    too_long = httpx.post(
        live.url() + "/api/v1/study/records",
        json={"member_id": secretary, "studied_on": "2026-03-05", "hours": "21.5", "title": "自學"},
        headers=headers,
    )
    after = standing()

    assert before["required"] == "14.00"
    assert decided.status_code == 200, decided.text
    assert too_long.status_code == 422
    assert too_long.headers["content-type"] == "application/problem+json"
    assert after is not None
    assert (after["hours"], after["shortfall"]) == ("3.00", "11.00")
