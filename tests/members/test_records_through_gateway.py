"""The members service through the gateway, on the real processes: record, history, stats,
import and export, transfers — the paths the frontends use."""

import uuid

import httpx

from tests.builders import member_body
from tests.support import LiveStack, wait_until


def create_org(live: LiveStack, headers: dict[str, str], **body: object) -> dict[str, object]:
    body = {"name": f"org {uuid.uuid4().hex[:6]}", "kind": "committee", "tier": "county"} | body
    response = httpx.post(live.url() + "/api/v1/orgs", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_a_member_lives_its_life_through_the_gateway(live: LiveStack) -> None:
    headers = live.business_headers()
    county = create_org(live, headers)
    township = create_org(live, headers, tier="township", parent_id=county["id"])
    branch = create_org(live, headers, tier="community", kind="branch", parent_id=township["id"])
    body = member_body(org_id=str(branch["id"]), name="張𠮷")
    api = live.url() + "/api/v1"

    created = wait_until(lambda: httpx.post(api + "/members", json=body, headers=headers).status_code == 201, 10, 0.05)
    assert created, "the members' replica never received the organization"
    listed = httpx.get(api + "/members", params={"id_number": body["id_number"]}, headers=headers).json()["items"]
    member_id = listed[0]["id"]
    assert listed[0]["name"] == "張𠮷"

    moved = httpx.put(
        f"{api}/members/{member_id}/whereabouts",
        json={"whereabouts": "floating_out", "since": "2026-01-01", "details": {"destination": "杭州", "fixed_place": True}},
        headers=headers | {"If-Match": "*"},
    )
    history = httpx.get(f"{api}/members/{member_id}/history", headers=headers)
    due = httpx.get(
        api + "/members/due", params={"kind": "transfer", "as_of": "2026-07-01", "within": county["id"]}, headers=headers
    )
    stats = httpx.get(api + "/members/stats", params={"within": county["id"], "group_by": "education"}, headers=headers)
    exported = httpx.get(api + "/members/export", params={"within": county["id"], "format": "csv"}, headers=headers)
    transfers = httpx.get(api + "/transfers", params={"member_id": member_id}, headers=headers)

    assert moved.status_code == 200, moved.text
    assert [e["kind"] for e in history.json()] == ["joined", "became_full", "whereabouts_changed"]
    assert [item["member"]["id"] for item in due.json()["items"]] == [member_id]
    assert stats.json()["total"] == 1
    assert body["id_number"] in exported.content.decode("utf-8-sig")
    assert transfers.json() == {"items": [], "next_cursor": None}
