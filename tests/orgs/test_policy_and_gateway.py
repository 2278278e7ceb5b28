"""The policy endpoint shows every number, and the orgs routes answer through the gateway."""

import httpx

from services.orgs.rules import OrgsPolicy
from tests.support import LiveStack, Tokens


async def test_the_policy_endpoint_shows_every_number(orgs_api: httpx.AsyncClient, tokens: Tokens) -> None:
    response = await orgs_api.get("/policy", headers=tokens.headers("viewer"))

    assert response.status_code == 200
    body = response.json()
    assert set(body) == set(OrgsPolicy.model_fields)
    assert (body["committee_above_members"], body["general_branch_above_members"], body["branch_min_full_members"]) == (
        100,
        50,
        3,
    )
    assert (body["term_years_base"], body["term_years_branch"], body["term_reminder_months"]) == (5, 3, 6)
    assert (body["committee_min_size"], body["committee_usual_max_size"], body["committee_max_size"]) == (3, 5, 7)
    assert body["leading_goose_age_limit"] == 45
    assert body["leading_goose_college_share"] == body["leading_goose_young_share"] == 0.6
    assert body["leading_goose_cross_appointed_share"] == 0.6


def test_orgs_routes_answer_through_the_gateway(live: LiveStack) -> None:
    headers = live.business_headers()
    url = live.url() + "/api/v1"

    def post(path: str, body: dict[str, object]) -> dict[str, object]:
        response = httpx.post(url + path, json=body, headers=headers)
        assert response.status_code == 201, response.text
        return dict(response.json())

    county = post("/orgs", {"name": "區委", "kind": "committee", "tier": "county"})
    township = post("/orgs", {"name": "鎮黨委", "kind": "committee", "tier": "township", "parent_id": county["id"]})
    party_org = post("/orgs", {"name": "社區黨總支", "kind": "general_branch", "tier": "community", "parent_id": township["id"]})
    community = post("/communities", {"name": "𠀀社區", "township_org_id": township["id"], "party_org_id": party_org["id"]})
    post(f"/orgs/{party_org['id']}/terms", {"number": 1, "started_on": "2021-06-01"})

    due = httpx.get(url + "/terms", params={"within": county["id"], "as_of": "2026-11-26"}, headers=headers)
    policy = httpx.get(url + "/policy", headers=headers)
    fetched = httpx.get(url + f"/communities/{community['id']}", headers=headers)

    unit = post("/units", {"community_id": community["id"], "name": "社區小學", "category": "school"})
    post("/co-building", {"unit_id": unit["id"], "community_id": community["id"], "started_on": "2025-01-01", "content": "共建"})
    zone = post("/zones", {"org_id": party_org["id"], "kind": "unit_co_building_zone", "name": "共建區", "unit_id": unit["id"]})
    post("/posts", {"org_id": party_org["id"], "zone_id": zone["id"], "name": "宣傳崗"})
    for path in ("/units", "/co-building", "/zones", "/posts"):
        listed = httpx.get(url + path, params={"within": county["id"]} if path != "/co-building" else {}, headers=headers)
        assert listed.status_code == 200, path
        assert listed.json()["items"], path

    assert [i["due"] for i in due.json()["items"]] == ["overdue"]
    assert policy.json()["orgs"]["branch_max_members"] == 50
    assert fetched.json()["name"] == "𠀀社區"


def test_the_lifecycles_answer_through_the_gateway(live: LiveStack) -> None:
    headers = live.business_headers()
    url = live.url() + "/api/v1"

    def post(path: str, body: dict[str, object], *, status: int = 201, extra: dict[str, str] | None = None) -> dict[str, object]:
        response = httpx.post(url + path, json=body, headers=headers | (extra or {}))
        assert response.status_code == status, response.text
        return dict(response.json())

    county = post("/orgs", {"name": "區委", "kind": "committee", "tier": "county"})
    township = post("/orgs", {"name": "鎮黨委", "kind": "committee", "tier": "township", "parent_id": county["id"]})
    community = post("/communities", {"name": "乙社區", "township_org_id": township["id"]})
    cadre = post(
        f"/communities/{community['id']}/reserve-cadres",
        {"name": "張青年", "birth_date": "1995-05-01", "education": "bachelor", "since": "2025-01-01"},
    )
    pool = httpx.get(url + "/reserve-cadres", params={"within": county["id"]}, headers=headers)
    etag = httpx.get(url + f"/reserve-cadres/{cadre['id']}", headers=headers).headers["etag"]
    ended = post(
        f"/reserve-cadres/{cadre['id']}/end", {"until": "2026-03-31", "reason": "promoted"}, status=200, extra={"If-Match": etag}
    )
    post(
        f"/communities/{community['id']}/bodies", {"kind": "supervisory_committee", "term_number": 1, "started_on": "2021-03-20"}
    )
    due = httpx.get(url + "/terms", params={"within": county["id"], "as_of": "2026-11-26"}, headers=headers)

    assert [c["id"] for c in pool.json()["items"]] == [cadre["id"]]
    assert ended["end_reason"] == "promoted"
    assert httpx.get(url + "/reserve-cadres", params={"within": county["id"]}, headers=headers).json()["items"] == []
    assert [(i["body"], i["due"]) for i in due.json()["items"]] == [("supervisory_committee", "overdue")]
