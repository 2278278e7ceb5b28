"""A community's cooperative, community workers and venues through HTTP, in the caller's scope,
and the diagnostics judged on them."""

import uuid
from typing import Any

import httpx

from tests.builders import create_org
from tests.orgs.builders import create_community, create_community_tree
from tests.support import Tokens

AS_OF = "2026-11-26"
WORKER = {"name": "王秀兰", "birth_date": "1968-04-02", "education": "secondary", "pay_band": "二级", "since": "2015-03-01"}


async def post(client: httpx.AsyncClient, headers: dict[str, str], path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = await client.post(path, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def two_townships(client: httpx.AsyncClient, admin: dict[str, str]) -> dict[str, Any]:
    """A county with two townships, each with one community (its party organization a branch)."""
    tree = await create_community_tree(client, admin)
    other_township = await create_org(client, admin, tier="township", parent_id=tree["county"]["id"])
    other_org = await create_org(client, admin, tier="community", kind="branch", parent_id=other_township["id"])
    other = await create_community(
        client, admin, township_org_id=other_township["id"], party_org_id=other_org["id"], name="乙社區"
    )
    return tree | {"other_township": other_township, "other_org": other_org, "other": other}


class TestRecords:
    async def test_each_record_is_created_read_listed_and_changed_with_if_match(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_community_tree(orgs_api, admin)
        community_id = tree["community"]["id"]
        cooperative = await post(
            orgs_api, admin, "/api/v1/cooperatives", {"community_id": community_id, "name": "股份經濟合作社"}
        )
        worker = await post(orgs_api, admin, "/api/v1/community-workers", {"community_id": community_id, **WORKER})
        venue = await post(
            orgs_api,
            admin,
            "/api/v1/community-venues",
            {"community_id": community_id, "name": "黨群服務中心", "facilities": ["projector", "meeting_room", "projector"]},
        )
        assert venue["facilities"] == ["meeting_room", "projector"]
        assert worker["pay_band"] == "二级"
        assert cooperative["party_org_id"] is None

        for path, record, change in (
            ("cooperatives", cooperative, {"party_org_id": tree["inner"]["id"]}),
            ("community-workers", worker, {"education": "college", "until": "2026-12-31"}),
            ("community-venues", venue, {"facilities": ["service_hall"], "closed_on": "2026-12-01"}),
        ):
            read = await orgs_api.get(f"/api/v1/{path}/{record['id']}", headers=admin)
            without = await orgs_api.patch(f"/api/v1/{path}/{record['id']}", json=change, headers=admin)
            changed = await orgs_api.patch(
                f"/api/v1/{path}/{record['id']}", json=change, headers=admin | {"If-Match": read.headers["etag"]}
            )
            stale = await orgs_api.patch(
                f"/api/v1/{path}/{record['id']}", json=change, headers=admin | {"If-Match": read.headers["etag"]}
            )
            listed = await orgs_api.get(f"/api/v1/{path}", params={"community_id": community_id}, headers=admin)

            assert (without.status_code, changed.status_code, stale.status_code) == (428, 200, 412), changed.text
            assert changed.json() == record | change | {"version": 2}
            assert listed.json()["items"] == [changed.json()]

    async def test_lists_are_paginated_and_filtered_by_subtree(self, orgs_api: httpx.AsyncClient, tokens: Tokens) -> None:
        admin = tokens.headers("org_admin")
        tree = await two_townships(orgs_api, admin)
        for i in range(3):
            await post(
                orgs_api,
                admin,
                "/api/v1/community-workers",
                {"community_id": tree["community"]["id"], **WORKER, "name": f"甲{i}"},
            )
        await post(orgs_api, admin, "/api/v1/community-workers", {"community_id": tree["other"]["id"], **WORKER})

        pages: list[list[str]] = []
        params: dict[str, Any] = {"limit": 2, "within": tree["county"]["id"]}
        while True:
            page = (await orgs_api.get("/api/v1/community-workers", params=params, headers=admin)).json()
            pages.append([w["id"] for w in page["items"]])
            if not page["next_cursor"]:
                break
            params["cursor"] = page["next_cursor"]
        within = await orgs_api.get("/api/v1/community-workers", params={"within": tree["township"]["id"]}, headers=admin)

        assert [len(p) for p in pages][:2] == [2, 2]
        assert len({i for p in pages for i in p}) == 4
        assert {w["name"] for w in within.json()["items"]} == {"甲0", "甲1", "甲2"}

    async def test_bad_input_is_refused_and_nothing_written(self, orgs_api: httpx.AsyncClient, tokens: Tokens) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_community_tree(orgs_api, admin)
        community_id = tree["community"]["id"]
        elsewhere = await create_community_tree(orgs_api, admin)

        before_birth = await orgs_api.post(
            "/api/v1/community-workers", json={"community_id": community_id, **WORKER, "since": "1960-01-01"}, headers=admin
        )
        unknown_facility = await orgs_api.post(
            "/api/v1/community-venues", json={"community_id": community_id, "name": "x", "facilities": ["pool"]}, headers=admin
        )
        # The cooperative's party organization belongs to its community.
        foreign_org = await orgs_api.post(
            "/api/v1/cooperatives",
            json={"community_id": community_id, "name": "x", "party_org_id": elsewhere["party_org"]["id"]},
            headers=admin,
        )
        worker = await post(orgs_api, admin, "/api/v1/community-workers", {"community_id": community_id, **WORKER})
        backwards = await orgs_api.patch(
            f"/api/v1/community-workers/{worker['id']}", json={"until": "2000-01-01"}, headers=admin | {"If-Match": "*"}
        )

        assert (before_birth.status_code, unknown_facility.status_code) == (422, 422)
        assert foreign_org.status_code == 422
        assert foreign_org.json()["errors"][0]["field"] == "party_org_id"
        assert backwards.status_code == 422
        assert backwards.json()["errors"][0]["field"] == "until"
        assert (await orgs_api.get(f"/api/v1/community-workers/{worker['id']}", headers=admin)).json() == worker
        for path in ("cooperatives", "community-venues"):
            listed = await orgs_api.get(f"/api/v1/{path}", params={"community_id": community_id}, headers=admin)
            assert listed.json()["items"] == []


class TestScope:
    async def test_another_townships_records_are_not_found(self, orgs_api: httpx.AsyncClient, tokens: Tokens) -> None:
        admin = tokens.headers("org_admin")
        tree = await two_townships(orgs_api, admin)
        theirs = tree["other"]["id"]
        records = {
            "cooperatives": await post(orgs_api, admin, "/api/v1/cooperatives", {"community_id": theirs, "name": "乙社"}),
            "community-workers": await post(orgs_api, admin, "/api/v1/community-workers", {"community_id": theirs, **WORKER}),
            "community-venues": await post(
                orgs_api, admin, "/api/v1/community-venues", {"community_id": theirs, "name": "乙場地"}
            ),
        }
        township_admin = tokens.headers("org_admin", scope_org_id=tree["township"]["id"])

        for path, record in records.items():
            read = await orgs_api.get(f"/api/v1/{path}/{record['id']}", headers=township_admin)
            change = await orgs_api.patch(
                f"/api/v1/{path}/{record['id']}", json={"name": "改"}, headers=township_admin | {"If-Match": "*"}
            )
            listed = await orgs_api.get(f"/api/v1/{path}", headers=township_admin)
            assert (read.status_code, change.status_code) == (404, 404)
            assert listed.json()["items"] == []

    async def test_another_townships_community_in_a_body_is_an_unknown_reference(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        admin = tokens.headers("org_admin")
        tree = await two_townships(orgs_api, admin)
        township_admin = tokens.headers("org_admin", scope_org_id=tree["township"]["id"])
        bodies = {
            "cooperatives": {"name": "x"},
            "community-workers": WORKER,
            "community-venues": {"name": "x"},
        }

        for path, body in bodies.items():
            theirs = await orgs_api.post(
                f"/api/v1/{path}", json={"community_id": tree["other"]["id"], **body}, headers=township_admin
            )
            none = await orgs_api.post(
                f"/api/v1/{path}", json={"community_id": str(uuid.uuid4()), **body}, headers=township_admin
            )
            assert theirs.status_code == none.status_code == 422
            assert theirs.json()["errors"] == none.json()["errors"]
        other_org = await orgs_api.post(
            "/api/v1/cooperatives",
            json={"community_id": tree["community"]["id"], "name": "x", "party_org_id": tree["other_org"]["id"]},
            headers=township_admin,
        )
        assert other_org.status_code == 422
        assert other_org.json()["type"].endswith("unknown-reference")
