"""Attendance: who was expected, who came, who was excused; the rate and volunteer hours."""

import uuid
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.activities import rules
from services.activities.models import Activity, Attendance, member_replica
from services.activities.rules import ActivitiesPolicy
from services.activities.schemas import ActivityStatus, AttendanceChange, AttendanceCreate, AttendanceSheet, AttendanceStatus
from services.activities.service.activities import get_activity
from services.activities.service.common import invalid
from services.activities.service.study import DayHours, check_day_limit
from services.kit.auth import Caller
from services.kit.problems import Conflict, NotFound
from services.kit.versioning import Preconditions

LIVING_STATE = "normal"


async def expected_members(session: AsyncSession, activity: Activity) -> set[uuid.UUID]:
    """The list the organizer named, else the living members of the organization (member replica)."""
    if activity.expected_member_ids is not None:
        return {uuid.UUID(str(m)) for m in activity.expected_member_ids}
    rows = await session.scalars(
        select(member_replica.c.id).where(member_replica.c.org_id == activity.org_id, member_replica.c.state == LIVING_STATE)
    )
    return set(rows)


async def record_attendance(
    session: AsyncSession, caller: Caller, activity_id: uuid.UUID, data: AttendanceCreate, policy: ActivitiesPolicy
) -> AttendanceSheet:
    activity = await get_activity(session, caller, activity_id, for_update=True)
    if activity.status == ActivityStatus.cancelled.value:
        raise invalid("activity_id", "a cancelled activity has no attendance", slug="activity-cancelled")
    expected = await expected_members(session, activity)
    seen: set[uuid.UUID] = set()
    for index, record in enumerate(data.records):
        field = f"records.{index}"
        if record.member_id in seen:
            raise invalid(f"{field}.member_id", "listed twice", slug="duplicate-attendance")
        seen.add(record.member_id)
        if record.member_id not in expected and not record.guest:
            raise invalid(f"{field}.member_id", "not a member of the organization (list as guest)", slug="not-a-member")
        if record.status is AttendanceStatus.excused and not record.reason:
            raise invalid(f"{field}.reason", "an excused absence needs a reason", slug="reason-required")
        if record.hours is not None and record.hours > policy.max_hours_per_attendance:
            raise invalid(f"{field}.hours", f"at most {policy.max_hours_per_attendance} hours", slug="too-many-hours")
    hours = [_hours_of(activity, r.status, r.hours, policy) for r in data.records]
    if activity.starts_on is not None:
        await check_day_limit(
            session,
            (
                DayHours(f"records.{index}.hours", r.member_id, activity.starts_on, h)
                for index, (r, h) in enumerate(zip(data.records, hours, strict=True))
                if h is not None and r.status is AttendanceStatus.present
            ),
            policy,
        )
    already = set(
        await session.scalars(
            select(Attendance.member_id).where(Attendance.activity_id == activity.id, Attendance.member_id.in_(seen))
        )
    )
    if already:
        raise Conflict(
            "Attendance is already recorded for some of these members",
            slug="attendance-recorded",
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
        )
        for r, h in zip(data.records, hours, strict=True)
    )
    await session.flush()
    return await sheet_of(session, activity)


def _hours_of(activity: Activity, status: AttendanceStatus, hours: Decimal | None, policy: ActivitiesPolicy) -> Decimal | None:
    """The recorded hours; a present attendee of a study activity without them gets its length."""
    study_types = (*policy.study_types, *policy.home_study_types)
    if hours is None and status is AttendanceStatus.present and activity.type in study_types:
        return rules.activity_study_hours(activity.starts_at, activity.ends_at, policy)
    return hours


async def change_attendance(
    session: AsyncSession,
    caller: Caller,
    activity_id: uuid.UUID,
    member_id: uuid.UUID,
    *,
    data: AttendanceChange,
    policy: ActivitiesPolicy,
    preconditions: Preconditions,
) -> AttendanceSheet:
    """Correct one member's recorded attendance (recording it twice is refused instead)."""
    activity = await get_activity(session, caller, activity_id, for_update=True)
    if activity.status == ActivityStatus.cancelled.value:
        raise invalid("activity_id", "a cancelled activity has no attendance", slug="activity-cancelled")
    record = await session.get(Attendance, (activity.id, member_id))
    if record is None:
        raise NotFound("Attendance of member", member_id)
    # The activity's row lock above makes this check and the change one step.
    preconditions.check(record.version)
    changes = data.model_dump(exclude_unset=True)
    status = changes.get("status") or AttendanceStatus(record.status)
    reason = changes.get("reason", record.reason)
    if status is AttendanceStatus.excused and not reason:
        raise invalid("reason", "an excused absence needs a reason", slug="reason-required")
    hours = changes.get("hours")
    if hours is not None and hours > policy.max_hours_per_attendance:
        raise invalid("hours", f"at most {policy.max_hours_per_attendance} hours", slug="too-many-hours")
    new_hours = hours if "hours" in changes else record.hours
    if status is AttendanceStatus.present and new_hours is not None and activity.starts_on is not None:
        await check_day_limit(
            session, [DayHours("hours", member_id, activity.starts_on, new_hours)], policy, replacing_activity_id=activity.id
        )
    record.status = status.value
    record.reason = reason
    if "hours" in changes:
        record.hours = hours
    record.version += 1
    await session.flush()
    return await sheet_of(session, activity)


async def attendance_sheet(session: AsyncSession, caller: Caller, activity_id: uuid.UUID) -> AttendanceSheet:
    return await sheet_of(session, await get_activity(session, caller, activity_id))


async def sheet_of(session: AsyncSession, activity: Activity) -> AttendanceSheet:
    expected = await expected_members(session, activity)
    rows = (
        (await session.execute(select(Attendance).where(Attendance.activity_id == activity.id).order_by(Attendance.member_id)))
        .scalars()
        .all()
    )
    counted = [r for r in rows if r.member_id in expected]
    by_status = {s.value: sum(1 for r in counted if r.status == s.value) for s in AttendanceStatus}
    return AttendanceSheet.model_validate(
        {
            "activity_id": activity.id,
            "expected": len(expected),
            "present": by_status["present"],
            "excused": by_status["excused"],
            "absent": by_status["absent"],
            "unrecorded": len(expected) - len(counted),
            "guests": len(rows) - len(counted),
            "rate": rules.attendance_rate(by_status["present"], len(expected)),
            "volunteer_hours": sum((r.hours or Decimal(0) for r in rows), Decimal(0)),
            "items": rows,
        }
    )
