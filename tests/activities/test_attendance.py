"""Attendance: the expected list from the member replica, the rate, guests, and what is refused."""

import uuid

import httpx
from sqlalchemy import func, select

from services.activities.models import Attendance
from services.kit.db import Database
from tests.activities.builders import create_activity
from tests.activities.conftest import Replicas
from tests.support import Tokens


async def attendance_rows(db: Database, activity_id: str) -> int:
    async with db.read_sessions() as session:
        stmt = select(func.count()).where(Attendance.activity_id == uuid.UUID(activity_id))
        return int(await session.scalar(stmt) or 0)


async def branch_with_members(replicas: Replicas, count: int) -> tuple[dict[str, str], list[str]]:
    tree = await replicas.tree()
    members = [await replicas.member(org_id=tree["branch"]) for _ in range(count)]
    # Not expected: a member who left, and a member of another organization.
    await replicas.member(org_id=tree["branch"], state="left")
    await replicas.member(org_id=tree["community"])
    return tree, members


class TestRecordAttendance:
    async def test_the_rate_is_present_over_the_organizations_living_members(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        tree, members = await branch_with_members(replicas, 4)
        admin = tokens.headers("org_admin")
        activity = await create_activity(activities_client, admin, org_id=tree["branch"], type="volunteer_service")
        guest = await replicas.member(org_id=tree["community"])

        response = await activities_client.post(
            f"/api/v1/activities/{activity['id']}/attendance",
            json={
                "records": [
                    {"member_id": members[0], "status": "present", "hours": "2.5"},
                    {"member_id": members[1], "status": "present", "hours": "3"},
                    {"member_id": members[2], "status": "excused", "reason": "外出務工"},
                    {"member_id": guest, "status": "present", "guest": True, "hours": "1"},
                ]
            },
            headers=admin,
        )

        assert response.status_code == 200, response.text
        sheet = response.json()
        assert (sheet["expected"], sheet["present"], sheet["excused"], sheet["absent"]) == (4, 2, 1, 0)
        assert (sheet["unrecorded"], sheet["guests"]) == (1, 1)
        assert sheet["rate"] == 0.5
        assert sheet["volunteer_hours"] == "6.50"
        read = await activities_client.get(f"/api/v1/activities/{activity['id']}/attendance", headers=tokens.headers("viewer"))
        assert read.json() == sheet

    async def test_a_named_list_replaces_the_organizations_members(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        tree, members = await branch_with_members(replicas, 3)
        outsider = await replicas.member(org_id=tree["community"])
        admin = tokens.headers("org_admin")
        activity = await create_activity(
            activities_client, admin, org_id=tree["branch"], type="training", expected_member_ids=[members[0], outsider]
        )

        response = await activities_client.post(
            f"/api/v1/activities/{activity['id']}/attendance",
            json={"records": [{"member_id": outsider, "status": "present"}]},
            headers=admin,
        )

        assert response.status_code == 200, response.text
        assert (response.json()["expected"], response.json()["present"], response.json()["rate"]) == (2, 1, 0.5)

    async def test_a_member_outside_the_organization_is_refused_unless_a_guest(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas, activities_db: Database
    ) -> None:
        tree, members = await branch_with_members(replicas, 2)
        outsider = await replicas.member(org_id=tree["community"])
        admin = tokens.headers("org_admin")
        activity = await create_activity(activities_client, admin, org_id=tree["branch"])

        response = await activities_client.post(
            f"/api/v1/activities/{activity['id']}/attendance",
            json={"records": [{"member_id": members[0], "status": "present"}, {"member_id": outsider, "status": "present"}]},
            headers=admin,
        )

        assert response.status_code == 422
        assert response.json()["type"] == "/problems/not-a-member"
        assert response.json()["errors"][0]["field"] == "records.1.member_id"
        assert await attendance_rows(activities_db, activity["id"]) == 0

    async def test_attendance_twice_for_one_member_is_refused(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas, activities_db: Database
    ) -> None:
        tree, members = await branch_with_members(replicas, 2)
        admin = tokens.headers("org_admin")
        activity = await create_activity(activities_client, admin, org_id=tree["branch"])
        path = f"/api/v1/activities/{activity['id']}/attendance"

        same_request = await activities_client.post(
            path,
            json={"records": [{"member_id": members[0], "status": "present"}, {"member_id": members[0], "status": "absent"}]},
            headers=admin,
        )
        first = await activities_client.post(
            path, json={"records": [{"member_id": members[0], "status": "present"}]}, headers=admin
        )
        second = await activities_client.post(
            path,
            json={"records": [{"member_id": members[1], "status": "present"}, {"member_id": members[0], "status": "absent"}]},
            headers=admin,
        )

        assert same_request.status_code == 422
        assert same_request.json()["type"] == "/problems/duplicate-attendance"
        assert first.status_code == 200
        assert second.status_code == 409
        assert second.json()["member_ids"] == [members[0]]
        assert await attendance_rows(activities_db, activity["id"]) == 1

    async def test_an_excused_absence_needs_a_reason(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        tree, members = await branch_with_members(replicas, 1)
        admin = tokens.headers("org_admin")
        activity = await create_activity(activities_client, admin, org_id=tree["branch"])

        response = await activities_client.post(
            f"/api/v1/activities/{activity['id']}/attendance",
            json={"records": [{"member_id": members[0], "status": "excused"}]},
            headers=admin,
        )

        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "records.0.reason"

    async def test_a_cancelled_activity_takes_no_attendance(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        tree, members = await branch_with_members(replicas, 1)
        admin = tokens.headers("org_admin")
        activity = await create_activity(activities_client, admin, org_id=tree["branch"])
        await activities_client.post(f"/api/v1/activities/{activity['id']}/cancel", headers=admin)

        response = await activities_client.post(
            f"/api/v1/activities/{activity['id']}/attendance",
            json={"records": [{"member_id": members[0], "status": "present"}]},
            headers=admin,
        )

        assert response.status_code == 422
        assert response.json()["type"] == "/problems/activity-cancelled"


class TestChangeAttendance:
    async def test_a_record_is_corrected_and_the_expected_list_stays_as_it_was(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        tree, members = await branch_with_members(replicas, 2)
        admin = tokens.headers("org_admin")
        activity = await create_activity(activities_client, admin, org_id=tree["branch"])
        path = f"/api/v1/activities/{activity['id']}/attendance"
        await activities_client.post(path, json={"records": [{"member_id": members[0], "status": "absent"}]}, headers=admin)
        await replicas.member(org_id=tree["branch"])  # joins after the meeting

        no_reason = await activities_client.patch(
            f"{path}/{members[0]}", json={"status": "excused"}, headers=admin | {"If-Match": "*"}
        )
        corrected = await activities_client.patch(
            f"{path}/{members[0]}", json={"status": "present"}, headers=admin | {"If-Match": "*"}
        )
        unknown = await activities_client.patch(
            f"{path}/{members[1]}", json={"status": "present"}, headers=admin | {"If-Match": "*"}
        )

        assert no_reason.status_code == 422
        assert corrected.status_code == 200, corrected.text
        assert (corrected.json()["expected"], corrected.json()["present"], corrected.json()["absent"]) == (2, 1, 0)
        assert unknown.status_code == 404


class TestMemberReplica:
    async def test_a_newer_snapshot_replaces_the_held_one_and_an_older_one_is_ignored(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        tree, members = await branch_with_members(replicas, 2)
        moved = members[1]
        await replicas.member(org_id=tree["community"], member_id=moved, version=3)
        await replicas.member(org_id=tree["branch"], member_id=moved, version=2)  # late and stale
        activity = await create_activity(activities_client, tokens.headers("org_admin"), org_id=tree["branch"])

        sheet = (
            await activities_client.get(f"/api/v1/activities/{activity['id']}/attendance", headers=tokens.headers("viewer"))
        ).json()

        assert sheet["expected"] == 1
