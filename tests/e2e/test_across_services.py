"""The services working together as real processes: an org tree from orgs reaches members and
activities, a member from members reaches activities, all through the gateway."""

import httpx

from tests.builders import member_body
from tests.e2e.test_live_stack import create_member_holding_org, in_members_replica
from tests.support import LiveStack, wait_until


def test_a_member_filed_through_the_gateway_is_expected_at_the_organizations_meetings(live: LiveStack) -> None:
    headers = live.business_headers()
    branch = create_member_holding_org(live, headers)
    # Probing the replica files a first member as soon as the org is there; this is the second.
    assert wait_until(lambda: in_members_replica(live, headers, branch["id"]), 5, 0.05)
    member = httpx.post(live.url() + "/api/v1/members", json=member_body(org_id=str(branch["id"])), headers=headers)
    assert member.status_code == 201, member.text

    def sheet() -> dict[str, object] | None:
        activity = httpx.post(
            live.url() + "/api/v1/activities",
            json={
                "org_id": branch["id"],
                "type": "general_meeting",
                "title": "支部黨員大會",
                "starts_at": "2026-11-20T09:00:00+08:00",
            },
            headers=headers,
        )
        if activity.status_code != 201:
            return None
        attendance = httpx.get(live.url() + f"/api/v1/activities/{activity.json()['id']}/attendance", headers=headers)
        body = dict(attendance.json())
        return body if body["expected"] == 2 else None

    # The org reaches activities through the orgs feed, the member through the members feed.
    found = wait_until(sheet, 10, 0.2)
    assert found, "the activities service did not learn of the organization and its member"


def test_orgs_asks_the_members_service_for_its_diagnostics_and_dissolving(live: LiveStack) -> None:
    headers = live.business_headers()
    branch = create_member_holding_org(live, headers)
    assert wait_until(lambda: in_members_replica(live, headers, branch["id"]), 5, 0.05)  # files one member
    second = httpx.post(live.url() + "/api/v1/members", json=member_body(org_id=str(branch["id"])), headers=headers)
    assert second.status_code == 201, second.text

    diagnostics = httpx.get(live.url() + f"/api/v1/orgs/{branch['id']}/diagnostics", headers=headers)
    dissolve = httpx.post(live.url() + f"/api/v1/orgs/{branch['id']}/dissolve", json={}, headers=headers)

    assert diagnostics.status_code == 200, diagnostics.text
    form = [d for d in diagnostics.json()["items"] if d["rule"] == "form_mismatch"]
    assert [d["figures"]["members"] for d in form] == [2]  # counted by the members service
    assert dissolve.status_code == 409  # it still has members
