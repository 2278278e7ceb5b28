"""`GET /members/stats`: counts and shares by age band, education, joined-before and the rest."""

from typing import Any

import httpx

from tests.builders import member_body
from tests.members.conftest import OrgReplica
from tests.support import Tokens


async def create(client: httpx.AsyncClient, tokens: Tokens, **body: Any) -> dict[str, Any]:
    response = await client.post("/api/v1/members", json=member_body(**body), headers=tokens.headers("org_admin"))
    assert response.status_code == 201, response.text
    return dict(response.json())


async def stats(client: httpx.AsyncClient, tokens: Tokens, role: str = "viewer", **params: Any) -> dict[str, Any]:
    response = await client.get("/api/v1/members/stats", params=params, headers=tokens.headers(role))
    assert response.status_code == 200, response.text
    return dict(response.json())


class TestMemberStats:
    async def test_age_bands_as_of_a_date_with_counts_and_shares(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        org = tree["branch"]["id"]
        # On 2026-11-26: 46 exactly, 45 (one day short of 46), 30, 80.
        for born in ("1980-11-26", "1980-11-27", "1996-01-01", "1946-03-03"):
            await create(members_client, tokens, org_id=org, birth_date=born)

        query = {"within": tree["county"]["id"], "group_by": "age_band", "age_edges": [35, 46], "as_of": "2026-11-26"}
        result = await stats(members_client, tokens, "org_admin", **query)
        # Below full view ages count to the end of as_of's month: 1980-11-27 is 46 by 2026-11-30.
        by_month = await stats(members_client, tokens, "viewer", **query)

        assert result["total"] == 4
        assert result["age_bands"] == ["<35", "35-45", "46+"]
        assert {g["key"]["age_band"]: (g["count"], g["share"]) for g in result["groups"]} == {
            "<35": (1, 0.25),
            "35-45": (1, 0.25),
            "46+": (2, 0.5),
        }
        assert {g["key"]["age_band"]: g["count"] for g in by_month["groups"]} == {"<35": 1, "46+": 3}

    async def test_two_dimensions_and_the_closed_and_not_transferred_records_left_out(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        org = tree["branch"]["id"]
        await create(members_client, tokens, org_id=org, birth_date="1950-01-01", education="junior_high")
        await create(members_client, tokens, org_id=org, birth_date="1990-01-01", education="bachelor")
        gone = await create(members_client, tokens, org_id=org, birth_date="1950-01-01", education="junior_high")
        await members_client.post(
            f"/api/v1/members/{gone['id']}/state",
            json={"state": "deceased", "effective_on": "2026-01-01"},
            headers=tokens.headers(),
        )
        await create(
            members_client, tokens, org_id=org, whereabouts="not_transferred", whereabouts_details={"relationship_org": "外地"}
        )

        result = await stats(
            members_client,
            tokens,
            within=tree["county"]["id"],
            group_by=["age_band", "education"],
            age_edges=[46],
            as_of="2026-11-26",
        )
        separately = await stats(members_client, tokens, within=tree["county"]["id"], population="not_transferred")

        assert result["total"] == 2
        assert sorted((g["key"]["age_band"], g["key"]["education"], g["count"]) for g in result["groups"]) == [
            ("46+", "junior_high", 1),
            ("<46", "bachelor", 1),
        ]
        assert separately["total"] == 1

    async def test_joined_before_reform_and_by_setting(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        rural, urban = await replica.tree(setting="rural"), await replica.tree(setting="urban")
        await create(
            members_client,
            tokens,
            org_id=rural["branch"]["id"],
            birth_date="1940-01-01",
            joined_on="1970-01-01",
            full_on="1971-01-01",
        )
        await create(
            members_client,
            tokens,
            org_id=rural["branch"]["id"],
            birth_date="1960-01-01",
            joined_on="1985-01-01",
            full_on="1986-01-01",
        )
        await create(
            members_client,
            tokens,
            org_id=urban["small"]["id"],
            birth_date="1960-01-01",
            joined_on="1985-01-01",
            full_on="1986-01-01",
        )

        by_reform = await stats(members_client, tokens, within=rural["county"]["id"], group_by="joined_before")
        rural_only = await stats(members_client, tokens, setting="rural", group_by="setting", within=rural["county"]["id"])
        urban_only = await stats(members_client, tokens, setting="urban", within=urban["county"]["id"])

        assert by_reform["joined_before"] == "1978-12-18"
        assert {g["key"]["joined_before"]: g["count"] for g in by_reform["groups"]} == {True: 1, False: 1}
        assert rural_only["groups"] == [{"key": {"setting": "rural"}, "count": 2, "share": 1.0}]
        assert urban_only["total"] == 1

    async def test_edges_that_do_not_rise_are_refused(self, members_client: httpx.AsyncClient, tokens: Tokens) -> None:
        response = await members_client.get(
            "/api/v1/members/stats", params={"group_by": "age_band", "age_edges": [46, 35]}, headers=tokens.headers("viewer")
        )
        assert response.status_code == 422
