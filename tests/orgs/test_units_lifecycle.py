"""Lifecycles of posts and co-building agreements through HTTP: a post's holder changed (the
previous holding ended the day before, history kept), a post closed, the posts a member holds;
an agreement amended (versions kept) and ended; scope (another township's post or agreement is
not found; members named must be in the caller's scope)."""

import uuid
from typing import Any

import httpx

from tests.builders import create_org
from tests.orgs.builders import create_community_tree
from tests.orgs.conftest import MembersStub
from tests.support import Tokens

WRITE = {"If-Match": "*"}


async def create_post(
    client: httpx.AsyncClient, headers: dict[str, str], *, org_id: str, holders: list[dict[str, Any]]
) -> dict[str, Any]:
    body = {"org_id": org_id, "name": "環境衛生監督崗", "duties": "每週巡查", "holders": holders}
    response = await client.post("/api/v1/posts", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def create_agreement(client: httpx.AsyncClient, headers: dict[str, str], community_id: str) -> dict[str, Any]:
    unit = await client.post(
        "/api/v1/units", json={"community_id": community_id, "name": "社區小學", "category": "school"}, headers=headers
    )
    assert unit.status_code == 201, unit.text
    body = {
        "unit_id": unit.json()["id"],
        "community_id": community_id,
        "started_on": "2025-01-01",
        "ends_on": "2026-12-31",
        "content": "共建書屋",
    }
    response = await client.post("/api/v1/co-building", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


class TestHolderChange:
    async def test_the_successor_starts_and_the_previous_holding_ends_the_day_before(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens, members_stub: MembersStub
    ) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_community_tree(orgs_api, admin)
        first, second = members_stub.new_member(), members_stub.new_member()
        post = await create_post(
            orgs_api, admin, org_id=tree["inner"]["id"], holders=[{"member_id": first, "since": "2024-01-01"}]
        )
        url = f"/api/v1/posts/{post['id']}"
        etag = (await orgs_api.get(url, headers=admin)).headers["etag"]
        body = {"member_id": second, "since": "2026-04-01", "replaces_member_id": first}

        without = await orgs_api.post(url + "/holders", json=body, headers=admin)
        changed = await orgs_api.post(url + "/holders", json=body, headers=admin | {"If-Match": etag})
        stale = await orgs_api.post(url + "/holders", json=body, headers=admin | {"If-Match": etag})

        assert without.status_code == 428
        assert changed.status_code == 200, changed.text
        assert changed.json()["holders"] == [
            {"member_id": first, "since": "2024-01-01", "until": "2026-03-31"},
            {"member_id": second, "since": "2026-04-01", "until": None},
        ]
        assert changed.json()["version"] == 2
        assert stale.status_code == 412

    async def test_a_holder_added_alongside_and_the_refusals(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens, members_stub: MembersStub
    ) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_community_tree(orgs_api, admin)
        first, second = members_stub.new_member(), members_stub.new_member()
        post = await create_post(
            orgs_api, admin, org_id=tree["inner"]["id"], holders=[{"member_id": first, "since": "2024-01-01"}]
        )
        url = f"/api/v1/posts/{post['id']}/holders"

        not_holding = await orgs_api.post(
            url, json={"member_id": second, "since": "2026-04-01", "replaces_member_id": second}, headers=admin | WRITE
        )
        before_start = await orgs_api.post(
            url, json={"member_id": second, "since": "2024-01-01", "replaces_member_id": first}, headers=admin | WRITE
        )
        twice = await orgs_api.post(url, json={"member_id": first, "since": "2026-04-01"}, headers=admin | WRITE)
        alongside = await orgs_api.post(url, json={"member_id": second, "since": "2026-04-01"}, headers=admin | WRITE)

        assert (not_holding.status_code, not_holding.json()["errors"][0]["field"]) == (422, "replaces_member_id")
        assert (before_start.status_code, before_start.json()["errors"][0]["field"]) == (422, "replaces_member_id")
        assert (twice.status_code, twice.json()["errors"][0]["field"]) == (422, "member_id")
        assert alongside.status_code == 200, alongside.text
        assert [h["until"] for h in alongside.json()["holders"]] == [None, None]

    async def test_a_member_named_must_be_in_the_callers_scope(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens, members_stub: MembersStub
    ) -> None:
        admin = tokens.headers("org_admin")
        tree, other = await create_community_tree(orgs_api, admin), await create_community_tree(orgs_api, admin)
        here = members_stub.new_member(org_id=tree["inner"]["id"])
        elsewhere = members_stub.new_member(org_id=other["inner"]["id"])
        post = await create_post(orgs_api, admin, org_id=tree["inner"]["id"], holders=[])
        scoped = tokens.headers("org_admin", scope_org_id=uuid.UUID(tree["township"]["id"]))
        url = f"/api/v1/posts/{post['id']}/holders"

        foreign = await orgs_api.post(url, json={"member_id": elsewhere, "since": "2026-01-01"}, headers=scoped | WRITE)
        unknown = await orgs_api.post(url, json={"member_id": str(uuid.uuid4()), "since": "2026-01-01"}, headers=scoped | WRITE)
        mine = await orgs_api.post(url, json={"member_id": here, "since": "2026-01-01"}, headers=scoped | WRITE)

        assert foreign.status_code == unknown.status_code == 422
        assert foreign.json() == unknown.json()
        assert mine.status_code == 200, mine.text


class TestClose:
    async def test_closing_ends_every_open_holding_and_takes_no_more(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens, members_stub: MembersStub
    ) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_community_tree(orgs_api, admin)
        a, b, c = members_stub.new_member(), members_stub.new_member(), members_stub.new_member()
        holders = [
            {"member_id": a, "since": "2023-01-01", "until": "2024-12-31"},
            {"member_id": b, "since": "2025-01-01"},
            {"member_id": c, "since": "2025-02-01", "until": "2027-12-31"},
        ]
        post = await create_post(orgs_api, admin, org_id=tree["inner"]["id"], holders=holders)
        url = f"/api/v1/posts/{post['id']}"

        too_early = await orgs_api.post(url + "/close", json={"closed_on": "2025-01-15"}, headers=admin | WRITE)
        future = await orgs_api.post(url + "/close", json={"closed_on": "2999-01-01"}, headers=admin | WRITE)
        closed = await orgs_api.post(url + "/close", json={"closed_on": "2026-06-30", "reason": "合併"}, headers=admin | WRITE)
        again = await orgs_api.post(url + "/close", json={"closed_on": "2026-06-30"}, headers=admin | WRITE)
        holder = await orgs_api.post(url + "/holders", json={"member_id": a, "since": "2026-07-01"}, headers=admin | WRITE)

        assert (too_early.status_code, future.status_code) == (422, 422)
        assert closed.status_code == 200, closed.text
        assert (closed.json()["closed_on"], closed.json()["close_reason"]) == ("2026-06-30", "合併")
        assert [h["until"] for h in closed.json()["holders"]] == ["2024-12-31", "2026-06-30", "2026-06-30"]
        assert (again.status_code, holder.status_code) == (409, 409)


class TestHoldings:
    async def test_the_posts_a_member_holds_now_and_held(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens, members_stub: MembersStub
    ) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_community_tree(orgs_api, admin)
        member, successor = members_stub.new_member(), members_stub.new_member()
        kept = await create_post(
            orgs_api, admin, org_id=tree["inner"]["id"], holders=[{"member_id": member, "since": "2024-01-01"}]
        )
        handed = await create_post(
            orgs_api, admin, org_id=tree["party_org"]["id"], holders=[{"member_id": member, "since": "2024-01-01"}]
        )
        change = {"member_id": successor, "since": "2026-01-01", "replaces_member_id": member}
        assert (
            await orgs_api.post(f"/api/v1/posts/{handed['id']}/holders", json=change, headers=admin | WRITE)
        ).status_code == 200

        async def held(**params: Any) -> list[tuple[str, str | None]]:
            response = await orgs_api.get("/api/v1/posts/holdings", params={"member_id": member} | params, headers=admin)
            assert response.status_code == 200, response.text
            return sorted((h["post_id"], h["until"]) for h in response.json()["items"])

        assert await held(as_of="2026-06-01") == [(kept["id"], None)]
        assert await held(as_of="2025-06-01") == sorted([(kept["id"], None), (handed["id"], "2025-12-31")])
        assert await held(current="false", as_of="2026-06-01") == [(handed["id"], "2025-12-31")]
        assert await held(history="true") == sorted([(kept["id"], None), (handed["id"], "2025-12-31")])
        item = (await orgs_api.get("/api/v1/posts/holdings", params={"member_id": member}, headers=admin)).json()["items"][0]
        assert (item["name"], item["org_id"], item["member_id"]) == ("環境衛生監督崗", tree["inner"]["id"], member)

    async def test_a_caller_sees_only_the_posts_of_its_scope(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens, members_stub: MembersStub
    ) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_community_tree(orgs_api, admin)
        member = members_stub.new_member()
        await create_post(orgs_api, admin, org_id=tree["inner"]["id"], holders=[{"member_id": member, "since": "2024-01-01"}])
        other = await create_org(orgs_api, admin, tier="township", parent_id=tree["county"]["id"])
        outsider = tokens.headers("viewer", scope_org_id=uuid.UUID(other["id"]))
        insider = tokens.headers("viewer", scope_org_id=uuid.UUID(tree["inner"]["id"]))

        outside = await orgs_api.get("/api/v1/posts/holdings", params={"member_id": member}, headers=outsider)
        inside = await orgs_api.get("/api/v1/posts/holdings", params={"member_id": member}, headers=insider)

        assert outside.json()["items"] == []
        assert len(inside.json()["items"]) == 1


class TestCoBuildingLifecycle:
    async def test_an_amendment_is_a_new_version_with_the_old_one_kept(self, orgs_api: httpx.AsyncClient, tokens: Tokens) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_community_tree(orgs_api, admin)
        agreement = await create_agreement(orgs_api, admin, tree["community"]["id"])
        url = f"/api/v1/co-building/{agreement['id']}"
        etag = (await orgs_api.get(url, headers=admin)).headers["etag"]

        without = await orgs_api.patch(url, json={"content": "共建書屋與活動室"}, headers=admin)
        amended = await orgs_api.patch(
            url, json={"content": "共建書屋與活動室", "ends_on": "2027-12-31"}, headers=admin | {"If-Match": etag}
        )
        stale = await orgs_api.patch(url, json={"content": "x"}, headers=admin | {"If-Match": etag})
        backwards = await orgs_api.patch(url, json={"ends_on": "2024-12-31"}, headers=admin | WRITE)

        assert without.status_code == 428
        assert amended.status_code == 200, amended.text
        assert (amended.json()["content"], amended.json()["ends_on"], amended.json()["version"]) == (
            "共建書屋與活動室",
            "2027-12-31",
            2,
        )
        assert amended.headers["etag"] != etag
        assert stale.status_code == 412
        assert backwards.status_code == 422
        revisions = (await orgs_api.get(url + "/revisions", headers=admin)).json()
        assert [(r["version"], r["change"]) for r in revisions] == [(1, "amended")]
        assert revisions[0]["before"] == {"content": "共建書屋", "ends_on": "2026-12-31"}
        assert revisions[0]["after"] == {"content": "共建書屋與活動室", "ends_on": "2027-12-31"}

    async def test_an_agreement_ends_once_and_is_no_longer_in_force(self, orgs_api: httpx.AsyncClient, tokens: Tokens) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_community_tree(orgs_api, admin)
        agreement = await create_agreement(orgs_api, admin, tree["community"]["id"])
        url = f"/api/v1/co-building/{agreement['id']}"

        before_start = await orgs_api.post(url + "/end", json={"ended_on": "2024-12-31", "reason": "x"}, headers=admin | WRITE)
        no_reason = await orgs_api.post(url + "/end", json={"ended_on": "2025-06-30"}, headers=admin | WRITE)
        ended = await orgs_api.post(url + "/end", json={"ended_on": "2025-06-30", "reason": "單位搬遷"}, headers=admin | WRITE)
        again = await orgs_api.post(url + "/end", json={"ended_on": "2025-07-30", "reason": "x"}, headers=admin | WRITE)
        amend = await orgs_api.patch(url, json={"content": "y"}, headers=admin | WRITE)

        assert (before_start.status_code, no_reason.status_code) == (422, 422)
        assert ended.status_code == 200, ended.text
        assert (ended.json()["ended_on"], ended.json()["end_reason"]) == ("2025-06-30", "單位搬遷")
        assert (again.status_code, amend.status_code) == (409, 409)
        params = {"community_id": tree["community"]["id"]}
        in_force = await orgs_api.get("/api/v1/co-building", params=params | {"active_on": "2025-09-01"}, headers=admin)
        earlier = await orgs_api.get("/api/v1/co-building", params=params | {"active_on": "2025-03-01"}, headers=admin)
        assert in_force.json()["items"] == []
        assert [a["id"] for a in earlier.json()["items"]] == [agreement["id"]]
        revisions = (await orgs_api.get(url + "/revisions", headers=admin)).json()
        assert [r["change"] for r in revisions] == ["ended"]
        worklists = f"/api/v1/orgs/{tree['county']['id']}/worklists"
        lists = await orgs_api.get(worklists, params={"as_of": "2026-06-01"}, headers=admin)  # within the planned term
        gaps = lists.json()["units_without_co_building"]
        assert [g["community_id"] for g in gaps] == [tree["community"]["id"]]  # the unit has no agreement in force now


class TestScope:
    async def test_another_townships_post_and_agreement_are_not_found(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens, members_stub: MembersStub
    ) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_community_tree(orgs_api, admin)
        member = members_stub.new_member()
        post = await create_post(
            orgs_api, admin, org_id=tree["inner"]["id"], holders=[{"member_id": member, "since": "2024-01-01"}]
        )
        agreement = await create_agreement(orgs_api, admin, tree["community"]["id"])
        other = await create_org(orgs_api, admin, tier="township", parent_id=tree["county"]["id"])
        outsider = tokens.headers("org_admin", scope_org_id=uuid.UUID(other["id"]))
        post_url, agreement_url = f"/api/v1/posts/{post['id']}", f"/api/v1/co-building/{agreement['id']}"

        answers = [
            await orgs_api.get(post_url, headers=outsider),
            await orgs_api.post(
                post_url + "/holders", json={"member_id": member, "since": "2026-01-01"}, headers=outsider | WRITE
            ),
            await orgs_api.post(post_url + "/close", json={"closed_on": "2026-01-01"}, headers=outsider | WRITE),
            await orgs_api.get(agreement_url, headers=outsider),
            await orgs_api.patch(agreement_url, json={"content": "x"}, headers=outsider | WRITE),
            await orgs_api.post(agreement_url + "/end", json={"ended_on": "2025-06-30", "reason": "x"}, headers=outsider | WRITE),
            await orgs_api.get(agreement_url + "/revisions", headers=outsider),
        ]

        assert [a.status_code for a in answers] == [404] * 7
        assert (await orgs_api.get(post_url, headers=admin)).json()["version"] == 1
        assert (await orgs_api.get(agreement_url, headers=admin)).json()["version"] == 1
