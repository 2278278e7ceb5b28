"""The migration that gives the activities schema's rows a county converts a filled database
(both databases; on PostgreSQL with activities and attendance partitioned by month): every row
kept, the replica's own counties set, each organization's row in its organization's county, an
activity's attendance and attachment and a course's attendee in their parent's; and back."""

import asyncio
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, inspect, select

from services.activities.models import (
    Activity,
    Attachment,
    Attendance,
    Contact,
    Evaluation,
    Review,
    StudyRecord,
    TrainingAttendee,
    TrainingCourse,
    org_replica,
)
from services.kit.db import Database
from services.kit.tree import child_path
from tests.support import SuiteDatabase, run_alembic, unmigrated_database

BEFORE = "floating_0001"
MODELS = (Activity, Attendance, Attachment, Contact, StudyRecord, Evaluation, Review, TrainingCourse, TrainingAttendee)


@pytest.fixture
def own_db(tmp_path: Path, test_db: SuiteDatabase) -> Iterator[SuiteDatabase]:
    with unmigrated_database(tmp_path, test_db.admin_url, "activities") as db:
        yield db


async def _fill(url: str) -> dict[str, uuid.UUID]:
    """A province and a county (both of the county tier), a township and a branch in the county;
    one row of every table in the branch or the township, and an activity of an organization the
    replica does not hold."""
    ids: dict[str, uuid.UUID] = {}
    paths: dict[str, str] = {}
    parent = None
    db = Database(url, "activities")
    async with db.write_sessions() as session:
        for label, tier in (("province", "county"), ("county", "county"), ("township", "township"), ("branch", "inner")):
            ids[label] = uuid.uuid4()
            paths[label] = child_path(paths[parent] if parent else None, ids[label])
            node = {"id": ids[label], "parent_id": ids[parent] if parent else None, "path": paths[label], "version": 1}
            node |= {"name": label, "kind": "committee", "tier": tier, "status": "active", "community_id": None}
            await session.execute(insert(org_replica).values(**node))
            parent = label
        today, now, member = datetime.now(UTC).date(), datetime.now(UTC), uuid.uuid4()
        ids["unknown_org"] = uuid.uuid4()
        rows: list[tuple[Any, dict[str, Any]]] = []
        for label, org in (("activity", ids["branch"]), ("stray_activity", ids["unknown_org"])):
            ids[label] = uuid.uuid4()
            activity = {"id": ids[label], "org_id": org, "type": "study_day", "title": "t", "starts_at": now, "starts_on": today}
            rows.append((Activity, activity | {"unit_ids": [], "status": "held", "version": 1}))
        rows += [
            (Attendance, {"activity_id": ids["activity"], "member_id": member, "status": "present", "starts_on": today}),
            (Attachment, {"activity_id": ids["activity"], "kind": "photo", "filename": "p.png", "media_type": "image/png"}),
            (Contact, {"org_id": ids["branch"], "member_id": member, "contacted_on": today, "kind": "random", "channel": "call"}),
            (Evaluation, {"org_id": ids["branch"], "year": 2026, "scores": [], "total": Decimal(90), "grade": "good"}),
            (Review, {"org_id": ids["branch"], "member_id": member, "year": 2026, "grade": "qualified"}),
        ]
        rows[3][1].update(size=1, sha256="0" * 64)
        study = {"member_id": member, "org_id": ids["branch"], "studied_on": today, "hours": Decimal(2), "title": "t"}
        rows.append((StudyRecord, study | {"status": "approved", "recorded_by": "test"}))
        ids["course"] = uuid.uuid4()
        course = {"id": ids["course"], "org_id": ids["township"], "kind": "party_school", "title": "t", "hours": Decimal(8)}
        rows.append((TrainingCourse, course | {"started_on": today, "ended_on": today, "recorded_by": "test"}))
        attendee = {"course_id": ids["course"], "member_id": member, "hours": Decimal(8), "ended_on": today}
        rows.append((TrainingAttendee, attendee))
        for model, values in rows:
            await session.execute(insert(model.__table__).values(**values))
        await session.commit()
    await db.dispose()
    return ids


async def _counties(url: str) -> dict[str, list[uuid.UUID]]:
    """Each table's rows' counties (the activities by their id's order), and the replica's."""
    db = Database(url, "activities")
    async with db.read_sessions() as session:
        found = {
            model.__tablename__: sorted(await session.scalars(select(model.county_id).order_by(model.county_id)), key=str)
            for model in MODELS
        }
        found["activities"] = list(
            await session.scalars(select(Activity.county_id).order_by(Activity.org_id == Activity.county_id))
        )
        found["org_replica"] = list(await session.scalars(select(org_replica.c.county_id).order_by(org_replica.c.path)))
    await db.dispose()
    return found


async def _columns(url: str) -> dict[str, set[str]]:
    db = Database(url, "activities")
    async with db.engine.connect() as connection:
        found = await connection.run_sync(
            lambda sync: {
                model.__tablename__: {c["name"] for c in inspect(sync).get_columns(model.__tablename__, schema="activities")}
                for model in MODELS
            }
        )
    await db.dispose()
    return found


def test_the_migration_gives_a_filled_database_its_counties_and_goes_back(own_db: SuiteDatabase) -> None:
    url = own_db.urls["activities"]
    run_alembic(own_db, "activities", "upgrade", BEFORE)
    ids = asyncio.run(_fill(url))

    run_alembic(own_db, "activities", "upgrade", "head")

    county = ids["county"]
    found = asyncio.run(_counties(url))
    assert found.pop("org_replica") == [ids["province"], county, county, county]
    # The branch's activity in its county; the stray one, whose organization the replica lacks, in its own.
    assert found.pop("activities") == [county, ids["unknown_org"]]
    assert found == {model.__tablename__: [county] for model in MODELS if model is not Activity}

    run_alembic(own_db, "activities", "downgrade", BEFORE)
    assert not any("county_id" in columns for columns in asyncio.run(_columns(url)).values())
