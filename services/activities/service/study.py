"""Study hours (黨員教育): self-study records and their approval, the hours-in-a-day limit, and each
member's hours of the year so far against the requirement (per member, per organization, work list).

Hours come from four places: the attendance hours of present attendees of held study activities
(the policy's study types), home-delivered study (counted only for elderly and needy members),
approved self-study, and the courses of the training register (`service/training.py`, in the year
a course ends). Tallies are aggregate queries inside this schema; the requirement of each
member (months owed, months on a community team) is worked out by the pure rules.
"""

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.activities import errors
from services.activities.enums import ActivityStatus, AttendanceStatus, StudyRecordStatus
from services.activities.models import (
    Activity,
    Attendance,
    StudyRecord,
    TrainingAttendee,
    member_replica,
    org_replica,
    position_replica,
)
from services.activities.rules import ActivitiesPolicy
from services.activities.rules import study as rules
from services.activities.schemas.study import MemberStudy, OrgStudy, StudyDecision, StudyRecordCreate, StudySummary
from services.activities.service import counties
from services.activities.service.common import ActivitiesContext, in_scope, scope_root
from services.kit.db import on_its_shard
from services.kit.pagination import decode_cursor, encode_cursor, keyset_page, page_of
from services.kit.problems import NotFound
from services.kit.tree import subtree_of, within_node

ZERO = Decimal(0)


# ---------------------------------------------------------------- the day limit


@dataclass(frozen=True)
class DayHours:
    """Hours about to be written for one member on one day, and the request field they came from."""

    field: str
    member_id: uuid.UUID
    day: date
    hours: Decimal


async def check_day_limit(
    session: AsyncSession,
    ctx: ActivitiesContext,
    entries: Iterable[DayHours],
    *,
    replacing_activity_id: uuid.UUID | None = None,
) -> None:
    """Refuse (422, nothing written) hours that would take a member over the day's limit, counting
    what is held for that day: present attendance hours of activities not cancelled, and self-study
    not rejected. `replacing_activity_id`: that activity's held hours are being replaced."""
    wanted: dict[tuple[uuid.UUID, date], list[DayHours]] = defaultdict(list)
    for entry in entries:
        if entry.hours > 0:
            wanted[(entry.member_id, entry.day)].append(entry)
    if not wanted:
        return
    held = await _held_day_hours(session, list(wanted), replacing_activity_id)
    for key, items in wanted.items():
        already = held.get(key, ZERO)
        adding = sum((i.hours for i in items), ZERO)
        error = rules.day_hours_error(already.quantize(rules.HOURS), adding, ctx.policy)
        if error:
            raise errors.TOO_MANY_HOURS_IN_A_DAY.on(items[-1].field, error)


async def check_moved_attendance(session: AsyncSession, ctx: ActivitiesContext, activity_id: uuid.UUID, new_day: date) -> None:
    """An activity moved to `new_day` takes its attendees' hours there: refused if a day overflows."""
    rows = await session.execute(
        select(Attendance.member_id, Attendance.hours).where(
            Attendance.activity_id == activity_id,
            Attendance.status == AttendanceStatus.present.value,
            Attendance.hours.is_not(None),
        )
    )
    entries = [DayHours("starts_at", member_id, new_day, hours) for member_id, hours in rows if hours is not None]
    await check_day_limit(session, ctx, entries, replacing_activity_id=activity_id)


async def _held_day_hours(
    session: AsyncSession, keys: list[tuple[uuid.UUID, date]], replacing_activity_id: uuid.UUID | None
) -> dict[tuple[uuid.UUID, date], Decimal]:
    members = {m for m, _ in keys}
    days = {d for _, d in keys}
    attended = (
        select(Attendance.member_id, Attendance.starts_on, func.sum(Attendance.hours))
        .join(Activity, counties.with_its_activity(Attendance))
        .where(
            Attendance.member_id.in_(members),
            Attendance.starts_on.in_(days),
            Attendance.status == AttendanceStatus.present.value,
            Attendance.hours.is_not(None),
            Activity.status != ActivityStatus.cancelled.value,
        )
        .group_by(Attendance.member_id, Attendance.starts_on)
    )
    if replacing_activity_id is not None:
        attended = attended.where(Attendance.activity_id != replacing_activity_id)
    studied = (
        select(StudyRecord.member_id, StudyRecord.studied_on, func.sum(StudyRecord.hours))
        .where(
            StudyRecord.member_id.in_(members),
            StudyRecord.studied_on.in_(days),
            StudyRecord.status != StudyRecordStatus.rejected.value,
        )
        .group_by(StudyRecord.member_id, StudyRecord.studied_on)
    )
    held: dict[tuple[uuid.UUID, date], Decimal] = defaultdict(lambda: ZERO)
    rows = [*(await session.execute(attended)).all(), *(await session.execute(studied)).all()]
    for member_id, day, hours in rows:
        if day is not None:
            held[(member_id, day)] += Decimal(str(hours or 0))
    return held


