"""The scheduled study-hours clock: a member below the hours owed so far this year is announced as
a `study.below_requirement` event once a month; a member who studied enough is not."""

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from services.activities.jobs import STUDY_EVENT, STUDY_JOB, jobs
from services.activities.models import StudyRecord, outbox, scheduler
from services.activities.rules import ActivitiesPolicy
from services.kit.db import Database
from services.kit.scheduler import Scheduler
from tests.activities.builders import study_member
from tests.activities.conftest import Replicas


async def announced(db: Database, member_id: str) -> list[dict[str, Any]]:
    async with db.read_sessions() as session:
        rows = await session.execute(
            select(outbox.c.payload).where(outbox.c.aggregate_id == uuid.UUID(member_id), outbox.c.type == STUDY_EVENT)
        )
        return [row.payload for row in rows]


async def test_members_below_their_hours_are_announced_once_a_month(activities_db: Database, replicas: Replicas) -> None:
    today = datetime.now(UTC).date()
    tree = await replicas.tree()
    idle = await study_member(replicas, org_id=tree["branch"], joined_on="1995-07-01")
    diligent = await study_member(replicas, org_id=tree["branch"], joined_on="1995-07-01")
    # Approved self-study covering a whole year's requirement, spread over days already passed.
    async with activities_db.write_sessions() as session:
        for day in range(1, 5):
            session.add(
                StudyRecord(
                    member_id=uuid.UUID(diligent),
                    org_id=uuid.UUID(tree["branch"]),
                    county_id=uuid.UUID(tree["county"]),
                    studied_on=date(today.year, 1, day),
                    hours=Decimal(15),
                    title="自學",
                    status="approved",
                    recorded_by="test",
                )
            )
        await session.commit()
    runner = Scheduler(service="activities", db=activities_db, tables=scheduler, jobs=[])
    job = next(j for j in jobs(ActivitiesPolicy()) if j.name == STUDY_JOB)

    assert await runner.run_job(job) == "ok"
    assert await runner.run_job(job) == "ok"  # the same month: not announced again

    if today.month == 1 and today.day < 31:
        return  # nothing is owed before the first month of the year is over
    events = await announced(activities_db, idle)
    assert len(events) == 1
    assert Decimal(str(events[0]["shortfall"])) > 0
    assert "name" not in events[0] or events[0]["name"] is None
    assert await announced(activities_db, diligent) == []
