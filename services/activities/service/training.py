"""The training register (黨校, 社區黨校, 進修班): courses with their hours and attendees, whose
hours count toward the attendees' study hours (`service/study.py`, in the year a course ends),
and a member's (a cadre's) training history."""

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.activities import errors
from services.activities.models import TrainingAttendee, TrainingCourse, member_replica, org_replica
from services.activities.rules import training as rules
from services.activities.schemas.training import Attendee, AttendeesAdd, Course, CourseCreate, TrainingEntry
from services.activities.service import counties
from services.activities.service.common import ActivitiesContext, in_scope, referenced_members_at, referenced_org, scope_root
from services.kit.db import on_its_shard
from services.kit.problems import NotFound, field_error
from services.kit.tree import within_node


async def _course(
    session: AsyncSession, ctx: ActivitiesContext, course_id: uuid.UUID, *, for_update: bool = False
) -> TrainingCourse:
    stmt = (
        select(TrainingCourse)
        .join(org_replica, org_replica.c.id == TrainingCourse.org_id)
        .where(TrainingCourse.id == course_id, in_scope(ctx))
    )
    if for_update:
        stmt = stmt.where(await on_its_shard(session, TrainingCourse, course_id)).with_for_update(of=TrainingCourse)
    course = (await session.execute(stmt)).scalar_one_or_none()
    if course is None:
        raise NotFound("Training course", course_id)
    return course


async def _shape(session: AsyncSession, course: TrainingCourse) -> Course:
    stmt = select(TrainingAttendee).where(counties.of_course(course)).order_by(TrainingAttendee.member_id)
    attendees = [Attendee.model_validate(a) for a in (await session.execute(stmt)).scalars()]
    shape = Course.model_validate(course)
    shape.attendees = attendees
    return shape


async def create_course(session: AsyncSession, ctx: ActivitiesContext, data: CourseCreate) -> Course:
    await referenced_org(session, ctx, data.org_id)
    problems = rules.course_errors(data.started_on, data.ended_on, ctx.today)
    if problems:
        raise errors.RULE_VIOLATION("The course cannot be registered", errors=problems)
    county_id = await counties.of_org(session, data.org_id)
    values = data.model_dump(mode="python") | {"kind": data.kind.value, "county_id": county_id}
    course = TrainingCourse(**values, recorded_by=ctx.caller.subject)
    session.add(course)
    await session.flush()
    return await _shape(session, course)


async def get_course(session: AsyncSession, ctx: ActivitiesContext, course_id: uuid.UUID) -> Course:
    return await _shape(session, await _course(session, ctx, course_id))


async def list_courses(session: AsyncSession, ctx: ActivitiesContext, within: uuid.UUID, year: int | None) -> list[Course]:
    await scope_root(session, ctx, within)
    stmt = (
        select(TrainingCourse)
        .join(org_replica, org_replica.c.id == TrainingCourse.org_id)
        .where(in_scope(ctx), within_node(within, org_replica.c.path, org_replica.c.id, org_replica.c.path))
    )
    if year is not None:
        stmt = stmt.where(TrainingCourse.ended_on >= date(year, 1, 1), TrainingCourse.ended_on <= date(year, 12, 31))
    courses = (await session.execute(stmt.order_by(TrainingCourse.started_on, TrainingCourse.id).limit(1000))).scalars()
    return [await _shape(session, c) for c in courses]


async def add_attendees(session: AsyncSession, ctx: ActivitiesContext, course_id: uuid.UUID, data: AttendeesAdd) -> Course:
    """Add (or correct the hours of) attendees, all or none; members checked in the caller's scope."""
    course = await _course(session, ctx, course_id, for_update=True)
    ids = [a.member_id for a in data.attendees]
    if len(set(ids)) != len(ids):
        twice = [field_error(f"attendees.{i}.member_id", "listed twice") for i, m in enumerate(ids) if ids.index(m) != i]
        raise errors.DUPLICATE_ATTENDANCE("A member is listed twice", errors=twice)
    await referenced_members_at(session, ctx, [(f"attendees.{i}.member_id", m) for i, m in enumerate(ids)])
    problems = [e for i, a in enumerate(data.attendees) for e in rules.attendee_errors(i, course.hours, a.hours)]
    if problems:
        raise errors.TOO_MANY_HOURS("More hours than the course has", errors=problems)
    held = {a.member_id: a for a in (await session.execute(select(TrainingAttendee).where(counties.of_course(course)))).scalars()}
    for item in data.attendees:
        hours = rules.credited_hours(course.hours, item.hours)
        if item.member_id in held:
            held[item.member_id].hours = hours
        else:
            session.add(
                TrainingAttendee(
                    course_id=course.id,
                    county_id=course.county_id,
                    member_id=item.member_id,
                    hours=hours,
                    ended_on=course.ended_on,
                )
            )
    await session.flush()
    return await _shape(session, course)


async def history(session: AsyncSession, ctx: ActivitiesContext, member_id: uuid.UUID) -> list[TrainingEntry]:
    """A member's courses, oldest first (a member outside the caller's subtree is not found)."""
    found = (
        await session.execute(
            select(member_replica.c.id)
            .join(org_replica, org_replica.c.id == member_replica.c.org_id)
            .where(member_replica.c.id == member_id, in_scope(ctx))
        )
    ).first()
    if found is None:
        raise NotFound("Member", member_id)
    stmt = (
        select(TrainingCourse, TrainingAttendee.hours)
        .join(TrainingAttendee, counties.with_its_course())
        .where(TrainingAttendee.member_id == member_id)
        .order_by(TrainingCourse.started_on, TrainingCourse.id)
    )
    return [
        TrainingEntry(
            course_id=course.id,
            kind=course.kind,
            title=course.title,
            organizer=course.organizer,
            started_on=course.started_on,
            ended_on=course.ended_on,
            hours=hours,
        )
        for course, hours in (await session.execute(stmt)).all()
    ]
