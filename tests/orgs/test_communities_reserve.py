"""Reserve cadres through HTTP: a cadre corrected and ended (promoted, removed, left), the
district-wide reserve list with its filters and pages, and scope (another township's cadre is
not found; a member named must be one in the caller's scope)."""

import uuid
from typing import Any

import httpx

from tests.builders import create_org
from tests.orgs.builders import create_community, create_community_tree
from tests.orgs.conftest import MembersStub
from tests.support import Tokens

WRITE = {"If-Match": "*"}


async def add_cadre(client: httpx.AsyncClient, headers: dict[str, str], community_id: str, **given: Any) -> dict[str, Any]:
    body = {"name": "張青年", "birth_date": "1995-05-01", "education": "bachelor", "since": "2025-01-01"} | given
    response = await client.post(f"/api/v1/communities/{community_id}/reserve-cadres", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


class TestUpdate:
    async def test_a_correction_needs_the_etag_and_keeps_the_dates_in_order(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_community_tree(orgs_api, admin)
        cadre = await add_cadre(orgs_api, admin, tree["community"]["id"])
        url = f"/api/v1/reserve-cadres/{cadre['id']}"
        read = await orgs_api.get(url, headers=admin)

        without = await orgs_api.patch(url, json={"education": "postgraduate"}, headers=admin)
        fixed = await orgs_api.patch(url, json={"education": "postgraduate"}, headers=admin | {"If-Match": read.headers["etag"]})
        stale = await orgs_api.patch(url, json={"name": "張"}, headers=admin | {"If-Match": read.headers["etag"]})
        born_late = await orgs_api.patch(url, json={"birth_date": "2025-06-01"}, headers=admin | WRITE)

        assert without.status_code == 428
        assert fixed.status_code == 200, fixed.text
        assert (fixed.json()["education"], fixed.json()["version"]) == ("postgraduate", 2)
        assert stale.status_code == 412
        assert born_late.status_code == 422
        assert born_late.json()["errors"][0]["field"] == "birth_date"
        assert (await orgs_api.get(url, headers=admin)).json()["birth_date"] == "1995-05-01"

    async def test_a_member_named_must_be_in_the_callers_scope(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens, members_stub: MembersStub
    ) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_community_tree(orgs_api, admin)
        other = await create_community_tree(orgs_api, admin)
        cadre = await add_cadre(orgs_api, admin, tree["community"]["id"])
        township_admin = tokens.headers("org_admin", scope_org_id=uuid.UUID(tree["township"]["id"]))
        url = f"/api/v1/reserve-cadres/{cadre['id']}"
        here = members_stub.new_member(org_id=tree["inner"]["id"])
        elsewhere = members_stub.new_member(org_id=other["inner"]["id"])

        foreign = await orgs_api.patch(url, json={"member_id": elsewhere}, headers=township_admin | WRITE)
        unknown = await orgs_api.patch(url, json={"member_id": str(uuid.uuid4())}, headers=township_admin | WRITE)
        named = await orgs_api.patch(url, json={"member_id": here}, headers=township_admin | WRITE)

        assert foreign.status_code == unknown.status_code == 422
        assert foreign.json() == unknown.json()
        assert elsewhere not in foreign.text
        assert named.status_code == 200, named.text
        assert named.json()["member_id"] == here


class TestEnd:
    async def test_a_cadre_promoted_leaves_the_pool_once(self, orgs_api: httpx.AsyncClient, tokens: Tokens) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_community_tree(orgs_api, admin)
        cadre = await add_cadre(orgs_api, admin, tree["community"]["id"])
        url = f"/api/v1/reserve-cadres/{cadre['id']}/end"
        body = {"until": "2026-03-31", "reason": "promoted", "note": "任社區黨委副書記"}

        without = await orgs_api.post(url, json=body, headers=admin)
        ended = await orgs_api.post(url, json=body, headers=admin | WRITE)
        again = await orgs_api.post(url, json=body | {"reason": "left"}, headers=admin | WRITE)

        assert without.status_code == 428
        assert ended.status_code == 200, ended.text
        assert (ended.json()["until"], ended.json()["end_reason"], ended.json()["end_note"]) == (
            "2026-03-31",
            "promoted",
            "任社區黨委副書記",
        )
        assert again.status_code == 409
        assert again.json()["type"] == "/problems/already-ended"
        history = await orgs_api.get(f"/api/v1/communities/{tree['community']['id']}/reserve-cadres", headers=admin)
        assert [c["end_reason"] for c in history.json()] == ["promoted"]

    async def test_an_end_before_joining_or_in_the_future_is_refused_and_nothing_changes(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_community_tree(orgs_api, admin)
        cadre = await add_cadre(orgs_api, admin, tree["community"]["id"])
        url = f"/api/v1/reserve-cadres/{cadre['id']}"

        early = await orgs_api.post(url + "/end", json={"until": "2024-12-31", "reason": "removed"}, headers=admin | WRITE)
        future = await orgs_api.post(url + "/end", json={"until": "2999-01-01", "reason": "removed"}, headers=admin | WRITE)
        unknown_reason = await orgs_api.post(url + "/end", json={"until": "2025-06-01", "reason": "fired"}, headers=admin | WRITE)

        assert [r.status_code for r in (early, future, unknown_reason)] == [422, 422, 422]
        assert early.json()["errors"][0]["field"] == "until"
        assert future.json()["errors"][0]["message"] == "is in the future"
        current = (await orgs_api.get(url, headers=admin)).json()
        assert (current["until"], current["end_reason"], current["version"]) == (None, None, 1)


class TestReserveList:
    async def test_the_district_list_spans_townships_and_filters(self, orgs_api: httpx.AsyncClient, tokens: Tokens) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_community_tree(orgs_api, admin)
        township_b = await create_org(orgs_api, admin, tier="township", parent_id=tree["county"]["id"])
        community_b = await create_community(orgs_api, admin, township_org_id=township_b["id"], name="乙社區")
        young = await add_cadre(orgs_api, admin, tree["community"]["id"], birth_date="1996-01-01", education="bachelor")
        older = await add_cadre(orgs_api, admin, community_b["id"], birth_date="1980-01-01", education="secondary")
        gone = await add_cadre(orgs_api, admin, community_b["id"], birth_date="1990-01-01", education="college")
        ended = await orgs_api.post(
            f"/api/v1/reserve-cadres/{gone['id']}/end", json={"until": "2025-06-30", "reason": "left"}, headers=admin | WRITE
        )
        assert ended.status_code == 200, ended.text

        async def ids(**params: Any) -> list[str]:
            response = await orgs_api.get(
                "/api/v1/reserve-cadres", params={"within": tree["county"]["id"]} | params, headers=admin
            )
            assert response.status_code == 200, response.text
            return sorted(c["id"] for c in response.json()["items"])

        assert await ids(as_of="2026-01-01") == sorted([young["id"], older["id"]])
        assert await ids(as_of="2025-03-01") == sorted([young["id"], older["id"], gone["id"]])
        assert await ids(current="false", as_of="2026-01-01") == [gone["id"]]
        assert await ids(end_reason="left", current="false") == [gone["id"]]
        assert await ids(college_or_above="true") == [young["id"]]
        assert await ids(college_or_above="false") == [older["id"]]
        assert await ids(education=["secondary", "bachelor"]) == sorted([young["id"], older["id"]])
        assert await ids(age_under=35, as_of="2026-01-01") == [young["id"]]
        assert await ids(within=township_b["id"]) == [older["id"]]
        assert await ids(community_id=tree["community"]["id"]) == [young["id"]]

    async def test_pages_walk_the_whole_list_once(self, orgs_api: httpx.AsyncClient, tokens: Tokens) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_community_tree(orgs_api, admin)
        made = {(await add_cadre(orgs_api, admin, tree["community"]["id"], name=f"後備{i}"))["id"] for i in range(5)}

        seen: list[str] = []
        cursor = None
        while True:
            params = {"within": tree["township"]["id"], "limit": 2} | ({"cursor": cursor} if cursor else {})
            page = (await orgs_api.get("/api/v1/reserve-cadres", params=params, headers=admin)).json()
            seen += [c["id"] for c in page["items"]]
            cursor = page["next_cursor"]
            if not cursor:
                break

        assert sorted(seen) == sorted(made)

    async def test_a_bad_cursor_is_a_400(self, orgs_api: httpx.AsyncClient, tokens: Tokens) -> None:
        response = await orgs_api.get("/api/v1/reserve-cadres", params={"cursor": "nope"}, headers=tokens.headers("viewer"))
        assert response.status_code == 400


class TestScope:
    async def test_another_townships_cadre_is_not_found_and_not_listed(self, orgs_api: httpx.AsyncClient, tokens: Tokens) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_community_tree(orgs_api, admin)
        cadre = await add_cadre(orgs_api, admin, tree["community"]["id"])
        other = await create_org(orgs_api, admin, tier="township", parent_id=tree["county"]["id"])
        outsider = tokens.headers("org_admin", scope_org_id=uuid.UUID(other["id"]))
        insider = tokens.headers("viewer", scope_org_id=uuid.UUID(tree["township"]["id"]))
        url = f"/api/v1/reserve-cadres/{cadre['id']}"

        assert (await orgs_api.get(url, headers=outsider)).status_code == 404
        assert (await orgs_api.patch(url, json={"name": "x"}, headers=outsider | WRITE)).status_code == 404
        ending = await orgs_api.post(url + "/end", json={"until": "2025-06-01", "reason": "removed"}, headers=outsider | WRITE)
        assert ending.status_code == 404
        listed = await orgs_api.get("/api/v1/reserve-cadres", params={"within": tree["county"]["id"]}, headers=outsider)
        assert listed.json()["items"] == []
        assert (await orgs_api.get(url, headers=insider)).status_code == 200
        mine = await orgs_api.get("/api/v1/reserve-cadres", headers=insider)
        assert [c["id"] for c in mine.json()["items"]] == [cadre["id"]]
        assert (await orgs_api.get(url, headers=admin)).json()["until"] is None
