"""Study hours through the HTTP API: self-study and its approval, hours from study activities,
the day limit, and the requirement of the year so far (with "today" moved by `as_of`)."""

import uuid
from collections.abc import AsyncIterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from services.activities.app import create_app
from services.activities.events import apply_member_event, apply_org_event
from services.activities.models import Attendance, StudyRecord
from services.activities.rules import ActivitiesPolicy
from services.activities.settings import ActivitiesSettings
from services.kit.db import Database
from tests.activities.builders import create_activity
from tests.activities.conftest import Replicas, event
from tests.support import SuiteDatabase, Tokens, in_process

TRAINING_DAY = "2026-03-10T09:00:00+08:00"


async def study_member(
    replicas: Replicas,
    *,
    org_id: str,
    birth_date: str = "1970-05-01",
    joined_on: str = "1995-07-01",
    care_programs: list[str] | None = None,
    state: str = "normal",
) -> str:
    """A member as the members feed announces them, with the birth and joining dates study hours use."""
    member_id = str(uuid.uuid4())
    payload = {
        "id": member_id,
        "version": 1,
        "name": f"黨員{member_id[:4]}",
        "sex": "female",
        "birth_date": birth_date,
        "education": "secondary",
        "org_id": org_id,
        "residence_community_id": None,
        "party_status": "full",
        "state": state,
        "whereabouts": "resident",
        "joined_on": joined_on,
        "full_on": None,
        "care_programs": care_programs or [],
    }
    async with replicas.db.write_sessions() as session:
        await apply_member_event(session, event("member.created", payload))
        await session.commit()
    return member_id


async def position(
    replicas: Replicas, *, org_id: str, member_id: str, role: str, since: str = "2024-01-01", until: str | None = None
) -> None:
    """A team position as the orgs feed announces it (orgs' `position.created`)."""
    payload: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "org_id": org_id,
        "member_id": member_id,
        "role": role,
        "since": since,
        "until": until,
        "source": "elected",
        "concurrent_posts": [],
        "version": 1,
    }
    async with replicas.db.write_sessions() as session:
        await apply_org_event(session, event("position.created", payload))
        await session.commit()


async def records_of(db: Database, member_id: str) -> int:
    async with db.read_sessions() as session:
        stmt = select(func.count()).where(StudyRecord.member_id == uuid.UUID(member_id))
        return int(await session.scalar(stmt) or 0)


async def attendance_of(db: Database, activity_id: str) -> int:
    async with db.read_sessions() as session:
        stmt = select(func.count()).where(Attendance.activity_id == uuid.UUID(activity_id))
        return int(await session.scalar(stmt) or 0)


async def self_study(
    client: httpx.AsyncClient, headers: dict[str, str], member_id: str, *, on: str = "2026-03-12", hours: str = "2"
) -> httpx.Response:
    body = {"member_id": member_id, "studied_on": on, "hours": hours, "title": "自學《黨章》"}
    return await client.post("/api/v1/study/records", json=body, headers=headers)


async def approved(client: httpx.AsyncClient, headers: dict[str, str], member_id: str, **kwargs: Any) -> dict[str, Any]:
    created = await self_study(client, headers, member_id, **kwargs)
    assert created.status_code == 201, created.text
    decided = await client.post(
        f"/api/v1/study/records/{created.json()['id']}/decision", json={"status": "approved"}, headers=headers
    )
    assert decided.status_code == 200, decided.text
    return dict(decided.json())


