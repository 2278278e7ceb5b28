"""GET /members/worklists/education-upgrade: members under the policy's age, below college, not in the upgrade."""

from typing import Any

import httpx

from tests.builders import member_body
from tests.members.conftest import OrgReplica
from tests.support import Tokens

AS_OF = "2026-06-01"
PATH = "/api/v1/members/worklists/education-upgrade"


async def create(client: httpx.AsyncClient, tokens: Tokens, **body: Any) -> str:
    response = await client.post("/api/v1/members", json=member_body(**body), headers=tokens.headers("org_admin"))
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def listed(client: httpx.AsyncClient, tokens: Tokens, within: str, *roles: str) -> set[str]:
    response = await client.get(PATH, params={"within": within, "as_of": AS_OF}, headers=tokens.headers(*(roles or ("viewer",))))
    assert response.status_code == 200, response.text
    return {item["member_id"] for item in response.json()["items"]}


class TestEducationUpgradeList:
    async def test_young_members_below_college_are_listed_until_enrolled(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        org = tree["branch"]["id"]
        young = await create(members_client, tokens, org_id=org, birth_date="1990-05-05", education="secondary")
        enrolled = await create(members_client, tokens, org_id=org, birth_date="1992-05-05", education="junior_high")
        college = await create(members_client, tokens, org_id=org, birth_date="1991-05-05", education="college")
        response = await members_client.post(
            f"/api/v1/members/{enrolled}/care",
            json={"program": "education_upgrade", "enrolled_on": "2026-03-01", "target_level": "college"},
            headers=tokens.headers("org_admin"),
        )
        assert response.status_code == 201, response.text

        found = await listed(members_client, tokens, tree["county"]["id"])

        assert young in found
        assert enrolled not in found
        assert college not in found

    async def test_the_age_limit_is_the_policys_45_exclusive(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        org = tree["branch"]["id"]
        turns_45_today = await create(members_client, tokens, org_id=org, birth_date="1981-06-01", education="secondary")
        still_44 = await create(members_client, tokens, org_id=org, birth_date="1981-06-02", education="secondary")

        found = await listed(members_client, tokens, tree["county"]["id"], "org_admin")
        # Below full view ages count to the end of as_of's month: both are 45 by 2026-06-30.
        found_by_month = await listed(members_client, tokens, tree["county"]["id"], "viewer")

        assert turns_45_today not in found
        assert still_44 in found
        assert not {turns_45_today, still_44} & found_by_month

    async def test_a_day_in_the_first_centuries_is_answered_not_failed(
        self, members_client: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        # Found by the fuzzing (tests/fuzz): counting 45 years back from as_of=0010-01-01 fell
        # off the calendar (a 500).
        response = await members_client.get(PATH, params={"as_of": "0010-01-01"}, headers=tokens.headers("viewer"))

        assert response.status_code == 200, response.text

    async def test_another_subtree_is_not_listed_and_an_out_of_scope_caller_sees_nothing(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        mine, other = await replica.tree(), await replica.tree()
        member = await create(members_client, tokens, org_id=mine["branch"]["id"], birth_date="1995-01-01")

        assert member in await listed(members_client, tokens, mine["county"]["id"])
        assert member not in await listed(members_client, tokens, other["county"]["id"])
        scoped = await members_client.get(
            PATH,
            params={"within": mine["county"]["id"], "as_of": AS_OF},
            headers=tokens.headers("viewer", scope_org_id=other["county"]["id"]),
        )
        assert scoped.status_code == 200
        assert scoped.json()["items"] == []

    async def test_the_three_administrators_are_refused(self, members_client: httpx.AsyncClient, tokens: Tokens) -> None:
        response = await members_client.get(PATH, headers=tokens.headers("sysadmin"))

        assert response.status_code == 403
