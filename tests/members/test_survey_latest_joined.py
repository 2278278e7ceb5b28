"""`GET /internal/community-latest-joined`: the latest day anyone among each community's members
joined, for the orgs service's 入黨無門 diagnostic — one call for a subtree."""

import httpx

from tests.members.conftest import OrgReplica
from tests.members.test_survey import community, create
from tests.support import Tokens


class TestCommunityLatestJoined:
    async def test_the_latest_joined_on_of_each_communitys_members_up_to_the_day(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        county = await replica.add(tier="county")
        township = await replica.add(tier="township", parent=county)
        old = await community(replica, township, "rural")
        recent = await community(replica, township, "urban")
        inner = await replica.add(tier="inner", kind="branch", parent=recent)
        inner = await replica.change(inner, "org.updated", community_id=recent["community_id"], setting="urban")
        other_township = await replica.add(tier="township", parent=county)
        elsewhere = await community(replica, other_township, "rural")
        await create(
            members_client, tokens, org_id=old["id"], birth_date="1960-01-01", joined_on="1990-07-01", full_on="1991-07-01"
        )
        await create(
            members_client, tokens, org_id=old["id"], birth_date="1970-01-01", joined_on="2015-07-01", full_on="2016-07-01"
        )
        await create(
            members_client, tokens, org_id=recent["id"], birth_date="1990-01-01", joined_on="2020-07-01", full_on="2021-07-01"
        )
        # Inside the community, probationary, joined after the day asked about for the first answer.
        await create(
            members_client,
            tokens,
            org_id=inner["id"],
            birth_date="2000-01-01",
            joined_on="2026-03-01",
            party_status="probationary",
            full_on=None,
        )
        await create(
            members_client, tokens, org_id=elsewhere["id"], birth_date="1990-01-01", joined_on="2025-01-01", full_on="2026-01-01"
        )
        service = tokens.headers("service")

        on_day = await members_client.get(
            "/internal/community-latest-joined", params={"within": township["id"], "as_of": "2026-01-01"}, headers=service
        )
        later = await members_client.get(
            "/internal/community-latest-joined", params={"within": township["id"], "as_of": "2026-06-30"}, headers=service
        )
        refused = await members_client.get("/internal/community-latest-joined", headers=tokens.headers("viewer"))

        assert on_day.status_code == 200, on_day.text
        assert on_day.json()["latest"] == {old["community_id"]: "2015-07-01", recent["community_id"]: "2020-07-01"}
        assert later.json()["latest"][recent["community_id"]] == "2026-03-01"
        assert refused.status_code == 403
