"""`GET /communities/survey`: communities, units, reserve cadres and form mismatches per setting,
with member counts from a stub of the members service."""

import uuid
from typing import Any

import httpx

from tests.builders import create_org
from tests.orgs.builders import create_community
from tests.orgs.conftest import MembersStub
from tests.support import Tokens

AS_OF = "2026-06-30"


async def post(client: httpx.AsyncClient, headers: dict[str, str], path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = await client.post("/api/v1" + path, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def build(client: httpx.AsyncClient, admin: dict[str, str], stub: MembersStub) -> dict[str, Any]:
    """Rural 甲: a branch of 151 in its subtree — should be a committee;
    rural 乙: a general branch of 60 (matches); urban 丙: a branch of 2 full members (should be a
    joint branch); a community without a top organization (not counted)."""
    county = await create_org(client, admin, tier="county")
    township = await create_org(client, admin, tier="township", parent_id=county["id"])
    a = await create_org(client, admin, tier="community", kind="branch", parent_id=township["id"], name="甲社區黨支部")
    b = await create_org(client, admin, tier="community", kind="general_branch", parent_id=township["id"])
    c = await create_org(client, admin, tier="community", kind="branch", parent_id=township["id"])
    ca = await create_community(client, admin, township_org_id=township["id"], party_org_id=a["id"], name="甲社區")
    cb = await create_community(client, admin, township_org_id=township["id"], party_org_id=b["id"], name="乙社區")
    cc = await create_community(
        client, admin, township_org_id=township["id"], party_org_id=c["id"], setting="urban", name="丙社區"
    )
    await create_community(client, admin, township_org_id=township["id"], name="無黨組織社區")
    await create_org(client, admin, tier="inner", kind="branch", parent_id=a["id"])
    stub.set_community_count(ca["id"], members=151, full=141)
    stub.set_community_count(cb["id"], members=60)
    stub.set_community_count(cc["id"], members=2)
    for community, units in ((ca, 3), (cc, 1)):
        for i in range(units):
            await post(client, admin, "/units", {"community_id": community["id"], "name": f"單位{i}", "category": "enterprise"})
    for community, education, until in (
        (ca, "college", None),
        (ca, "junior_high", None),
        (ca, "postgraduate", "2025-12-31"),  # ended before the day: not counted
        (cb, "bachelor", None),
        (cc, "secondary", None),
    ):
        body = {"name": "後備", "birth_date": "1990-01-01", "education": education, "since": "2024-01-01", "until": until}
        await post(client, admin, f"/communities/{community['id']}/reserve-cadres", body)
    return {"county": county, "township": township, "a": a, "c": c}


class TestCommunitiesSurvey:
    async def test_counts_per_setting_and_the_mismatches_named(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens, members_stub: MembersStub
    ) -> None:
        admin = tokens.headers("org_admin")
        tree = await build(orgs_api, admin, members_stub)

        response = await orgs_api.get(
            "/api/v1/communities/survey",
            params={"within": tree["county"]["id"], "as_of": AS_OF},
            headers=tokens.headers("viewer"),
        )

        assert response.status_code == 200, response.text
        body = response.json()
        counts = ("communities", "community_units", "reserve_cadres", "reserve_cadres_college_or_above", "form_mismatches")
        assert [body["rural"][k] for k in counts] == [2, 3, 3, 2, 1]
        assert [body["urban"][k] for k in counts] == [1, 1, 1, 0, 1]
        assert [body["total"][k] for k in counts] == [3, 4, 4, 2, 2]
        named = {(m["community_name"], m["kind"], m["expected_kind"], m["members"]) for m in body["form_mismatches"]}
        assert named == {("甲社區", "branch", "committee", 151), ("丙社區", "branch", "joint_branch", 2)}

    async def test_a_cadre_counts_only_while_in_the_pool(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens, members_stub: MembersStub
    ) -> None:
        tree = await build(orgs_api, tokens.headers("org_admin"), members_stub)

        earlier = await orgs_api.get(
            "/api/v1/communities/survey", params={"within": tree["county"]["id"], "as_of": "2025-06-30"}, headers=tokens.headers()
        )

        # On 2025-06-30 the postgraduate cadre of 甲 was still in the pool.
        assert (earlier.json()["rural"]["reserve_cadres"], earlier.json()["rural"]["reserve_cadres_college_or_above"]) == (4, 3)

    async def test_scope_within_and_roles(self, orgs_api: httpx.AsyncClient, tokens: Tokens, members_stub: MembersStub) -> None:
        tree = await build(orgs_api, tokens.headers("org_admin"), members_stub)
        other = await create_org(orgs_api, tokens.headers("org_admin"), tier="county")
        scoped = tokens.headers("viewer", scope_org_id=uuid.UUID(other["id"]))

        outside = await orgs_api.get("/api/v1/communities/survey", params={"within": tree["county"]["id"]}, headers=scoped)
        own = await orgs_api.get("/api/v1/communities/survey", params={"within": other["id"]}, headers=scoped)
        township = await orgs_api.get(
            "/api/v1/communities/survey", params={"within": tree["township"]["id"], "as_of": AS_OF}, headers=tokens.headers()
        )
        auditor = await orgs_api.get("/api/v1/communities/survey", headers=tokens.headers("auditor"))

        assert outside.status_code == 404
        assert own.json()["total"]["communities"] == 0
        assert township.json()["total"]["communities"] == 3
        assert auditor.status_code == 403

    async def test_members_service_down_is_503_not_a_guess(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens, members_stub: MembersStub
    ) -> None:
        tree = await build(orgs_api, tokens.headers("org_admin"), members_stub)
        members_stub.down = True

        response = await orgs_api.get(
            "/api/v1/communities/survey", params={"within": tree["county"]["id"]}, headers=tokens.headers()
        )

        assert response.status_code == 503
