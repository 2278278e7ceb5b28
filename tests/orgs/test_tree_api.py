"""The organization tree through HTTP: create, read, list a subtree, children, move, scope."""

import asyncio
import uuid

import httpx

from tests.builders import create_org, create_tree, unique_code
from tests.support import Tokens


class TestCreateOrg:
    async def test_created_org_is_returned_and_readable(self, orgs_client: httpx.AsyncClient, tokens: Tokens) -> None:
        admin = tokens.headers("org_admin")
        county = await create_org(orgs_client, admin, tier="county", name="測試區委")

        response = await orgs_client.get(f"/api/v1/orgs/{county['id']}", headers=admin)

        assert response.status_code == 200
        body = response.json()
        assert body["name"] == "測試區委"
        assert body["status"] == "active"
        assert body["parent_id"] is None

    async def test_invalid_body_is_a_problem_naming_the_fields(self, orgs_client: httpx.AsyncClient, tokens: Tokens) -> None:
        response = await orgs_client.post(
            "/api/v1/orgs",
            json={"name": "", "kind": "nonsense", "tier": "county", "extra": 1},
            headers=tokens.headers("org_admin"),
        )

        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        problem = response.json()
        assert problem["type"] == "/problems/validation-error"
        assert {e["field"] for e in problem["errors"]} == {"name", "kind", "extra"}

    async def test_wrong_placement_is_refused_and_nothing_is_written(
        self, orgs_client: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        admin = tokens.headers("org_admin")
        county = await create_org(orgs_client, admin, tier="county")
        code = unique_code()

        response = await orgs_client.post(
            "/api/v1/orgs",
            json={"name": "x", "code": code, "kind": "branch", "tier": "inner", "parent_id": county["id"]},
            headers=admin,
        )

        assert response.status_code == 422
        assert response.json()["type"] == "/problems/invalid-placement"
        listed = await orgs_client.get("/api/v1/orgs", params={"within": county["id"]}, headers=admin)
        assert [o["id"] for o in listed.json()["items"]] == [county["id"]]

    async def test_viewer_may_not_create(self, orgs_client: httpx.AsyncClient, tokens: Tokens) -> None:
        response = await orgs_client.post(
            "/api/v1/orgs", json={"name": "x", "kind": "committee", "tier": "county"}, headers=tokens.headers("viewer")
        )

        assert response.status_code == 403
        assert response.json()["type"] == "/problems/forbidden"


class TestListOrgs:
    async def test_within_lists_the_whole_subtree_in_tree_order(self, orgs_client: httpx.AsyncClient, tokens: Tokens) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_tree(orgs_client, admin)

        response = await orgs_client.get("/api/v1/orgs", params={"within": tree["township_a"]["id"]}, headers=admin)

        assert response.status_code == 200
        ids = [o["id"] for o in response.json()["items"]]
        assert ids == [tree["township_a"]["id"], tree["community"]["id"], tree["branch"]["id"]]

    async def test_pages_follow_each_other_without_gaps(self, orgs_client: httpx.AsyncClient, tokens: Tokens) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_tree(orgs_client, admin)
        seen: list[str] = []
        cursor = None
        while True:
            params = {"within": tree["county"]["id"], "limit": 2} | ({"cursor": cursor} if cursor else {})
            page = (await orgs_client.get("/api/v1/orgs", params=params, headers=admin)).json()
            seen += [o["id"] for o in page["items"]]
            cursor = page["next_cursor"]
            if not cursor:
                break

        assert sorted(seen) == sorted(o["id"] for o in tree.values())
        assert len(seen) == 5

    async def test_a_forged_cursor_is_a_bad_request(self, orgs_client: httpx.AsyncClient, tokens: Tokens) -> None:
        response = await orgs_client.get("/api/v1/orgs", params={"cursor": "not-a-cursor"}, headers=tokens.headers("viewer"))

        assert response.status_code == 400
        assert response.json()["type"] == "/problems/invalid-cursor"

    async def test_children_are_the_direct_children_only(self, orgs_client: httpx.AsyncClient, tokens: Tokens) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_tree(orgs_client, admin)

        response = await orgs_client.get(f"/api/v1/orgs/{tree['county']['id']}/children", headers=admin)

        assert {o["id"] for o in response.json()["items"]} == {tree["township_a"]["id"], tree["township_b"]["id"]}


class TestScope:
    async def test_a_scoped_caller_sees_only_its_subtree(self, orgs_client: httpx.AsyncClient, tokens: Tokens) -> None:
        tree = await create_tree(orgs_client, tokens.headers("org_admin"))
        township_b_viewer = tokens.headers("viewer", scope_org_id=uuid.UUID(tree["township_b"]["id"]))

        own = await orgs_client.get(f"/api/v1/orgs/{tree['township_b']['id']}", headers=township_b_viewer)
        foreign = await orgs_client.get(f"/api/v1/orgs/{tree['community']['id']}", headers=township_b_viewer)
        listed = await orgs_client.get("/api/v1/orgs", params={"within": tree["county"]["id"]}, headers=township_b_viewer)

        assert own.status_code == 200
        assert foreign.status_code == 404
        assert [o["id"] for o in listed.json()["items"]] == [tree["township_b"]["id"]]

    async def test_a_scope_that_is_not_in_the_tree_sees_nothing(self, orgs_client: httpx.AsyncClient, tokens: Tokens) -> None:
        await create_tree(orgs_client, tokens.headers("org_admin"))

        response = await orgs_client.get("/api/v1/orgs", headers=tokens.headers("viewer", scope_org_id=uuid.uuid4()))

        assert response.json()["items"] == []

    async def test_no_token_is_401_with_a_problem(self, orgs_client: httpx.AsyncClient) -> None:
        response = await orgs_client.get("/api/v1/orgs")

        assert response.status_code == 401
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert response.json()["type"] == "/problems/unauthorized"


class TestMoveOrg:
    async def test_moving_a_community_carries_its_subtree(self, orgs_client: httpx.AsyncClient, tokens: Tokens) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_tree(orgs_client, admin)

        response = await orgs_client.post(
            f"/api/v1/orgs/{tree['community']['id']}/move", json={"parent_id": tree["township_b"]["id"]}, headers=admin
        )

        assert response.status_code == 200
        assert response.json()["parent_id"] == tree["township_b"]["id"]
        under_b = await orgs_client.get("/api/v1/orgs", params={"within": tree["township_b"]["id"]}, headers=admin)
        under_a = await orgs_client.get("/api/v1/orgs", params={"within": tree["township_a"]["id"]}, headers=admin)
        assert [o["id"] for o in under_b.json()["items"]] == [
            tree["township_b"]["id"],
            tree["community"]["id"],
            tree["branch"]["id"],
        ]
        assert [o["id"] for o in under_a.json()["items"]] == [tree["township_a"]["id"]]

    async def test_moving_under_an_own_descendant_is_refused(self, orgs_client: httpx.AsyncClient, tokens: Tokens) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_tree(orgs_client, admin)

        response = await orgs_client.post(
            f"/api/v1/orgs/{tree['community']['id']}/move", json={"parent_id": tree["branch"]["id"]}, headers=admin
        )

        assert response.status_code == 422
        after = await orgs_client.get(f"/api/v1/orgs/{tree['community']['id']}", headers=admin)
        assert after.json()["parent_id"] == tree["township_a"]["id"]


class TestConcurrentRoots:
    async def test_roots_made_at_the_same_moment_all_succeed(self, orgs_client: httpx.AsyncClient, tokens: Tokens) -> None:
        # Each root takes the next ordinal after the last one; made at once they must queue, not collide.
        admin = tokens.headers("org_admin")
        bodies = [{"name": f"區委 {i}", "kind": "committee", "tier": "county", "code": unique_code()} for i in range(6)]

        responses = await asyncio.gather(*(orgs_client.post("/api/v1/orgs", json=body, headers=admin) for body in bodies))

        assert [r.status_code for r in responses] == [201] * 6, [r.text for r in responses if r.status_code != 201]
        for response in responses:
            listed = await orgs_client.get("/api/v1/orgs", params={"within": response.json()["id"]}, headers=admin)
            assert [o["id"] for o in listed.json()["items"]] == [response.json()["id"]]