async def standing(
    client: httpx.AsyncClient, headers: dict[str, str], member_id: str, as_of: str = "2026-03-31"
) -> dict[str, Any]:
    response = await client.get(f"/api/v1/study/members/{member_id}", params={"as_of": as_of}, headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def attend(
    client: httpx.AsyncClient, headers: dict[str, str], activity_id: str, records: list[dict[str, Any]]
) -> httpx.Response:
    return await client.post(f"/api/v1/activities/{activity_id}/attendance", json={"records": records}, headers=headers)


class TestSelfStudy:
    async def test_only_approved_hours_count(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        tree = await replicas.tree()
        member = await study_member(replicas, org_id=tree["branch"])
        admin = tokens.headers("org_admin")
        pending = await self_study(activities_client, admin, member, on="2026-03-02", hours="1.5")
        rejected = await self_study(activities_client, admin, member, on="2026-03-03", hours="4")
        await approved(activities_client, admin, member, on="2026-03-04", hours="2.25")
        refusal = await activities_client.post(
            f"/api/v1/study/records/{rejected.json()['id']}/decision",
            json={"status": "rejected", "note": "無學習記錄"},
            headers=admin,
        )

        assert pending.status_code == 201, pending.text
        assert pending.json()["status"] == "pending"
        assert pending.json()["org_id"] == tree["branch"]
        assert refusal.status_code == 200, refusal.text
        assert (refusal.json()["status"], refusal.json()["decision_note"]) == ("rejected", "無學習記錄")
        result = await standing(activities_client, admin, member)
        assert (result["self_study_hours"], result["hours"]) == ("2.25", "2.25")

    async def test_a_day_in_the_first_centuries_is_answered_not_failed(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        # Found by the fuzzing (tests/fuzz): the home-study age counted back from as_of=0010-01-01
        # fell off the calendar (a 500).
        tree = await replicas.tree()
        member = await study_member(replicas, org_id=tree["branch"])

        result = await standing(activities_client, tokens.headers("org_admin"), member, as_of="0010-01-01")

        assert result["hours"] == "0.00"

    async def test_a_decided_record_cannot_be_decided_again(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        tree = await replicas.tree()
        member = await study_member(replicas, org_id=tree["branch"])
        admin = tokens.headers("org_admin")
        record = await approved(activities_client, admin, member)

        again = await activities_client.post(
            f"/api/v1/study/records/{record['id']}/decision", json={"status": "rejected"}, headers=admin
        )

        assert again.status_code == 409, again.text
        assert again.json()["type"].endswith("/study-record-decided")
        read = await activities_client.get(f"/api/v1/study/records/{record['id']}", headers=admin)
        assert read.json()["status"] == "approved"

    @pytest.mark.parametrize("hours", ["0", "-1", "2.345", "x"])
    async def test_zero_negative_or_malformed_hours_are_refused(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas, activities_db: Database, hours: str
    ) -> None:
        tree = await replicas.tree()
        member = await study_member(replicas, org_id=tree["branch"])

        response = await self_study(activities_client, tokens.headers("org_admin"), member, hours=hours)

        assert response.status_code == 422, response.text
        assert any(e["field"].endswith("hours") for e in response.json()["errors"])
        assert await records_of(activities_db, member) == 0

    async def test_a_day_still_to_come_is_refused(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas, activities_db: Database
    ) -> None:
        tree = await replicas.tree()
        member = await study_member(replicas, org_id=tree["branch"])
        later = (date.today() + timedelta(days=3)).isoformat()

        response = await self_study(activities_client, tokens.headers("org_admin"), member, on=later)

        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["field"] == "studied_on"
        assert await records_of(activities_db, member) == 0

    async def test_a_member_outside_the_callers_scope_is_unknown(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas, activities_db: Database
    ) -> None:
        tree = await replicas.tree()
        member = await study_member(replicas, org_id=tree["branch"])
        elsewhere = tokens.headers("org_admin", scope_org_id=uuid.UUID(tree["other_township"]))

        response = await self_study(activities_client, elsewhere, member)

        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["field"] == "member_id"
        assert await records_of(activities_db, member) == 0

    async def test_only_an_admin_whose_scope_holds_the_members_organization_decides(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        tree = await replicas.tree()
        member = await study_member(replicas, org_id=tree["branch"])
        record = (await self_study(activities_client, tokens.headers("org_admin"), member)).json()
        path = f"/api/v1/study/records/{record['id']}/decision"

        other = await activities_client.post(
            path,
            json={"status": "approved"},
            headers=tokens.headers("org_admin", scope_org_id=uuid.UUID(tree["other_township"])),
        )
        viewer = await activities_client.post(path, json={"status": "approved"}, headers=tokens.headers("viewer"))
        local = await activities_client.post(
            path, json={"status": "approved"}, headers=tokens.headers("org_admin", scope_org_id=uuid.UUID(tree["community"]))
        )

        assert (other.status_code, viewer.status_code, local.status_code) == (404, 403, 200)

    async def test_records_are_listed_in_scope_by_status(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        tree = await replicas.tree()
        member = await study_member(replicas, org_id=tree["branch"])
        admin = tokens.headers("org_admin")
        await approved(activities_client, admin, member, on="2026-03-01")
        pending = (await self_study(activities_client, admin, member, on="2026-03-02")).json()

        mine = await activities_client.get(
            "/api/v1/study/records", params={"within": tree["community"], "status": "pending"}, headers=admin
        )
        theirs = await activities_client.get(
            "/api/v1/study/records",
            headers=tokens.headers("viewer", scope_org_id=uuid.UUID(tree["other_township"])),
        )

        assert [r["id"] for r in mine.json()["items"]] == [pending["id"]]
        assert theirs.json()["items"] == []


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
