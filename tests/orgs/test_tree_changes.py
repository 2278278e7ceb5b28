"""Changes to the organization tree through HTTP: update, merge, dissolve, history, events, and
bad input that is refused with nothing written."""

import uuid
from datetime import datetime

import httpx

from tests.builders import create_org, create_tree, unique_code
from tests.orgs.builders import create_community_tree, events_of
from tests.orgs.conftest import MembersStub
from tests.support import Tokens


def feed_headers(tokens: Tokens) -> dict[str, str]:
    return tokens.headers("service", scopes=("events:read",))


class TestCreate:
    async def test_unknown_parent_is_a_422_on_parent_id(self, orgs_api: httpx.AsyncClient, tokens: Tokens) -> None:
        code = unique_code()
        response = await orgs_api.post(
            "/api/v1/orgs",
            json={"name": "x", "code": code, "kind": "committee", "tier": "township", "parent_id": str(uuid.uuid4())},
            headers=tokens.headers("org_admin"),
        )

        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "parent_id"

    async def test_a_group_directly_under_a_township_is_refused(self, orgs_api: httpx.AsyncClient, tokens: Tokens) -> None:
        admin = tokens.headers("org_admin")
        county = await create_org(orgs_api, admin, tier="county")
        township = await create_org(orgs_api, admin, tier="township", parent_id=county["id"])

        response = await orgs_api.post(
            "/api/v1/orgs", json={"name": "小組", "kind": "group", "tier": "inner", "parent_id": township["id"]}, headers=admin
        )

        assert response.status_code == 422
        assert response.json()["type"] == "/problems/invalid-placement"
        children = await orgs_api.get(f"/api/v1/orgs/{township['id']}/children", headers=admin)
        assert children.json()["items"] == []

    async def test_a_name_over_200_characters_is_refused(self, orgs_api: httpx.AsyncClient, tokens: Tokens) -> None:
        response = await orgs_api.post(
            "/api/v1/orgs", json={"name": "黨" * 201, "kind": "committee", "tier": "county"}, headers=tokens.headers("org_admin")
        )

        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "name"

    async def test_a_200_character_name_outside_the_bmp_round_trips(self, orgs_api: httpx.AsyncClient, tokens: Tokens) -> None:
        admin = tokens.headers("org_admin")
        name = ("𠀀𪚥𡃁黨" * 50)[:200]
        created = await create_org(orgs_api, admin, tier="county", name=name)

        fetched = await orgs_api.get(f"/api/v1/orgs/{created['id']}", headers=admin)

        assert fetched.json()["name"] == name
        assert len(fetched.json()["name"]) == 200

    async def test_inner_organizations_inherit_the_community_and_its_setting(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_community_tree(orgs_api, admin, setting="urban")

        group = await create_org(orgs_api, admin, tier="inner", kind="group", parent_id=tree["inner"]["id"])

        assert group["community_id"] == tree["community"]["id"]
        assert group["setting"] == "urban"


class TestUpdate:
    async def test_rename_is_kept_with_history_and_an_event(self, orgs_api: httpx.AsyncClient, tokens: Tokens) -> None:
        admin = tokens.headers("org_admin")
        org = await create_org(orgs_api, admin, tier="county", name="舊名")

        response = await orgs_api.patch(f"/api/v1/orgs/{org['id']}", json={"name": "新名"}, headers=admin | {"If-Match": "*"})

        assert response.status_code == 200
        assert response.json()["name"] == "新名"
        assert response.json()["version"] == 2
        history = (await orgs_api.get(f"/api/v1/orgs/{org['id']}/history", headers=admin)).json()["items"]
        assert [h["change"] for h in history] == ["created", "updated"]
        assert history[1]["before"]["name"] == "舊名"
        assert history[1]["after"]["name"] == "新名"
        events = await events_of(orgs_api, feed_headers(tokens), org["id"])
        assert [e["type"] for e in events] == ["org.created", "org.updated"]
        assert events[1]["payload"]["version"] == 2
        assert set(events[1]["payload"]) >= {"setting", "merged_into_id", "code", "established_on", "dissolved_on", "path"}

    async def test_history_instants_carry_their_offset(self, orgs_api: httpx.AsyncClient, tokens: Tokens) -> None:
        # Found by the fuzzing (tests/fuzz): SQLite handed `at` back without its offset, which is
        # no RFC 3339 date-time as the OpenAPI description promises.
        admin = tokens.headers("org_admin")
        org = await create_org(orgs_api, admin, tier="county")

        history = (await orgs_api.get(f"/api/v1/orgs/{org['id']}/history", headers=admin)).json()["items"]

        assert datetime.fromisoformat(history[0]["at"]).utcoffset() is not None

    async def test_a_kind_that_does_not_fit_the_tier_is_refused(self, orgs_api: httpx.AsyncClient, tokens: Tokens) -> None:
        admin = tokens.headers("org_admin")
        org = await create_org(orgs_api, admin, tier="county")

        response = await orgs_api.patch(f"/api/v1/orgs/{org['id']}", json={"kind": "branch"}, headers=admin | {"If-Match": "*"})

        assert response.status_code == 422
        assert (await orgs_api.get(f"/api/v1/orgs/{org['id']}", headers=admin)).json()["kind"] == "committee"


class TestMove:
    async def test_a_cycle_is_refused_and_nothing_moves(self, orgs_api: httpx.AsyncClient, tokens: Tokens) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_tree(orgs_api, admin)
        grandchild = await create_org(orgs_api, admin, tier="inner", kind="branch", parent_id=tree["branch"]["id"])

        # An inner branch may sit under an inner branch: only the cycle makes this wrong.
        response = await orgs_api.post(
            f"/api/v1/orgs/{tree['branch']['id']}/move", json={"parent_id": grandchild["id"]}, headers=admin
        )

        assert response.status_code == 422
        assert "descendant" in response.json()["detail"]
        history = (await orgs_api.get(f"/api/v1/orgs/{tree['branch']['id']}/history", headers=admin)).json()["items"]
        assert [h["change"] for h in history] == ["created"]

    async def test_moving_a_branch_to_another_community_changes_its_community(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        admin = tokens.headers("org_admin")
        rural = await create_community_tree(orgs_api, admin, setting="rural")
        urban = await create_community_tree(orgs_api, admin, setting="urban")
        group = await create_org(orgs_api, admin, tier="inner", kind="group", parent_id=rural["inner"]["id"])

        moved = await orgs_api.post(
            f"/api/v1/orgs/{rural['inner']['id']}/move", json={"parent_id": urban["party_org"]["id"]}, headers=admin
        )

        assert moved.status_code == 200
        assert moved.json()["setting"] == "urban"
        after = (await orgs_api.get(f"/api/v1/orgs/{group['id']}", headers=admin)).json()
        assert (after["community_id"], after["setting"]) == (urban["community"]["id"], "urban")
        events = await events_of(orgs_api, feed_headers(tokens), group["id"])
        assert events[-1]["type"] == "org.updated"
        assert events[-1]["payload"]["setting"] == "urban"


class TestMerge:
    async def test_children_go_to_the_survivor_and_the_old_one_is_kept_as_merged(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_tree(orgs_api, admin)

        response = await orgs_api.post(
            f"/api/v1/orgs/{tree['township_a']['id']}/merge", json={"into_id": tree["township_b"]["id"]}, headers=admin
        )

        assert response.status_code == 200
        merged = response.json()
        assert (merged["status"], merged["merged_into_id"]) == ("merged", tree["township_b"]["id"])
        under_b = await orgs_api.get("/api/v1/orgs", params={"within": tree["township_b"]["id"]}, headers=admin)
        assert [o["id"] for o in under_b.json()["items"]] == [
            tree["township_b"]["id"],
            tree["community"]["id"],
            tree["branch"]["id"],
        ]
        community = (await orgs_api.get(f"/api/v1/orgs/{tree['community']['id']}", headers=admin)).json()
        assert community["parent_id"] == tree["township_b"]["id"]
        events = await events_of(orgs_api, feed_headers(tokens), tree["township_a"]["id"])
        assert events[-1]["type"] == "org.merged"
        assert events[-1]["payload"]["merged_into_id"] == tree["township_b"]["id"]
        moved = await events_of(orgs_api, feed_headers(tokens), tree["community"]["id"])
        assert moved[-1]["type"] == "org.moved"

    async def test_merge_into_itself_is_refused(self, orgs_api: httpx.AsyncClient, tokens: Tokens) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_tree(orgs_api, admin)

        response = await orgs_api.post(
            f"/api/v1/orgs/{tree['township_a']['id']}/merge", json={"into_id": tree["township_a"]["id"]}, headers=admin
        )

        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "into_id"

    async def test_merge_into_a_dissolved_organization_is_refused(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens, members_stub: MembersStub
    ) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_tree(orgs_api, admin)
        dissolved = await orgs_api.post(f"/api/v1/orgs/{tree['township_b']['id']}/dissolve", headers=admin)
        assert dissolved.status_code == 200

        response = await orgs_api.post(
            f"/api/v1/orgs/{tree['township_a']['id']}/merge", json={"into_id": tree["township_b"]["id"]}, headers=admin
        )

        assert response.status_code == 422
        still = (await orgs_api.get(f"/api/v1/orgs/{tree['township_a']['id']}", headers=admin)).json()
        assert still["status"] == "active"
        children = await orgs_api.get(f"/api/v1/orgs/{tree['township_a']['id']}/children", headers=admin)
        assert [o["id"] for o in children.json()["items"]] == [tree["community"]["id"]]


class TestDissolve:
    async def test_an_empty_leaf_is_dissolved_with_its_date(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens, members_stub: MembersStub
    ) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_tree(orgs_api, admin)

        response = await orgs_api.post(
            f"/api/v1/orgs/{tree['branch']['id']}/dissolve", json={"dissolved_on": "2026-11-01"}, headers=admin
        )

        assert response.status_code == 200
        assert (response.json()["status"], response.json()["dissolved_on"]) == ("dissolved", "2026-11-01")
        events = await events_of(orgs_api, feed_headers(tokens), tree["branch"]["id"])
        assert events[-1]["type"] == "org.dissolved"

    async def test_refused_while_it_has_active_children(self, orgs_api: httpx.AsyncClient, tokens: Tokens) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_tree(orgs_api, admin)

        response = await orgs_api.post(f"/api/v1/orgs/{tree['community']['id']}/dissolve", headers=admin)

        assert response.status_code == 409
        assert response.json()["type"] == "/problems/has-active-children"

    async def test_refused_while_it_has_members(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens, members_stub: MembersStub
    ) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_tree(orgs_api, admin)
        members_stub.set_count(tree["branch"]["id"], members=2)

        response = await orgs_api.post(f"/api/v1/orgs/{tree['branch']['id']}/dissolve", headers=admin)

        assert response.status_code == 409
        assert response.json()["type"] == "/problems/has-members"
        after = (await orgs_api.get(f"/api/v1/orgs/{tree['branch']['id']}", headers=admin)).json()
        assert after["status"] == "active"

    async def test_members_service_down_is_a_503_and_nothing_changes(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens, members_stub: MembersStub
    ) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_tree(orgs_api, admin)
        members_stub.down = True

        response = await orgs_api.post(f"/api/v1/orgs/{tree['branch']['id']}/dissolve", headers=admin)

        assert response.status_code == 503
        assert response.json()["type"] == "/problems/peer-unavailable"
        after = (await orgs_api.get(f"/api/v1/orgs/{tree['branch']['id']}", headers=admin)).json()
        assert after["status"] == "active"


class TestHistory:
    async def test_out_of_scope_history_is_404(self, orgs_api: httpx.AsyncClient, tokens: Tokens) -> None:
        tree = await create_tree(orgs_api, tokens.headers("org_admin"))
        viewer = tokens.headers("viewer", scope_org_id=uuid.UUID(tree["township_b"]["id"]))

        response = await orgs_api.get(f"/api/v1/orgs/{tree['community']['id']}/history", headers=viewer)

        assert response.status_code == 404

    async def test_history_names_the_actor(self, orgs_api: httpx.AsyncClient, tokens: Tokens) -> None:
        admin = tokens.headers("org_admin")
        org = await create_org(orgs_api, admin, tier="county")

        history = (await orgs_api.get(f"/api/v1/orgs/{org['id']}/history", headers=admin)).json()["items"]

        assert history[0]["actor"]
        assert history[0]["before"] is None


class TestListFilters:
    async def test_by_tier_and_status(self, orgs_api: httpx.AsyncClient, tokens: Tokens, members_stub: MembersStub) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_tree(orgs_api, admin)
        await orgs_api.post(f"/api/v1/orgs/{tree['township_b']['id']}/dissolve", headers=admin)

        townships = await orgs_api.get(
            "/api/v1/orgs", params={"within": tree["county"]["id"], "tier": "township", "status": "active"}, headers=admin
        )

        assert [o["id"] for o in townships.json()["items"]] == [tree["township_a"]["id"]]


class TestOptimisticConcurrency:
    async def test_an_update_against_a_stale_etag_is_412_and_changes_nothing(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        admin = tokens.headers("org_admin")
        org = await create_org(orgs_api, admin, tier="county", name="原名")
        read = await orgs_api.get(f"/api/v1/orgs/{org['id']}", headers=admin)
        etag = read.headers["etag"]
        first = await orgs_api.patch(f"/api/v1/orgs/{org['id']}", json={"name": "甲"}, headers=admin | {"If-Match": etag})

        stale = await orgs_api.patch(f"/api/v1/orgs/{org['id']}", json={"name": "乙"}, headers=admin | {"If-Match": etag})

        assert first.status_code == 200
        assert first.headers["etag"] != etag
        assert stale.status_code == 412
        assert stale.json()["type"] == "/problems/precondition-failed"
        assert (await orgs_api.get(f"/api/v1/orgs/{org['id']}", headers=admin)).json()["name"] == "甲"


async def listed_ids(client: httpx.AsyncClient, headers: dict[str, str], within: str, *, limit: int = 200) -> list[str]:
    """Every organization of a subtree, page by page, in the order the API lists them."""
    ids: list[str] = []
    cursor: str | None = None
    while True:
        params: dict[str, str | int] = {"within": within, "limit": limit}
        if cursor:
            params["cursor"] = cursor
        page = (await client.get("/api/v1/orgs", params=params, headers=headers)).json()
        ids += [o["id"] for o in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            return ids


class TestTreeOrder:
    """Listings range and order by the orgs' compact tree key; moves and merges keep it right."""

    async def test_a_subtree_lists_in_tree_order_with_siblings_as_created(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_tree(orgs_api, admin)
        second = await create_org(orgs_api, admin, tier="inner", kind="branch", parent_id=tree["community"]["id"])

        ids = await listed_ids(orgs_api, admin, tree["county"]["id"])

        assert ids == [
            tree["county"]["id"],
            tree["township_a"]["id"],
            tree["community"]["id"],
            tree["branch"]["id"],
            second["id"],
            tree["township_b"]["id"],
        ]
        assert await listed_ids(orgs_api, admin, tree["county"]["id"], limit=1) == ids

    async def test_a_moved_subtree_is_listed_and_scoped_under_its_new_parent(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_tree(orgs_api, admin)
        # Township B already has a first child: the moved community must not take its place.
        existing = await create_org(orgs_api, admin, tier="community", kind="branch", parent_id=tree["township_b"]["id"])

        response = await orgs_api.post(
            f"/api/v1/orgs/{tree['community']['id']}/move", json={"parent_id": tree["township_b"]["id"]}, headers=admin
        )

        assert response.status_code == 200, response.text
        assert await listed_ids(orgs_api, admin, tree["township_b"]["id"]) == [
            tree["township_b"]["id"],
            existing["id"],
            tree["community"]["id"],
            tree["branch"]["id"],
        ]
        assert await listed_ids(orgs_api, admin, tree["township_a"]["id"]) == [tree["township_a"]["id"]]
        scoped_to_b = tokens.headers("org_admin", scope_org_id=uuid.UUID(tree["township_b"]["id"]))
        branch = await orgs_api.get(f"/api/v1/orgs/{tree['branch']['id']}", headers=scoped_to_b)
        assert branch.status_code == 200
        scoped_to_a = tokens.headers("org_admin", scope_org_id=uuid.UUID(tree["township_a"]["id"]))
        assert (await orgs_api.get(f"/api/v1/orgs/{tree['branch']['id']}", headers=scoped_to_a)).status_code == 404
        # The old parent hands out a fresh place: a new child there is not confused with the moved one.
        newcomer = await create_org(orgs_api, admin, tier="community", kind="branch", parent_id=tree["township_a"]["id"])
        assert await listed_ids(orgs_api, admin, tree["township_a"]["id"]) == [tree["township_a"]["id"], newcomer["id"]]

    async def test_merged_children_take_fresh_places_beside_the_survivors_own(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        admin = tokens.headers("org_admin")
        county = await create_org(orgs_api, admin, tier="county")
        township_a = await create_org(orgs_api, admin, tier="township", parent_id=county["id"])
        township_b = await create_org(orgs_api, admin, tier="township", parent_id=county["id"])
        # Each township's first child: the same place under different parents.
        community_a = await create_org(orgs_api, admin, tier="community", kind="branch", parent_id=township_a["id"])
        inner_a = await create_org(orgs_api, admin, tier="inner", kind="branch", parent_id=community_a["id"])
        community_b = await create_org(orgs_api, admin, tier="community", kind="branch", parent_id=township_b["id"])

        response = await orgs_api.post(
            f"/api/v1/orgs/{township_a['id']}/merge", json={"into_id": township_b["id"]}, headers=admin
        )

        assert response.status_code == 200, response.text
        assert await listed_ids(orgs_api, admin, township_b["id"]) == [
            township_b["id"],
            community_b["id"],
            community_a["id"],
            inner_a["id"],
        ]
        assert await listed_ids(orgs_api, admin, township_a["id"]) == [township_a["id"]]
        assert await listed_ids(orgs_api, admin, community_b["id"]) == [community_b["id"]]
        later = await create_org(orgs_api, admin, tier="community", kind="branch", parent_id=township_b["id"])
        assert (await listed_ids(orgs_api, admin, township_b["id"]))[-1] == later["id"]
