"""Community units, co-building agreements, responsibility zones and member posts through HTTP."""

import uuid

import httpx

from tests.builders import create_org
from tests.orgs.builders import create_community_tree
from tests.orgs.conftest import MembersStub
from tests.support import Tokens


async def create_unit(
    client: httpx.AsyncClient, headers: dict[str, str], *, community_id: str, **extra: object
) -> dict[str, object]:
    body = {"community_id": community_id, "name": "社區小學", "category": "school"} | extra
    response = await client.post("/api/v1/units", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


class TestUnits:
    async def test_a_unit_with_its_own_party_organization(self, orgs_api: httpx.AsyncClient, tokens: Tokens) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_community_tree(orgs_api, admin)
        unit_org = await create_org(orgs_api, admin, tier="unit", kind="branch", parent_id=tree["party_org"]["id"])
        await create_unit(orgs_api, admin, community_id=tree["community"]["id"], party_org_id=unit_org["id"])
        await create_unit(orgs_api, admin, community_id=tree["community"]["id"], name="超市", category="enterprise")

        with_org = await orgs_api.get(
            "/api/v1/units", params={"community_id": tree["community"]["id"], "has_party_org": "true"}, headers=admin
        )
        everything = await orgs_api.get("/api/v1/units", params={"within": tree["county"]["id"]}, headers=admin)

        assert [u["party_org_id"] for u in with_org.json()["items"]] == [unit_org["id"]]
        assert len(everything.json()["items"]) == 2

    async def test_an_unknown_community_is_refused(self, orgs_api: httpx.AsyncClient, tokens: Tokens) -> None:
        response = await orgs_api.post(
            "/api/v1/units",
            json={"community_id": str(uuid.uuid4()), "name": "x", "category": "school"},
            headers=tokens.headers("org_admin"),
        )

        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "community_id"


class TestCoBuilding:
    async def test_an_agreement_and_its_dates(self, orgs_api: httpx.AsyncClient, tokens: Tokens) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_community_tree(orgs_api, admin)
        unit = await create_unit(orgs_api, admin, community_id=tree["community"]["id"])
        body = {"unit_id": unit["id"], "community_id": tree["community"]["id"], "started_on": "2025-01-01", "content": "共建書屋"}

        created = await orgs_api.post("/api/v1/co-building", json=body, headers=admin)
        backwards = await orgs_api.post("/api/v1/co-building", json=body | {"ends_on": "2024-01-01"}, headers=admin)

        assert created.status_code == 201
        assert backwards.status_code == 422
        listed = await orgs_api.get("/api/v1/co-building", params={"unit_id": unit["id"]}, headers=admin)
        assert [a["content"] for a in listed.json()["items"]] == ["共建書屋"]


class TestZonesAndPosts:
    async def test_a_post_in_a_zone_with_its_holders(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens, members_stub: MembersStub
    ) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_community_tree(orgs_api, admin)
        zone = await orgs_api.post(
            "/api/v1/zones",
            json={"org_id": tree["inner"]["id"], "kind": "resident_group_zone", "name": "一號樓責任區"},
            headers=admin,
        )
        assert zone.status_code == 201, zone.text
        holder = members_stub.new_member()

        post = await orgs_api.post(
            "/api/v1/posts",
            json={
                "org_id": tree["inner"]["id"],
                "zone_id": zone.json()["id"],
                "name": "環境衛生監督崗",
                "duties": "每週巡查",
                "holders": [{"member_id": holder, "since": "2025-03-01"}],
            },
            headers=admin,
        )

        assert post.status_code == 201, post.text
        assert post.json()["holders"] == [{"member_id": holder, "since": "2025-03-01", "until": None}]
        held = await orgs_api.get("/api/v1/posts", params={"member_id": holder}, headers=admin)
        assert [p["name"] for p in held.json()["items"]] == ["環境衛生監督崗"]
        zones = await orgs_api.get("/api/v1/zones", params={"within": tree["county"]["id"]}, headers=admin)
        assert [z["name"] for z in zones.json()["items"]] == ["一號樓責任區"]

    async def test_a_holder_the_members_service_does_not_know_is_refused(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_community_tree(orgs_api, admin)

        response = await orgs_api.post(
            "/api/v1/posts",
            json={
                "org_id": tree["inner"]["id"],
                "name": "崗",
                "holders": [{"member_id": str(uuid.uuid4()), "since": "2025-03-01"}],
            },
            headers=admin,
        )

        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "holders.0.member_id"
        listed = await orgs_api.get("/api/v1/posts", params={"org_id": tree["inner"]["id"]}, headers=admin)
        assert listed.json()["items"] == []

    async def test_a_co_building_zone_needs_its_unit(self, orgs_api: httpx.AsyncClient, tokens: Tokens) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_community_tree(orgs_api, admin)

        response = await orgs_api.post(
            "/api/v1/zones", json={"org_id": tree["party_org"]["id"], "kind": "unit_co_building_zone", "name": "z"}, headers=admin
        )

        assert response.status_code == 422


class TestJointBranch:
    """A joint branch (聯合黨支部) joins at most 5 units."""

    async def test_a_sixth_unit_is_refused_and_not_written(self, orgs_api: httpx.AsyncClient, tokens: Tokens) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_community_tree(orgs_api, admin)
        community_id = tree["community"]["id"]
        joint = await create_org(orgs_api, admin, tier="unit", kind="joint_branch", parent_id=tree["party_org"]["id"])
        for i in range(5):
            await create_unit(orgs_api, admin, community_id=community_id, name=f"商店{i}", party_org_id=joint["id"])

        refused = await orgs_api.post(
            "/api/v1/units",
            json={"community_id": community_id, "name": "第六", "category": "enterprise", "party_org_id": joint["id"]},
            headers=admin,
        )

        assert refused.status_code == 422
        assert refused.json()["type"] == "/problems/joint-branch-full"
        assert refused.json()["errors"][0]["field"] == "party_org_id"
        listed = await orgs_api.get("/api/v1/units", params={"community_id": community_id}, headers=admin)
        assert len(listed.json()["items"]) == 5

    async def test_a_unit_moving_into_a_full_joint_branch_is_refused(self, orgs_api: httpx.AsyncClient, tokens: Tokens) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_community_tree(orgs_api, admin)
        community_id = tree["community"]["id"]
        joint = await create_org(orgs_api, admin, tier="unit", kind="joint_branch", parent_id=tree["party_org"]["id"])
        members = [
            await create_unit(orgs_api, admin, community_id=community_id, name=f"商店{i}", party_org_id=joint["id"])
            for i in range(5)
        ]
        outsider = await create_unit(orgs_api, admin, community_id=community_id, name="第六")

        refused = await orgs_api.patch(
            f"/api/v1/units/{outsider['id']}", json={"party_org_id": joint["id"]}, headers=admin | {"If-Match": "*"}
        )
        # A unit already in it may be saved again: it is not counted twice.
        again = await orgs_api.patch(
            f"/api/v1/units/{members[0]['id']}",
            json={"name": "改名", "party_org_id": joint["id"]},
            headers=admin | {"If-Match": "*"},
        )

        assert refused.status_code == 422
        assert (await orgs_api.get(f"/api/v1/units/{outsider['id']}", headers=admin)).json()["party_org_id"] is None
        assert again.status_code == 200, again.text