# ---------------------------------------------------------------- self-study records


async def _member_in_scope(
    session: AsyncSession, ctx: ActivitiesContext, member_id: uuid.UUID, *, for_update: bool = False, own: bool = False
) -> Any:
    stmt = (
        select(member_replica)
        .join(org_replica, org_replica.c.id == member_replica.c.org_id)
        .where(member_replica.c.id == member_id)
    )
    if not own:  # a member's own record (the own view) is theirs whatever their account's scope
        stmt = stmt.where(in_scope(ctx))
    if for_update:
        # Serializes one member's writes, so two records of one day cannot both pass the day limit.
        stmt = stmt.with_for_update(of=member_replica)
    return (await session.execute(stmt)).first()


async def create_record(
    session: AsyncSession, ctx: ActivitiesContext, data: StudyRecordCreate, *, own: bool = False
) -> StudyRecord:
    member = await _member_in_scope(session, ctx, data.member_id, for_update=True, own=own)
    if member is None:
        raise errors.UNKNOWN_MEMBER.on("member_id", "unknown member", detail="The member does not exist")
    if member.state not in ctx.policy.study_member_states:
        raise errors.MEMBER_NOT_STUDYING.on("member_id", f"the member's state is {member.state}")
    if data.studied_on > ctx.today:
        raise errors.FUTURE_STUDY.on("studied_on", "a day still to come")
    await check_day_limit(session, ctx, [DayHours("hours", member.id, data.studied_on, data.hours)])
    record = StudyRecord(
        **data.model_dump(),
        org_id=member.org_id,
        county_id=await counties.of_org(session, member.org_id),
        status=StudyRecordStatus.pending.value,
        recorded_by=ctx.caller.subject,
    )
    session.add(record)
    await session.flush()
    return record


async def get_record(
    session: AsyncSession, ctx: ActivitiesContext, record_id: uuid.UUID, *, for_update: bool = False
) -> StudyRecord:
    stmt = (
        select(StudyRecord)
        .join(org_replica, org_replica.c.id == StudyRecord.org_id)
        .where(StudyRecord.id == record_id, in_scope(ctx))
    )
    if for_update:
        stmt = stmt.where(await on_its_shard(session, StudyRecord, record_id)).with_for_update(of=StudyRecord)
    record = (await session.execute(stmt)).scalar_one_or_none()
    if record is None:
        raise NotFound("Study record", record_id)
    return record


async def decide_record(session: AsyncSession, ctx: ActivitiesContext, record_id: uuid.UUID, data: StudyDecision) -> StudyRecord:
    """Approve or reject a pending record (an admin whose scope holds the member's organization)."""
    record = await get_record(session, ctx, record_id, for_update=True)
    if record.status != StudyRecordStatus.pending:
        raise errors.STUDY_RECORD_DECIDED(f"The record is already {record.status}", decided=record.status)
    record.status = data.status.value
    record.decided_by = ctx.caller.subject
    record.decided_at = datetime.now(UTC)
    record.decision_note = data.note
    await session.flush()
    return record


async def list_records(
    session: AsyncSession,
    ctx: ActivitiesContext,
    *,
    within: uuid.UUID | None,
    member_id: uuid.UUID | None,
    status: StudyRecordStatus | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[StudyRecord], str | None]:
    stmt = select(StudyRecord).join(org_replica, org_replica.c.id == StudyRecord.org_id).where(in_scope(ctx))
    if within is not None:
        stmt = stmt.where(within_node(within, org_replica.c.path, org_replica.c.id, org_replica.c.path))
    if member_id is not None:
        stmt = stmt.where(StudyRecord.member_id == member_id)
    if status is not None:
        stmt = stmt.where(StudyRecord.status == status.value)
    rows = (await session.execute(keyset_page(stmt, [StudyRecord.studied_on, StudyRecord.id], cursor, limit))).scalars().all()
    return page_of(rows, limit, lambda r: [r.studied_on, r.id])


