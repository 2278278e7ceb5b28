"""The hours-in-a-day limit of study hours, across attendance and self-study."""

import httpx

from services.kit.db import Database
from tests.activities.builders import (
    TRAINING_DAY,
    attend,
    attendance_of,
    create_activity,
    records_of,
    self_study,
    standing,
    study_member,
)
from tests.activities.conftest import Replicas
from tests.support import Tokens


class TestDayLimit:
    async def test_self_study_over_24_hours_in_a_day_is_refused(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas, activities_db: Database
    ) -> None:
        tree = await replicas.tree()
        member = await study_member(replicas, org_id=tree["branch"])
        admin = tokens.headers("org_admin")
        first = await self_study(activities_client, admin, member, on="2026-03-12", hours="20")
        at_limit = await self_study(activities_client, admin, member, on="2026-03-12", hours="4")

        over = await self_study(activities_client, admin, member, on="2026-03-12", hours="0.5")
        next_day = await self_study(activities_client, admin, member, on="2026-03-13", hours="0.5")

        assert (first.status_code, at_limit.status_code) == (201, 201)
        assert over.status_code == 422, over.text
        assert over.json()["type"].endswith("/too-many-hours-in-a-day")
        assert over.json()["errors"][0]["field"] == "hours"
        assert next_day.status_code == 201
        assert await records_of(activities_db, member) == 3

    async def test_a_rejected_record_frees_its_hours(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        tree = await replicas.tree()
        member = await study_member(replicas, org_id=tree["branch"])
        admin = tokens.headers("org_admin")
        record = (await self_study(activities_client, admin, member, hours="20")).json()
        await activities_client.post(f"/api/v1/study/records/{record['id']}/decision", json={"status": "rejected"}, headers=admin)

        assert (await self_study(activities_client, admin, member, hours="10")).status_code == 201

    async def test_attendance_and_self_study_of_a_day_are_summed(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas, activities_db: Database
    ) -> None:
        tree = await replicas.tree()
        member = await study_member(replicas, org_id=tree["branch"])
        admin = tokens.headers("org_admin")
        training = await create_activity(activities_client, admin, org_id=tree["branch"], type="training", starts_at=TRAINING_DAY)
        sheet = await attend(
            activities_client, admin, training["id"], [{"member_id": member, "status": "present", "hours": "10"}]
        )

        over = await self_study(activities_client, admin, member, on="2026-03-10", hours="14.5")

        assert sheet.status_code == 200, sheet.text
        assert over.status_code == 422, over.text
        assert await records_of(activities_db, member) == 0

    async def test_attendance_hours_over_the_days_limit_write_nothing(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas, activities_db: Database
    ) -> None:
        tree = await replicas.tree()
        members = [await study_member(replicas, org_id=tree["branch"]) for _ in range(2)]
        admin = tokens.headers("org_admin")
        assert (await self_study(activities_client, admin, members[1], on="2026-03-10", hours="20")).status_code == 201
        training = await create_activity(activities_client, admin, org_id=tree["branch"], type="training", starts_at=TRAINING_DAY)

        response = await attend(
            activities_client,
            admin,
            training["id"],
            [
                {"member_id": members[0], "status": "present", "hours": "5"},
                {"member_id": members[1], "status": "present", "hours": "5"},
            ],
        )

        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["field"] == "records.1.hours"
        assert await attendance_of(activities_db, training["id"]) == 0

    async def test_correcting_attendance_hours_counts_the_rest_of_the_day(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        tree = await replicas.tree()
        member = await study_member(replicas, org_id=tree["branch"])
        admin = tokens.headers("org_admin")
        training = await create_activity(activities_client, admin, org_id=tree["branch"], type="training", starts_at=TRAINING_DAY)
        await attend(activities_client, admin, training["id"], [{"member_id": member, "status": "present", "hours": "8"}])
        await self_study(activities_client, admin, member, on="2026-03-10", hours="12")
        path = f"/api/v1/activities/{training['id']}/attendance/{member}"

        within_limit = await activities_client.patch(path, json={"hours": "12"}, headers=admin | {"If-Match": "*"})
        over = await activities_client.patch(path, json={"hours": "12.5"}, headers=admin | {"If-Match": "*"})

        assert within_limit.status_code == 200, within_limit.text
        assert over.status_code == 422, over.text
        assert (await standing(activities_client, admin, member))["activity_hours"] == "12.00"

    async def test_moving_an_activity_onto_a_full_day_is_refused(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        tree = await replicas.tree()
        member = await study_member(replicas, org_id=tree["branch"])
        admin = tokens.headers("org_admin")
        training = await create_activity(activities_client, admin, org_id=tree["branch"], type="training", starts_at=TRAINING_DAY)
        await attend(activities_client, admin, training["id"], [{"member_id": member, "status": "present", "hours": "6"}])
        await self_study(activities_client, admin, member, on="2026-03-11", hours="20")

        same_day = await activities_client.patch(
            f"/api/v1/activities/{training['id']}",
            json={"starts_at": "2026-03-10T14:00:00+08:00"},
            headers=admin | {"If-Match": "*"},
        )
        onto_full = await activities_client.patch(
            f"/api/v1/activities/{training['id']}",
            json={"starts_at": "2026-03-11T09:00:00+08:00"},
            headers=admin | {"If-Match": "*"},
        )

        assert same_day.status_code == 200, same_day.text
        assert onto_full.status_code == 422, onto_full.text
        assert onto_full.json()["errors"][0]["field"] == "starts_at"
        read = await activities_client.get(f"/api/v1/activities/{training['id']}", headers=admin)
        assert read.json()["starts_on"] == "2026-03-10"
