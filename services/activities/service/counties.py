"""Keeping the activities schema's rows under their organization's county: the key a Citus
cluster distributes the schema by (docs/scaling.md), as the members service does its records.

The org replica holds each organization's county (the deepest county-tier organization on its
path, `kit.replica.place_in_group`), computed when a node arrives, moves or changes tier. A row
takes its organization's county when written (`of_org`); an activity's attendance and attachments
take the activity's, a course's attendees the course's. A tree move that changes a subtree's
county moves every row of its organizations there in the same transaction (`place_node`): an
UPDATE on one server, a copy and a delete where the county is the table's distribution column.
A member's rows (attendance, study records, contacts, reviews) stay with the organization that
wrote them: a member who moves to another county leaves them where they were made.
"""

import uuid
from collections import defaultdict
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.activities.enums import OrgTier
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
from services.kit.db import move_rows
from services.kit.replica import place_in_group
from services.kit.tree import subtree_of

# The tables whose rows take their organization's county, each with the tables whose rows take
# theirs (by the column naming the parent row).
BY_ORGANIZATION: tuple[tuple[Any, tuple[tuple[Any, str], ...]], ...] = (
    (Activity, ((Attendance, "activity_id"), (Attachment, "activity_id"))),
    (TrainingCourse, ((TrainingAttendee, "course_id"),)),
    (Contact, ()),
    (StudyRecord, ()),
    (Evaluation, ()),
    (Review, ()),
)


async def of_org(session: AsyncSession, org_id: uuid.UUID) -> uuid.UUID:
    """The county of an organization: the replica's, or its own id while its ancestors have not
    arrived (as `place_in_group` holds it)."""
    county = await session.scalar(select(org_replica.c.county_id).where(org_replica.c.id == org_id))
    return county or org_id


def with_its_activity(model: Any) -> ColumnElement[bool]:
    """The join of an activity's rows (`Attendance`, `Attachment`) with their activity: by its id
    and its county, which Citus needs to join them on the shard that holds both."""
    condition: ColumnElement[bool] = (model.activity_id == Activity.id) & (model.county_id == Activity.county_id)
    return condition


def of_activity(model: Any, activity: Activity) -> ColumnElement[bool]:
    """The rows of `model` (`Attendance`, `Attachment`) of `activity`, named with its county: a
    read of them goes to the activity's one shard on Citus; on one server the condition holds of
    every such row anyway."""
    condition: ColumnElement[bool] = (model.activity_id == activity.id) & (model.county_id == activity.county_id)
    return condition


def of_course(course: TrainingCourse) -> ColumnElement[bool]:
    """A course's attendees, named with its county (as `of_activity`)."""
    condition: ColumnElement[bool] = (TrainingAttendee.course_id == course.id) & (TrainingAttendee.county_id == course.county_id)
    return condition


def with_its_course() -> ColumnElement[bool]:
    """The join of a course's attendees with their course, by its id and its county."""
    condition: ColumnElement[bool] = (TrainingAttendee.course_id == TrainingCourse.id) & (
        TrainingAttendee.county_id == TrainingCourse.county_id
    )
    return condition


async def place_node(session: AsyncSession, node_id: uuid.UUID) -> None:
    """After a node was written to the replica: its county and, when that changed, its
    descendants' that came from above it; then every row of the organizations below it follows."""
    path = await place_in_group(session, org_replica, node_id, org_replica.c.county_id, OrgTier.county)
    if path is not None:
        await settle(session, subtree_of(org_replica.c.path, path))


async def settle(session: AsyncSession, which: ColumnElement[bool]) -> None:
    """The rows of the organizations matching `which` (a condition on the replica) whose county
    is not their organization's any more, moved there with their activities' and courses' rows."""
    await session.flush()
    for model, children in BY_ORGANIZATION:
        stmt = (
            select(model.id, org_replica.c.county_id)
            .join(org_replica, org_replica.c.id == model.org_id)
            .where(which, model.county_id != org_replica.c.county_id)
        )
        moving: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
        for row_id, county in await session.execute(stmt):
            moving[county].append(row_id)
        for county, ids in moving.items():
            await move_rows(session, model, "id", ids, column="county_id", value=county)
            for child, key in children:
                await move_rows(session, child, key, ids, column="county_id", value=county)


async def misplaced(session: AsyncSession) -> dict[str, int]:
    """Rows not in their organization's county, and rows of an activity or a course not in
    theirs, by table name (there must be none)."""
    found = {}
    for model, children in BY_ORGANIZATION:
        table = model.__table__
        rows = select(func.count()).select_from(table).join(org_replica, org_replica.c.id == table.c.org_id)
        found[table.name] = await session.scalar(rows.where(table.c.county_id != org_replica.c.county_id)) or 0
        for child, key in children:
            rows = select(func.count()).select_from(child).join(table, table.c.id == child.__table__.c[key])
            found[child.__table__.name] = await session.scalar(rows.where(child.county_id != table.c.county_id)) or 0
    return found
