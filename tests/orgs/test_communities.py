"""Communities through HTTP: the record, its setting passed on to its organizations, the four
bodies and the reserve cadres."""

import uuid

import httpx

from tests.builders import create_org
from tests.orgs.builders import add_position, create_community, create_community_tree, events_of
from tests.orgs.conftest import MembersStub
from tests.support import Tokens


class TestCreateCommunity:
    async def test_the_record_is_returned_whole(self, orgs_api: httpx.AsyncClient, tokens: Tokens) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_community_tree(orgs_api, admin)

        fetched = (await orgs_api.get(f"/api/v1/communities/{tree['community']['id']}", headers=admin)).json()

        assert fetched["formation_mode"] == "village_residential_integration"
        assert fetched["origin_villages"] == ["東村", "西村"]
        assert fetched["party_org_id"] == tree["party_org"]["id"]
        assert (fetched["households"], fetched["population"]) == (1200, 3600)

    async def test_its_top_organization_and_everything_inside_get_the_community(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_community_tree(orgs_api, admin, setting="rural")

        for key in ("party_org", "inner"):
            org = (await orgs_api.get(f"/api/v1/orgs/{tree[key]['id']}", headers=admin)).json()
            assert (org["community_id"], org["setting"]) == (tree["community"]["id"], "rural")

    async def test_a_township_that_is_not_a_township_is_refused(self, orgs_api: httpx.AsyncClient, tokens: Tokens) -> None:
        admin = tokens.headers("org_admin")
        county = await create_org(orgs_api, admin, tier="county")

        response = await orgs_api.post("/api/v1/communities", json={"name": "x", "township_org_id": county["id"]}, headers=admin)

        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "township_org_id"


class TestUpdateCommunity:
    async def test_a_new_setting_reaches_every_organization_of_the_community_as_events(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_community_tree(orgs_api, admin, setting="rural")

        response = await orgs_api.patch(
            f"/api/v1/communities/{tree['community']['id']}", json={"setting": "urban"}, headers=admin | {"If-Match": "*"}
        )

        assert response.status_code == 200
        assert response.json()["version"] == 2
        feed = tokens.headers("service", scopes=("events:read",))
        for key in ("party_org", "inner"):
            events = await events_of(orgs_api, feed, tree[key]["id"])
            assert events[-1]["type"] == "org.updated"
            assert events[-1]["payload"]["setting"] == "urban"
        community_events = await events_of(orgs_api, feed, tree["community"]["id"])
        assert [e["type"] for e in community_events][-1] == "community.updated"
        assert community_events[-1]["payload"]["setting"] == "urban"

    async def test_a_stale_etag_is_412(self, orgs_api: httpx.AsyncClient, tokens: Tokens) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_community_tree(orgs_api, admin)
        url = f"/api/v1/communities/{tree['community']['id']}"
        etag = (await orgs_api.get(url, headers=admin)).headers["etag"]
        await orgs_api.patch(url, json={"households": 1300}, headers=admin | {"If-Match": "*"})

        stale = await orgs_api.patch(url, json={"households": 1400}, headers=admin | {"If-Match": etag})

        assert stale.status_code == 412
        assert (await orgs_api.get(url, headers=admin)).json()["households"] == 1300


class TestScope:
    async def test_a_caller_of_another_township_does_not_see_the_community(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_community_tree(orgs_api, admin)
        other = await create_org(orgs_api, admin, tier="township", parent_id=tree["county"]["id"])
        outsider = tokens.headers("viewer", scope_org_id=uuid.UUID(other["id"]))
        insider = tokens.headers("viewer", scope_org_id=uuid.UUID(tree["party_org"]["id"]))

        assert (await orgs_api.get(f"/api/v1/communities/{tree['community']['id']}", headers=outsider)).status_code == 404
        assert (await orgs_api.get(f"/api/v1/communities/{tree['community']['id']}", headers=insider)).status_code == 200
        listed = await orgs_api.get("/api/v1/communities", params={"within": tree["county"]["id"]}, headers=outsider)
        assert listed.json()["items"] == []


class TestBodies:
    async def test_a_body_term_keeps_members_by_id_and_others_by_name(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens, members_stub: MembersStub
    ) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_community_tree(orgs_api, admin)
        member_id = members_stub.new_member()
        body = {
            "kind": "residents_committee",
            "term_number": 3,
            "started_on": "2024-01-01",
            "ends_on": "2028-12-31",
            "people": [{"member_id": member_id, "name": "王書記", "role": "主任"}, {"name": "李居民", "role": "委員"}],
        }

        created = await orgs_api.post(f"/api/v1/communities/{tree['community']['id']}/bodies", json=body, headers=admin)
        listed = await orgs_api.get(f"/api/v1/communities/{tree['community']['id']}/bodies", headers=admin)

        assert created.status_code == 201, created.text
        people = listed.json()[0]["people"]
        assert people[0]["member_id"] == member_id
        assert people[1] == {"member_id": None, "name": "李居民", "role": "委員"}

    async def test_an_end_before_the_start_is_refused(self, orgs_api: httpx.AsyncClient, tokens: Tokens) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_community_tree(orgs_api, admin)
        body = {"kind": "deliberation_committee", "term_number": 1, "started_on": "2024-01-01", "ends_on": "2023-12-31"}

        response = await orgs_api.post(f"/api/v1/communities/{tree['community']['id']}/bodies", json=body, headers=admin)

        assert response.status_code == 422
        assert (await orgs_api.get(f"/api/v1/communities/{tree['community']['id']}/bodies", headers=admin)).json() == []

    async def test_a_term_number_beyond_any_real_one_is_a_422(self, orgs_api: httpx.AsyncClient, tokens: Tokens) -> None:
        # Found by the fuzzing on PostgreSQL: a number beyond the 32-bit column was a 500.
        admin = tokens.headers("org_admin")
        tree = await create_community_tree(orgs_api, admin)
        body = {"kind": "party_organization", "term_number": 1324291214130, "started_on": "2024-01-01", "ends_on": "2028-12-31"}

        response = await orgs_api.post(f"/api/v1/communities/{tree['community']['id']}/bodies", json=body, headers=admin)

        assert response.status_code == 422, response.text
        assert (await orgs_api.get(f"/api/v1/communities/{tree['community']['id']}/bodies", headers=admin)).json() == []


class TestReserveCadres:
    async def test_a_non_member_and_a_member_cadre(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens, members_stub: MembersStub
    ) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_community_tree(orgs_api, admin)
        url = f"/api/v1/communities/{tree['community']['id']}/reserve-cadres"
        cadre = {"name": "張青年", "birth_date": "1995-05-01", "education": "bachelor", "since": "2025-01-01"}

        outside = await orgs_api.post(url, json=cadre, headers=admin)
        member = await orgs_api.post(url, json=cadre | {"member_id": members_stub.new_member()}, headers=admin)
        unknown = await orgs_api.post(url, json=cadre | {"member_id": str(uuid.uuid4())}, headers=admin)

        assert (outside.status_code, member.status_code) == (201, 201)
        assert unknown.status_code == 422
        assert len((await orgs_api.get(url, headers=admin)).json()) == 2

    async def test_a_nul_character_is_refused_with_a_422(self, orgs_api: httpx.AsyncClient, tokens: Tokens) -> None:
        # Found by the fuzzing (tests/fuzz) on PostgreSQL, whose text holds no NUL (a 500 there).
        admin = tokens.headers("org_admin")
        tree = await create_community_tree(orgs_api, admin)
        url = f"/api/v1/communities/{tree['community']['id']}/reserve-cadres"
        cadre = {"name": "張\x00青年", "birth_date": "1995-05-01", "education": "bachelor", "since": "2025-01-01"}

        response = await orgs_api.post(url, json=cadre, headers=admin)

        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["field"] == "name"


async def test_a_second_community_cannot_take_the_same_top_organization(orgs_api: httpx.AsyncClient, tokens: Tokens) -> None:
    admin = tokens.headers("org_admin")
    tree = await create_community_tree(orgs_api, admin)

    response = await orgs_api.post(
        "/api/v1/communities",
        json={"name": "又一個", "township_org_id": tree["township"]["id"], "party_org_id": tree["party_org"]["id"]},
        headers=admin,
    )

    assert response.status_code == 422
    assert response.json()["type"] == "/problems/community-taken"


class TestLeadingGoose:
    async def test_the_team_is_measured_with_the_members_services_records(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens, members_stub: MembersStub
    ) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_community_tree(orgs_api, admin)
        org_id = tree["party_org"]["id"]
        members_stub.set_count(org_id, members=30, full=30)
        young_graduate = members_stub.new_member(birth_date="1990-05-01", education="bachelor")
        older = members_stub.new_member(birth_date="1960-05-01", education="junior_high")
        await add_position(
            orgs_api, admin, org_id=org_id, member_id=young_graduate, concurrent_posts=["residents_committee_director"]
        )
        await add_position(orgs_api, admin, org_id=org_id, member_id=older, role="deputy_secretary")

        response = await orgs_api.get(
            f"/api/v1/communities/{tree['community']['id']}/leading-goose", params={"as_of": "2026-11-26"}, headers=admin
        )

        assert response.status_code == 200, response.text
        body = response.json()
        assert body["team_size"] == 2
        assert body["college_or_above"] == {"count": 1, "share": 0.5, "threshold": 0.6, "met": False}
        assert body["under_age_limit"]["count"] == 1
        assert body["meets_all"] is False


async def test_moving_the_top_organization_takes_the_community_to_the_new_township(
    orgs_api: httpx.AsyncClient, tokens: Tokens
) -> None:
    admin = tokens.headers("org_admin")
    tree = await create_community_tree(orgs_api, admin)
    other = await create_org(orgs_api, admin, tier="township", parent_id=tree["county"]["id"])

    moved = await orgs_api.post(f"/api/v1/orgs/{tree['party_org']['id']}/move", json={"parent_id": other["id"]}, headers=admin)

    assert moved.status_code == 200
    community = (await orgs_api.get(f"/api/v1/communities/{tree['community']['id']}", headers=admin)).json()
    assert (community["township_org_id"], community["version"]) == (other["id"], 2)


class TestMergedTopOrganization:
    """A community's top organization merged away is no longer its top one."""

    async def test_the_survivor_takes_over_the_community(self, orgs_api: httpx.AsyncClient, tokens: Tokens) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_community_tree(orgs_api, admin)
        survivor = await create_org(orgs_api, admin, tier="community", kind="general_branch", parent_id=tree["township"]["id"])

        response = await orgs_api.post(
            f"/api/v1/orgs/{tree['party_org']['id']}/merge", json={"into_id": survivor["id"]}, headers=admin
        )

        assert response.status_code == 200, response.text
        community = (await orgs_api.get(f"/api/v1/communities/{tree['community']['id']}", headers=admin)).json()
        assert (community["party_org_id"], community["version"]) == (survivor["id"], 2)
        took_over = (await orgs_api.get(f"/api/v1/orgs/{survivor['id']}", headers=admin)).json()
        assert (took_over["community_id"], took_over["setting"]) == (tree["community"]["id"], "rural")
        inner = (await orgs_api.get(f"/api/v1/orgs/{tree['inner']['id']}", headers=admin)).json()
        assert (inner["parent_id"], inner["community_id"]) == (survivor["id"], tree["community"]["id"])
        feed = tokens.headers("service", scopes=("events:read",))
        events = await events_of(orgs_api, feed, tree["community"]["id"])
        assert events[-1]["type"] == "community.updated"
        assert events[-1]["payload"]["party_org_id"] == survivor["id"]
        inner_events = await events_of(orgs_api, feed, tree["inner"]["id"])
        assert all(e["payload"]["parent_id"] == survivor["id"] for e in inner_events[1:])
        survivor_path = (await events_of(orgs_api, feed, survivor["id"]))[-1]["payload"]["path"]
        assert inner_events[-1]["payload"]["path"].startswith(survivor_path)

    async def test_a_survivor_leading_its_own_community_leaves_the_other_without_one(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_community_tree(orgs_api, admin)
        survivor = await create_org(orgs_api, admin, tier="community", kind="general_branch", parent_id=tree["township"]["id"])
        other = await create_community(
            orgs_api, admin, township_org_id=tree["township"]["id"], party_org_id=survivor["id"], name="乙社區"
        )

        response = await orgs_api.post(
            f"/api/v1/orgs/{tree['party_org']['id']}/merge", json={"into_id": survivor["id"]}, headers=admin
        )

        assert response.status_code == 200, response.text
        merged_community = (await orgs_api.get(f"/api/v1/communities/{tree['community']['id']}", headers=admin)).json()
        assert merged_community["party_org_id"] is None
        kept = (await orgs_api.get(f"/api/v1/communities/{other['id']}", headers=admin)).json()
        assert kept["party_org_id"] == survivor["id"]
