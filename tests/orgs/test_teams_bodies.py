"""Terms of every community body through HTTP: the residents' (village) committee, the supervisory
committee (監委會) and the collective economic organization (集體經濟組織) have terms checked as an
organization's are, and are listed in `/terms` with the party organizations' terms; scope."""

import uuid
from typing import Any

import httpx

from tests.builders import create_org
from tests.orgs.builders import add_term, create_community_tree
from tests.support import Tokens


async def add_body(client: httpx.AsyncClient, headers: dict[str, str], community_id: str, **given: Any) -> httpx.Response:
    body = {"kind": "supervisory_committee", "term_number": 1, "started_on": "2021-03-20"} | given
    return await client.post(f"/api/v1/communities/{community_id}/bodies", json=body, headers=headers)


class TestBodyTerms:
    async def test_the_new_bodies_get_the_planned_five_years(self, orgs_api: httpx.AsyncClient, tokens: Tokens) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_community_tree(orgs_api, admin)
        community = tree["community"]["id"]

        supervisory = await add_body(orgs_api, admin, community)
        economic = await add_body(orgs_api, admin, community, kind="collective_economic_organization", ends_on="2026-03-19")

        assert supervisory.status_code == 201, supervisory.text
        assert (supervisory.json()["kind"], supervisory.json()["ends_on"]) == ("supervisory_committee", "2026-03-20")
        assert economic.status_code == 201, economic.text
        assert economic.json()["ends_on"] == "2026-03-19"
        labels = (await orgs_api.get("/labels", headers=admin)).json()
        assert labels["BodyKind"]["supervisory_committee"]["zh_hans"] == "村(居)务监督委员会"
        assert labels["BodyKind"]["collective_economic_organization"]["zh_hant"] == "集體經濟組織"

    async def test_a_term_follows_the_latest_as_an_organizations_does(self, orgs_api: httpx.AsyncClient, tokens: Tokens) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_community_tree(orgs_api, admin)
        community = tree["community"]["id"]
        first = await add_body(orgs_api, admin, community, kind="residents_committee", term_number=2)
        assert first.status_code == 201, first.text

        lower = await add_body(orgs_api, admin, community, kind="residents_committee", term_number=1, started_on="2026-03-20")
        too_early = await add_body(orgs_api, admin, community, kind="residents_committee", term_number=3, started_on="2024-06-01")
        too_long = await add_body(orgs_api, admin, community, kind="supervisory_committee", ends_on="2026-03-21")
        elected_after = await add_body(orgs_api, admin, community, kind="supervisory_committee", elected_on="2021-03-21")
        on_time = await add_body(
            orgs_api,
            admin,
            community,
            kind="residents_committee",
            term_number=3,
            started_on="2026-03-22",
            elected_on="2026-03-20",
        )

        assert (lower.status_code, lower.json()["errors"][0]["field"]) == (422, "term_number")
        assert (too_early.status_code, too_early.json()["errors"][0]["field"]) == (422, "started_on")
        assert "2026-03-20" in too_early.json()["errors"][0]["message"]
        assert (too_long.status_code, too_long.json()["errors"][0]["field"]) == (422, "ends_on")
        assert (elected_after.status_code, elected_after.json()["errors"][0]["field"]) == (422, "elected_on")
        assert on_time.status_code == 201, on_time.text
        kinds = [
            (b["kind"], b["term_number"])
            for b in (await orgs_api.get(f"/api/v1/communities/{community}/bodies", headers=admin)).json()
        ]
        assert kinds == [("residents_committee", 2), ("residents_committee", 3)]

    async def test_a_body_election_needs_half_the_voters_and_half_the_votes(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_community_tree(orgs_api, admin)
        community = tree["community"]["id"]
        figures = {"elected_on": "2021-03-20", "eligible_voters": 1000}

        thin = await add_body(orgs_api, admin, community, **figures, voters_present=500, lowest_votes_elected=400)
        weak = await add_body(orgs_api, admin, community, **figures, voters_present=700, lowest_votes_elected=350)
        valid = await add_body(orgs_api, admin, community, **figures, voters_present=700, lowest_votes_elected=351)

        assert (thin.status_code, thin.json()["errors"][0]["field"]) == (422, "voters_present")
        assert (weak.status_code, weak.json()["errors"][0]["field"]) == (422, "lowest_votes_elected")
        assert valid.status_code == 201, valid.text
        assert (valid.json()["voters_present"], valid.json()["lowest_votes_elected"]) == (700, 351)


class TestTermsDue:
    async def test_bodies_are_listed_with_the_party_organizations(self, orgs_api: httpx.AsyncClient, tokens: Tokens) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_community_tree(orgs_api, admin)
        community = tree["community"]["id"]
        party = await add_term(orgs_api, admin, org_id=tree["party_org"]["id"], started_on="2021-06-01")  # ends 2026-06-01
        supervisory = await add_body(orgs_api, admin, community, started_on="2021-03-20")  # ends 2026-03-20
        economic = await add_body(orgs_api, admin, community, kind="collective_economic_organization", started_on="2022-03-01")
        later = await add_body(orgs_api, admin, community, kind="residents_committee", started_on="2024-01-01")
        assert {r.status_code for r in (party, supervisory, economic, later)} == {201}

        response = await orgs_api.get(
            "/api/v1/terms", params={"within": tree["county"]["id"], "as_of": "2026-11-26"}, headers=admin
        )

        assert response.status_code == 200, response.text
        items = response.json()["items"]
        assert [(i["body"], i["term"]["ends_on"], i["due"]) for i in items] == [
            ("supervisory_committee", "2026-03-20", "overdue"),
            ("party_organization", "2026-06-01", "overdue"),
            ("collective_economic_organization", "2027-03-01", "ending_soon"),
        ]
        assert items[0]["term"]["id"] == supervisory.json()["id"]
        assert (items[0]["org_id"], items[0]["community_id"], items[0]["community_name"]) == (
            tree["party_org"]["id"],
            community,
            tree["community"]["name"],
        )
        assert items[1]["term"]["id"] == party.json()["id"]

        only = await orgs_api.get(
            "/api/v1/terms",
            params={"within": tree["county"]["id"], "as_of": "2026-11-26", "body": "supervisory_committee"},
            headers=admin,
        )
        party_only = await orgs_api.get(
            "/api/v1/terms",
            params={"within": tree["county"]["id"], "as_of": "2026-11-26", "body": "party_organization", "due": "overdue"},
            headers=admin,
        )
        soon = await orgs_api.get(
            "/api/v1/terms", params={"within": tree["county"]["id"], "as_of": "2026-11-26", "due": "ending_soon"}, headers=admin
        )
        assert [i["body"] for i in only.json()["items"]] == ["supervisory_committee"]
        assert [i["body"] for i in party_only.json()["items"]] == ["party_organization"]
        assert [i["body"] for i in soon.json()["items"]] == ["collective_economic_organization"]

    async def test_pages_walk_both_kinds_in_order_once(self, orgs_api: httpx.AsyncClient, tokens: Tokens) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_community_tree(orgs_api, admin)
        community = tree["community"]["id"]
        await add_term(orgs_api, admin, org_id=tree["party_org"]["id"], started_on="2021-06-01")
        await add_term(orgs_api, admin, org_id=tree["inner"]["id"], started_on="2021-05-01")
        for kind, started in (("supervisory_committee", "2021-03-20"), ("residents_committee", "2021-07-01")):
            assert (await add_body(orgs_api, admin, community, kind=kind, started_on=started)).status_code == 201

        ends: list[str] = []
        cursor = None
        while True:
            params = {"within": tree["county"]["id"], "as_of": "2026-11-26", "limit": 1} | ({"cursor": cursor} if cursor else {})
            page = (await orgs_api.get("/api/v1/terms", params=params, headers=admin)).json()
            ends += [i["term"]["ends_on"] for i in page["items"]]
            cursor = page["next_cursor"]
            if not cursor:
                break

        assert ends == ["2026-03-20", "2026-05-01", "2026-06-01", "2026-07-01"]


class TestScope:
    async def test_another_townships_bodies_are_neither_listed_nor_written(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_community_tree(orgs_api, admin)
        community = tree["community"]["id"]
        assert (await add_body(orgs_api, admin, community)).status_code == 201
        other = await create_org(orgs_api, admin, tier="township", parent_id=tree["county"]["id"])
        outsider = tokens.headers("org_admin", scope_org_id=uuid.UUID(other["id"]))
        insider = tokens.headers("viewer", scope_org_id=uuid.UUID(tree["township"]["id"]))
        params = {"as_of": "2026-11-26"}

        written = await add_body(orgs_api, outsider, community, kind="collective_economic_organization")
        outside = await orgs_api.get("/api/v1/terms", params=params | {"within": tree["county"]["id"]}, headers=outsider)
        inside = await orgs_api.get("/api/v1/terms", params=params, headers=insider)

        assert written.status_code == 404
        assert outside.json()["items"] == []
        assert [i["body"] for i in inside.json()["items"]] == ["supervisory_committee"]
