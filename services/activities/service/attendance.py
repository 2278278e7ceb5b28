"""Attendance: who was expected, who came, who was excused; the rate and volunteer hours."""

import uuid
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.activities import errors
from services.activities.enums import ActivityStatus, AttendanceStatus, MemberState
from services.activities.models import Activity, Attendance, member_replica
from services.activities.rules import ActivitiesPolicy
from services.activities.rules import attendance as rules
from services.activities.rules.study import activity_study_hours
from services.activities.schemas.attendance import AttendanceChange, AttendanceCreate, AttendanceSheet
from services.activities.service import counties
from services.activities.service.activities import get_activity
from services.activities.service.common import ActivitiesContext, referenced_members_at
from services.activities.service.study import DayHours, check_day_limit
from services.kit.problems import NotFound
from services.kit.versioning import Preconditions


async def expected_members(session: AsyncSession, activity: Activity) -> set[uuid.UUID]:
    """The list the organizer named, else the living members of the organization (member replica)."""
    if activity.expected_member_ids is not None:
        return {uuid.UUID(str(m)) for m in activity.expected_member_ids}
    rows = await session.scalars(
        select(member_replica.c.id).where(
            member_replica.c.org_id == activity.org_id, member_replica.c.state == MemberState.normal
        )
    )
    return set(rows)


async def record_attendance(
    session: AsyncSession, ctx: ActivitiesContext, activity_id: uuid.UUID, data: AttendanceCreate
) -> AttendanceSheet:
    policy = ctx.policy
    activity = await get_activity(session, ctx, activity_id, for_update=True)
    if activity.status == ActivityStatus.cancelled:
        raise errors.ACTIVITY_CANCELLED.on("activity_id", "a cancelled activity has no attendance")
    expected = await expected_members(session, activity)
    seen: set[uuid.UUID] = set()
    for index, record in enumerate(data.records):
        field = f"records.{index}"
        if record.member_id in seen:
            raise errors.DUPLICATE_ATTENDANCE.on(f"{field}.member_id", "listed twice")
        seen.add(record.member_id)
        if record.member_id not in expected and not record.guest:
            raise errors.NOT_A_MEMBER.on(f"{field}.member_id", "not a member of the organization (list as guest)")
        if record.status is AttendanceStatus.excused and not record.reason:
            raise errors.REASON_REQUIRED.on(f"{field}.reason", "an excused absence needs a reason")
        if record.hours is not None and record.hours > policy.max_hours_per_attendance:
            raise errors.TOO_MANY_HOURS.on(f"{field}.hours", f"at most {policy.max_hours_per_attendance} hours")
    # A guest is not on the expected list: named by the caller, so in the caller's scope like every
    # member a body names (one outside it answers as one that does not exist).
    guests = [(f"records.{i}.member_id", r.member_id) for i, r in enumerate(data.records) if r.member_id not in expected]
    if guests:
        await referenced_members_at(session, ctx, guests)
    hours = [_hours_of(activity, r.status, r.hours, policy) for r in data.records]
    if activity.starts_on is not None:
        await check_day_limit(
            session,
            ctx,
            (
                DayHours(f"records.{index}.hours", r.member_id, activity.starts_on, h)
                for index, (r, h) in enumerate(zip(data.records, hours, strict=True))
                if h is not None and r.status is AttendanceStatus.present
            ),
        )
    already = set(
        await session.scalars(
            select(Attendance.member_id).where(counties.of_activity(Attendance, activity), Attendance.member_id.in_(seen))
        )
    )
    if already:
        raise errors.ATTENDANCE_RECORDED(
            "Attendance is already recorded for some of these members",
            member_ids=sorted(str(m) for m in already),
        )
    if activity.expected_member_ids is None:
        # Frozen at the first recording: members who join or leave later do not change the rate
        # of a meeting already held.
        activity.expected_member_ids = sorted(str(m) for m in expected)
    session.add_all(
        Attendance(
            activity_id=activity.id,
            member_id=r.member_id,
            status=r.status.value,
            reason=r.reason,
            hours=h,
            guest=r.guest,
            starts_on=activity.starts_on,
            county_id=activity.county_id,
        )
        for r, h in zip(data.records, hours, strict=True)
    )
    await session.flush()
    return await sheet_of(session, activity)


def _hours_of(activity: Activity, status: AttendanceStatus, hours: Decimal | None, policy: ActivitiesPolicy) -> Decimal | None:
    """The recorded hours; a present attendee of a study activity without them gets its length."""
    study_types = (*policy.study_types, *policy.home_study_types)
    if hours is None and status is AttendanceStatus.present and activity.type in study_types:
        return activity_study_hours(activity.starts_at, activity.ends_at, policy)
    return hours


async def change_attendance(
    session: AsyncSession,
    ctx: ActivitiesContext,
    activity_id: uuid.UUID,
    member_id: uuid.UUID,
    data: AttendanceChange,
    *,
    preconditions: Preconditions,
) -> AttendanceSheet:
    """Correct one member's recorded attendance (recording it twice is refused instead)."""
    policy = ctx.policy
    activity = await get_activity(session, ctx, activity_id, for_update=True)
    if activity.status == ActivityStatus.cancelled:
        raise errors.ACTIVITY_CANCELLED.on("activity_id", "a cancelled activity has no attendance")
    record = await session.get(Attendance, (activity.id, member_id))
    if record is None:
        raise NotFound("Attendance of member", member_id)
    # The activity's row lock above makes this check and the change one step.
    preconditions.check(record.version)
    changes = data.model_dump(exclude_unset=True)
    status = changes.get("status") or AttendanceStatus(record.status)
    reason = changes.get("reason", record.reason)
    if status is AttendanceStatus.excused and not reason:
        raise errors.REASON_REQUIRED.on("reason", "an excused absence needs a reason")
    hours = changes.get("hours")
    if hours is not None and hours > policy.max_hours_per_attendance:
        raise errors.TOO_MANY_HOURS.on("hours", f"at most {policy.max_hours_per_attendance} hours")
    new_hours = hours if "hours" in changes else record.hours
    if status is AttendanceStatus.present and new_hours is not None and activity.starts_on is not None:
        await check_day_limit(
            session, ctx, [DayHours("hours", member_id, activity.starts_on, new_hours)], replacing_activity_id=activity.id
        )
    record.status = status.value
    record.reason = reason
    if "hours" in changes:
        record.hours = hours
    record.version += 1
    await session.flush()
    return await sheet_of(session, activity)


async def attendance_sheet(session: AsyncSession, ctx: ActivitiesContext, activity_id: uuid.UUID) -> AttendanceSheet:
    return await sheet_of(session, await get_activity(session, ctx, activity_id))


async def sheet_of(session: AsyncSession, activity: Activity) -> AttendanceSheet:
    expected = await expected_members(session, activity)
    recorded = select(Attendance).where(counties.of_activity(Attendance, activity)).order_by(Attendance.member_id)
    rows = (await session.execute(recorded)).scalars().all()
    counted = [r for r in rows if r.member_id in expected]
    # The sheet has a count per status, named by the status's code.
    by_status = {s.value: sum(1 for r in counted if r.status == s) for s in AttendanceStatus}
    return AttendanceSheet.model_validate(
        {
            "activity_id": activity.id,
            "expected": len(expected),
            **by_status,
            "unrecorded": len(expected) - len(counted),
            "guests": len(rows) - len(counted),
            "rate": rules.attendance_rate(by_status[AttendanceStatus.present], len(expected)),
            "volunteer_hours": sum((r.hours or Decimal(0) for r in rows), Decimal(0)),
            "items": rows,
        }
    )
