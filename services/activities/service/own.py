"""A member's own view (`/api/v1/me/...`), the activities part: the activities the caller was
recorded at with their attendance, their study hours of the year against the requirement (what is
missing), and their own self-study records, which they submit for the branch to review. Every
query is keyed by the caller's own member id (kit.auth.admits_self), never by the request."""

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.activities.models import Activity, Attendance, StudyRecord, member_replica
from services.activities.schemas.own import OwnActivity, OwnAttendance, OwnStudyRecordCreate
from services.activities.schemas.study import MemberStudy, StudyRecordCreate
from services.activities.service import counties, study
from services.activities.service.common import ActivitiesContext
from services.kit.problems import NotFound


def _member_id(ctx: ActivitiesContext) -> uuid.UUID:
    member_id = ctx.caller.member_id
    assert member_id is not None  # admits_self let only a linked account in
    return member_id


async def activities(session: AsyncSession, ctx: ActivitiesContext, *, year: int | None) -> list[OwnActivity]:
    """Newest first; `year`: only that year's."""
    stmt = (
        select(Activity, Attendance)
        .join(Attendance, counties.with_its_activity(Attendance))
        .where(Attendance.member_id == _member_id(ctx))
        .order_by(Activity.starts_at.desc(), Activity.id)
    )
    if year is not None:
        stmt = stmt.where(Activity.starts_on >= date(year, 1, 1), Activity.starts_on <= date(year, 12, 31))
    return [
        OwnActivity(
            id=activity.id,
            org_id=activity.org_id,
            type=activity.type,
            title=activity.title,
            starts_at=activity.starts_at,
            starts_on=activity.starts_on,
            location=activity.location,
            status=activity.status,
            attendance=OwnAttendance(status=attendance.status, reason=attendance.reason, hours=attendance.hours),
        )
        for activity, attendance in (await session.execute(stmt)).all()
    ]


async def standing(session: AsyncSession, ctx: ActivitiesContext, as_of: date) -> MemberStudy:
    """The caller's study hours of the year up to `as_of`, the requirement and the shortfall."""
    member_id = _member_id(ctx)
    stmt = study.own_members(ctx.policy).where(member_replica.c.id == member_id)
    standings = await study.standings(session, stmt, as_of, ctx.policy)
    if not standings:
        raise NotFound("Member", member_id)
    return standings[0]


async def submit_record(session: AsyncSession, ctx: ActivitiesContext, data: OwnStudyRecordCreate) -> StudyRecord:
    return await study.create_record(session, ctx, StudyRecordCreate(member_id=_member_id(ctx), **data.model_dump()), own=True)


async def records(session: AsyncSession, ctx: ActivitiesContext) -> list[StudyRecord]:
    stmt = select(StudyRecord).where(StudyRecord.member_id == _member_id(ctx)).order_by(StudyRecord.studied_on, StudyRecord.id)
    return list((await session.execute(stmt)).scalars().all())
