"""Study hours through the HTTP API: hours from study activities and the requirement of the year so
far (with "today" moved by `as_of`), under the policy's numbers."""

import uuid
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import httpx
import pytest

from services.activities.app import create_app
from services.activities.rules import ActivitiesPolicy
from services.activities.settings import ActivitiesSettings
from tests.activities.builders import (
    approved,
    attend,
    create_activity,
    position,
    self_study,
    standing,
    study_member,
)
from tests.activities.conftest import Replicas
from tests.support import SuiteDatabase, Tokens, in_process


class TestHoursFromActivities:
    async def test_present_attendees_of_held_study_activities_get_the_hours(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        tree = await replicas.tree()
        present, absent = [await study_member(replicas, org_id=tree["branch"]) for _ in range(2)]
        admin = tokens.headers("org_admin")
        records = [
            {"member_id": present, "status": "present", "hours": "3"},
            {"member_id": absent, "status": "absent", "hours": "3"},
        ]
        for type_code, status in [("training", "held"), ("party_lecture", "held"), ("volunteer_service", "held")]:
            activity = await create_activity(activities_client, admin, org_id=tree["branch"], type=type_code, status=status)
            assert (await attend(activities_client, admin, activity["id"], records)).status_code == 200
        planned = await create_activity(activities_client, admin, org_id=tree["branch"], type="training", status="planned")
        await attend(activities_client, admin, planned["id"], records)
        after = await create_activity(
            activities_client, admin, org_id=tree["branch"], type="training", starts_at="2026-04-01T09:00:00+08:00"
        )
        await attend(activities_client, admin, after["id"], records)

        result = await standing(activities_client, admin, present, as_of="2026-03-31")

        # training + party lecture; not volunteer service, not the planned one, not after as_of.
        assert result["activity_hours"] == "6.00"
        assert (await standing(activities_client, admin, absent))["hours"] == "0.00"

    async def test_an_attendee_without_hours_gets_the_length_of_the_activity(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        tree = await replicas.tree()
        member = await study_member(replicas, org_id=tree["branch"])
        admin = tokens.headers("org_admin")
        lecture = await create_activity(
            activities_client,
            admin,
            org_id=tree["branch"],
            type="party_lecture",
            starts_at="2026-03-10T09:00:00+08:00",
            ends_at="2026-03-10T11:30:00+08:00",
        )

        sheet = await attend(activities_client, admin, lecture["id"], [{"member_id": member, "status": "present"}])

        assert sheet.json()["items"][0]["hours"] == "2.50"
        assert (await standing(activities_client, admin, member))["activity_hours"] == "2.50"

    async def test_home_delivered_study_counts_for_elderly_and_needy_members_only(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        tree = await replicas.tree()
        elderly = await study_member(replicas, org_id=tree["branch"], birth_date="1950-02-01")
        needy = await study_member(replicas, org_id=tree["branch"], care_programs=["green_channel"])
        other = await study_member(replicas, org_id=tree["branch"], birth_date="1960-01-01")
        admin = tokens.headers("org_admin")
        hours = {}
        for member in (elderly, needy, other):
            delivery = await create_activity(
                activities_client, admin, org_id=tree["branch"], type="home_study_delivery", served_member_id=member
            )
            sheet = await attend(
                activities_client, admin, delivery["id"], [{"member_id": member, "status": "present", "hours": "2"}]
            )
            assert sheet.status_code == 200, sheet.text
            hours[member] = (await standing(activities_client, admin, member))["home_study_hours"]

        assert (hours[elderly], hours[needy], hours[other]) == ("2.00", "2.00", "0.00")


class TestRequirement:
    async def test_pro_rated_by_month_and_higher_for_community_teams(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        tree = await replicas.tree()
        plain = await study_member(replicas, org_id=tree["branch"])
        secretary = await study_member(replicas, org_id=tree["community"])
        deputy = await study_member(replicas, org_id=tree["branch"])
        branch_secretary = await study_member(replicas, org_id=tree["branch"])
        group_leader = await study_member(replicas, org_id=tree["branch"])
        appointed = await study_member(replicas, org_id=tree["branch"])
        newcomer = await study_member(replicas, org_id=tree["branch"], joined_on="2026-02-10")
        await position(replicas, org_id=tree["community"], member_id=secretary, role="secretary")
        await position(replicas, org_id=tree["community"], member_id=deputy, role="deputy_secretary")
        # Not the community's top organization, not a team role, and a team role from March only.
        await position(replicas, org_id=tree["branch"], member_id=branch_secretary, role="secretary")
        await position(replicas, org_id=tree["community"], member_id=group_leader, role="group_leader")
        await position(replicas, org_id=tree["community"], member_id=appointed, role="committee_member", since="2026-03-20")
        admin = tokens.headers("org_admin")

        required = {m: (await standing(activities_client, admin, m))["required"] for m in (plain, secretary, deputy)}
        others = {m: (await standing(activities_client, admin, m))["required"] for m in (branch_secretary, group_leader)}
        mixed = await standing(activities_client, admin, appointed)
        new = await standing(activities_client, admin, newcomer)
        day_before = await standing(activities_client, admin, plain, as_of="2026-03-30")
        year_end = await standing(activities_client, admin, secretary, as_of="2026-12-31")

        assert required == {plain: "8.00", secretary: "14.00", deputy: "14.00"}
        assert others == {branch_secretary: "8.00", group_leader: "8.00"}
        assert (mixed["team_months"], mixed["required"]) == (1, "10.00")
        assert (new["months_owed"], new["required"]) == (1, "2.67")
        assert (day_before["months_owed"], day_before["required"]) == (2, "5.33")
        assert year_end["required"] == "56.00"

    async def test_the_members_below_their_requirement_so_far(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        tree = await replicas.tree()
        admin = tokens.headers("org_admin")
        enough = await study_member(replicas, org_id=tree["branch"])
        short = await study_member(replicas, org_id=tree["branch"])
        secretary = await study_member(replicas, org_id=tree["community"])
        await study_member(replicas, org_id=tree["branch"], state="left")
        await position(replicas, org_id=tree["community"], member_id=secretary, role="secretary")
        await approved(activities_client, admin, enough, on="2026-03-05", hours="8")
        await approved(activities_client, admin, short, on="2026-03-05", hours="7.5")
        # Enough for an ordinary member by the end of March, not for the secretary (14).
        await approved(activities_client, admin, secretary, on="2026-03-05", hours="10")

        march = await activities_client.get(
            "/api/v1/study/below-requirement", params={"within": tree["township"], "as_of": "2026-03-31"}, headers=admin
        )
        february = await activities_client.get(
            "/api/v1/study/below-requirement", params={"within": tree["township"], "as_of": "2026-02-28"}, headers=admin
        )

        assert march.status_code == 200, march.text
        below = {item["member_id"]: item["shortfall"] for item in march.json()["items"]}
        assert below == {short: "0.50", secretary: "4.00"}
        # By the end of February none of the March hours are in, and 5.33 are owed by everyone.
        assert {item["member_id"] for item in february.json()["items"]} == {enough, short, secretary}

    async def test_the_work_list_pages_by_member(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        tree = await replicas.tree()
        admin = tokens.headers("org_admin")
        members = {await study_member(replicas, org_id=tree["branch"]) for _ in range(3)}
        params: dict[str, Any] = {"within": tree["branch"], "as_of": "2026-06-30", "limit": 2}

        first = (await activities_client.get("/api/v1/study/below-requirement", params=params, headers=admin)).json()
        second = (
            await activities_client.get(
                "/api/v1/study/below-requirement", params=params | {"cursor": first["next_cursor"]}, headers=admin
            )
        ).json()

        assert len(first["items"]) == 2
        assert second["next_cursor"] is None
        assert {i["member_id"] for i in first["items"] + second["items"]} == members

    async def test_the_summary_per_organization(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        tree = await replicas.tree()
        admin = tokens.headers("org_admin")
        a, b = [await study_member(replicas, org_id=tree["branch"]) for _ in range(2)]
        secretary = await study_member(replicas, org_id=tree["community"])
        await position(replicas, org_id=tree["community"], member_id=secretary, role="secretary")
        await approved(activities_client, admin, a, on="2026-03-05", hours="9")
        await approved(activities_client, admin, b, on="2026-03-05", hours="3")

        response = await activities_client.get(
            "/api/v1/study/summary", params={"within": tree["township"], "as_of": "2026-03-31"}, headers=admin
        )

        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["members"], body["hours"], body["required"], body["shortfall"], body["below"]) == (
            3,
            "12.00",
            "30.00",
            "19.00",
            2,
        )
        by_org = {
            o["org_id"]: (o["members"], o["hours"], o["required"], o["shortfall"], o["below"]) for o in body["organizations"]
        }
        assert by_org == {
            tree["community"]: (1, "0.00", "14.00", "14.00", 1),
            tree["branch"]: (2, "12.00", "16.00", "5.00", 1),
        }

    async def test_out_of_scope_is_not_found(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        tree = await replicas.tree()
        member = await study_member(replicas, org_id=tree["branch"])
        elsewhere = tokens.headers("viewer", scope_org_id=uuid.UUID(tree["other_township"]))

        one = await activities_client.get(f"/api/v1/study/members/{member}", headers=elsewhere)
        summary = await activities_client.get("/api/v1/study/summary", params={"within": tree["township"]}, headers=elsewhere)
        below = await activities_client.get(
            "/api/v1/study/below-requirement", params={"within": tree["township"]}, headers=elsewhere
        )
        inside = await activities_client.get(
            f"/api/v1/study/members/{member}", headers=tokens.headers("viewer", scope_org_id=uuid.UUID(tree["branch"]))
        )

        assert (one.status_code, summary.status_code, below.status_code, inside.status_code) == (404, 404, 404, 200)


@pytest.fixture
async def strict_client(test_db: SuiteDatabase) -> AsyncIterator[httpx.AsyncClient]:
    """The activities app with other study numbers in its policy (as ACTIVITIES_POLICY__… would set)."""
    policy = ActivitiesPolicy(
        yearly_study_hours=Decimal(48), team_yearly_study_hours=Decimal(60), max_study_hours_per_day=Decimal(8)
    )
    settings = ActivitiesSettings(
        data_dir=test_db.data_dir, database_url=test_db.urls["activities"], json_logs=False, consume_feeds=False, policy=policy
    )
    async with in_process(create_app(settings)) as client:
        yield client


class TestPolicy:
    async def test_the_numbers_are_the_policys(
        self, strict_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        tree = await replicas.tree()
        member = await study_member(replicas, org_id=tree["branch"])
        admin = tokens.headers("org_admin")

        shown = (await strict_client.get("/policy", headers=admin)).json()
        result = await standing(strict_client, admin, member)
        over = await self_study(strict_client, admin, member, hours="8.5")

        assert (shown["yearly_study_hours"], shown["team_yearly_study_hours"]) == ("48", "60")
        assert result["required"] == "12.00"
        assert over.status_code == 422, over.text
