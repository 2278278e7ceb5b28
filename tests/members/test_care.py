"""Care programs: green channel, education upgrade, young members' duty reports."""

from typing import Any

import httpx

from tests.builders import member_body
from tests.members.conftest import OrgReplica
from tests.support import Tokens


async def create(client: httpx.AsyncClient, tokens: Tokens, **body: Any) -> dict[str, Any]:
    response = await client.post("/api/v1/members", json=member_body(**body), headers=tokens.headers("org_admin"))
    assert response.status_code == 201, response.text
    return dict(response.json())


async def post(client: httpx.AsyncClient, tokens: Tokens, path: str, body: dict[str, Any]) -> httpx.Response:
    return await client.post(path, json=body, headers=tokens.headers("org_admin"))


GREEN = {
    "program": "green_channel",
    "grounds": ["elderly"],
    "services": ["home_study_delivery", "life_pairing"],
    "partner": "王五",
}


class TestGreenChannel:
    async def test_an_elderly_member_is_enrolled_and_the_record_shows_the_program(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        m = await create(members_client, tokens, org_id=tree["branch"]["id"], birth_date="1950-01-01")

        response = await post(members_client, tokens, f"/api/v1/members/{m['id']}/care", GREEN | {"enrolled_on": "2026-03-01"})

        assert response.status_code == 201, response.text
        assert response.json()["active"] is True
        record = (await members_client.get(f"/api/v1/members/{m['id']}", headers=tokens.headers("viewer"))).json()
        assert record["care_programs"] == ["green_channel"]

    async def test_elderly_starts_at_the_policy_age(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        m = await create(members_client, tokens, org_id=tree["branch"]["id"], birth_date="1956-03-02")

        too_young = await post(members_client, tokens, f"/api/v1/members/{m['id']}/care", GREEN | {"enrolled_on": "2026-03-01"})
        needy = await post(
            members_client, tokens, f"/api/v1/members/{m['id']}/care", GREEN | {"grounds": ["needy"], "enrolled_on": "2026-03-01"}
        )

        assert too_young.status_code == 422
        assert needy.status_code == 201

    async def test_an_enrolment_ends_and_the_program_leaves_the_record(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        m = await create(members_client, tokens, org_id=tree["branch"]["id"], birth_date="1950-01-01")
        e = (await post(members_client, tokens, f"/api/v1/members/{m['id']}/care", GREEN | {"enrolled_on": "2026-03-01"})).json()

        ended = await members_client.patch(
            f"/api/v1/members/{m['id']}/care/{e['id']}",
            json={"ended_on": "2026-06-01"},
            headers=tokens.headers() | {"If-Match": "*"},
        )

        assert ended.json()["active"] is False
        record = (await members_client.get(f"/api/v1/members/{m['id']}", headers=tokens.headers("viewer"))).json()
        assert record["care_programs"] == []


class TestEducationUpgrade:
    async def test_a_young_member_below_college_completes_and_the_education_rises(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        m = await create(members_client, tokens, org_id=tree["branch"]["id"], birth_date="1990-01-01", education="secondary")
        e = await post(
            members_client,
            tokens,
            f"/api/v1/members/{m['id']}/care",
            {"program": "education_upgrade", "target_level": "college", "school": "區委黨校", "enrolled_on": "2025-09-01"},
        )
        assert e.status_code == 201, e.text

        done = await members_client.patch(
            f"/api/v1/members/{m['id']}/care/{e.json()['id']}",
            json={"completed_on": "2026-07-01"},
            headers=tokens.headers() | {"If-Match": "*"},
        )

        assert done.status_code == 200, done.text
        record = (await members_client.get(f"/api/v1/members/{m['id']}", headers=tokens.headers("viewer"))).json()
        assert record["education"] == "college"
        history = (await members_client.get(f"/api/v1/members/{m['id']}/history", headers=tokens.headers())).json()
        assert history[-1]["details"]["education"] == {"from": "secondary", "to": "college"}

    async def test_members_of_45_or_with_college_are_not_eligible(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        older = await create(members_client, tokens, org_id=tree["branch"]["id"], birth_date="1980-01-01")
        college = await create(members_client, tokens, org_id=tree["branch"]["id"], birth_date="1995-01-01", education="college")
        body = {"program": "education_upgrade", "target_level": "bachelor", "enrolled_on": "2026-01-02"}

        assert (await post(members_client, tokens, f"/api/v1/members/{older['id']}/care", body)).status_code == 422
        assert (await post(members_client, tokens, f"/api/v1/members/{college['id']}/care", body)).status_code == 422


class TestDutyReports:
    async def test_a_young_member_reports_and_an_older_one_may_not(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        young = await create(members_client, tokens, org_id=tree["branch"]["id"], birth_date="1998-01-01")
        older = await create(members_client, tokens, org_id=tree["branch"]["id"], birth_date="1970-01-01")
        body = {"reported_on": "2026-10-01", "topic": "鄉村振興崗位述職"}

        made = await post(members_client, tokens, f"/api/v1/members/{young['id']}/duty-reports", body)
        refused = await post(members_client, tokens, f"/api/v1/members/{older['id']}/duty-reports", body)

        assert made.status_code == 201
        assert refused.status_code == 422
        listed = await members_client.get(f"/api/v1/members/{young['id']}/duty-reports", headers=tokens.headers("viewer"))
        assert [r["topic"] for r in listed.json()] == ["鄉村振興崗位述職"]