# ---------------------------------------------------------------- standings


async def _standings(session: AsyncSession, members: Select[Any], as_of: date, policy: ActivitiesPolicy) -> list[MemberStudy]:
    """Each member of `members` (a select of member replica columns) with hours against requirement."""
    year_start = date(as_of.year, 1, 1)
    rows = (await session.execute(members.order_by(member_replica.c.id))).all()
    if not rows:
        return []
    ids = select(members.subquery().c.id)

    def attended(types: tuple[str, ...]) -> Any:
        return (
            select(Attendance.member_id, func.sum(Attendance.hours))
            .join(Activity, counties.with_its_activity(Attendance))
            .where(
                Attendance.member_id.in_(ids),
                Attendance.status == AttendanceStatus.present.value,
                Attendance.starts_on >= year_start,
                Attendance.starts_on <= as_of,
                Activity.status == ActivityStatus.held.value,
                Activity.type.in_(types),
            )
            .group_by(Attendance.member_id)
        )

    studied = (
        select(StudyRecord.member_id, func.sum(StudyRecord.hours))
        .where(
            StudyRecord.member_id.in_(ids),
            StudyRecord.status == StudyRecordStatus.approved.value,
            StudyRecord.studied_on >= year_start,
            StudyRecord.studied_on <= as_of,
        )
        .group_by(StudyRecord.member_id)
    )
    trained = (
        select(TrainingAttendee.member_id, func.sum(TrainingAttendee.hours))
        .where(TrainingAttendee.member_id.in_(ids), TrainingAttendee.ended_on >= year_start, TrainingAttendee.ended_on <= as_of)
        .group_by(TrainingAttendee.member_id)
    )
    training_hours = await _sums(session, trained)
    activity_hours = await _sums(session, attended(policy.study_types))
    home_hours = await _sums(session, attended(policy.home_study_types))
    self_hours = await _sums(session, studied)
    positions: dict[uuid.UUID, list[tuple[date, date | None]]] = defaultdict(list)
    team_rows = await session.execute(
        select(position_replica.c.member_id, position_replica.c.since, position_replica.c.until)
        .join(org_replica, org_replica.c.id == position_replica.c.org_id)
        .where(
            position_replica.c.member_id.in_(ids),
            position_replica.c.role.in_(policy.team_roles),
            org_replica.c.tier.in_(policy.team_tiers),
            position_replica.c.since <= as_of,
            or_(position_replica.c.until.is_(None), position_replica.c.until >= year_start),
        )
    )
    for member_id, since, until in team_rows:
        positions[member_id].append((since, until))
    out = []
    for row in rows:
        months = rules.owed_months(as_of, row.joined_on)
        team = rules.team_months(as_of.year, months, positions.get(row.id, []))
        home_counts = rules.home_study_counts(
            green_channel=bool(row.green_channel), birth_date=row.birth_date, on=as_of, policy=policy
        )
        activity = activity_hours.get(row.id, ZERO)
        home = home_hours.get(row.id, ZERO) if home_counts else ZERO
        own = self_hours.get(row.id, ZERO)
        course = training_hours.get(row.id, ZERO)
        hours = (activity + home + own + course).quantize(rules.HOURS)
        required = rules.required_hours(months, team, policy)
        out.append(
            MemberStudy(
                member_id=row.id,
                name=row.name,
                org_id=row.org_id,
                year=as_of.year,
                as_of=as_of,
                months_owed=len(months),
                team_months=len(team),
                activity_hours=activity.quantize(rules.HOURS),
                home_study_hours=home.quantize(rules.HOURS),
                self_study_hours=own.quantize(rules.HOURS),
                training_hours=course.quantize(rules.HOURS),
                hours=hours,
                required=required,
                shortfall=rules.shortfall(hours, required),
            )
        )
    return out


async def _sums(session: AsyncSession, stmt: Any) -> dict[uuid.UUID, Decimal]:
    # SQLite sums NUMERIC as floats: through str, so 2.5 + 0.1 does not become 2.6000000000000001.
    return {member_id: Decimal(str(total or 0)) for member_id, total in (await session.execute(stmt)).all()}


def own_members(policy: ActivitiesPolicy) -> Select[Any]:
    """Every member with the columns `standings` reads (the own view narrows it to the caller)."""
    return _members(policy, owing_only=False)


async def standings(session: AsyncSession, members: Select[Any], as_of: date, policy: ActivitiesPolicy) -> list[MemberStudy]:
    return await _standings(session, members, as_of, policy)


def _members(policy: ActivitiesPolicy, *, owing_only: bool = True) -> Select[Any]:
    stmt = select(
        member_replica.c.id,
        member_replica.c.name,
        member_replica.c.org_id,
        member_replica.c.joined_on,
        member_replica.c.birth_date,
        member_replica.c.green_channel,
    ).join(org_replica, org_replica.c.id == member_replica.c.org_id)
    return stmt.where(member_replica.c.state.in_(policy.study_member_states)) if owing_only else stmt


async def member_standing(session: AsyncSession, ctx: ActivitiesContext, member_id: uuid.UUID, as_of: date) -> MemberStudy:
    """One member's hours of the year so far (a member outside the caller's scope is a 404)."""
    stmt = _members(ctx.policy, owing_only=False).where(member_replica.c.id == member_id, in_scope(ctx))
    standings = await _standings(session, stmt, as_of, ctx.policy)
    if not standings:
        raise NotFound("Member", member_id)
    return standings[0]


async def summary(session: AsyncSession, ctx: ActivitiesContext, within: uuid.UUID, as_of: date) -> StudySummary:
    """Per organization of the subtree (those with members): hours, requirement and shortfall so far."""
    root = await scope_root(session, ctx, within)
    under = _members(ctx.policy).where(subtree_of(org_replica.c.path, root.path))
    standings = await _standings(session, under, as_of, ctx.policy)
    by_org: dict[uuid.UUID, list[MemberStudy]] = defaultdict(list)
    for standing in standings:
        if standing.org_id is not None:
            by_org[standing.org_id].append(standing)
    orgs = (
        await session.execute(
            select(org_replica.c.id, org_replica.c.name)
            .where(subtree_of(org_replica.c.path, root.path), org_replica.c.id.in_(list(by_org)))
            .order_by(org_replica.c.path)
        )
    ).all()
    organizations = [_org_totals(org_id, name, by_org[org_id]) for org_id, name in orgs]
    totals = _org_totals(within, str(root.name), standings)
    return StudySummary(
        within=within,
        year=as_of.year,
        as_of=as_of,
        members=totals.members,
        hours=totals.hours,
        required=totals.required,
        shortfall=totals.shortfall,
        below=totals.below,
        organizations=organizations,
    )


def _org_totals(org_id: uuid.UUID, name: str, standings: list[MemberStudy]) -> OrgStudy:
    return OrgStudy(
        org_id=org_id,
        name=name,
        members=len(standings),
        hours=sum((s.hours for s in standings), ZERO),
        required=sum((s.required for s in standings), ZERO),
        shortfall=sum((s.shortfall for s in standings), ZERO),
        below=sum(1 for s in standings if s.shortfall > 0),
    )


async def below_requirement(
    session: AsyncSession, ctx: ActivitiesContext, within: uuid.UUID, *, as_of: date, cursor: str | None, limit: int
) -> tuple[list[MemberStudy], str | None]:
    """Members of the subtree whose hours so far are below what they owe so far, by member id."""
    root = await scope_root(session, ctx, within)
    stmt = _members(ctx.policy).where(subtree_of(org_replica.c.path, root.path))
    if cursor:
        (after,) = decode_cursor(cursor, [member_replica.c.id])
        stmt = stmt.where(member_replica.c.id > after)
    below = [s for s in await _standings(session, stmt, as_of, ctx.policy) if s.shortfall > 0]
    items = below[:limit]
    next_cursor = encode_cursor([items[-1].member_id]) if len(below) > limit else None
    return items, next_cursor


async def below_requirement_batch(
    session: AsyncSession, policy: ActivitiesPolicy, *, as_of: date, after: uuid.UUID | None, size: int
) -> tuple[list[MemberStudy], uuid.UUID | None]:
    """The scheduler's walk over every member (no caller, so no scope and no context): of the next `size` members after
    `after` by id, those below their requirement so far, and the id to continue after (None at the end)."""
    stmt = _members(policy).order_by(member_replica.c.id).limit(size)
    if after is not None:
        stmt = stmt.where(member_replica.c.id > after)
    # The batch's last id, read in order (PostgreSQL has no max() over uuids).
    ids = (await session.execute(stmt.with_only_columns(member_replica.c.id))).scalars().all()
    if not ids:
        return [], None
    standings = await _standings(session, stmt, as_of, policy)
    return [s for s in standings if s.shortfall > 0], ids[-1]
