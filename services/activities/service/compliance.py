"""Compliance (三會一課): expected against held activities per organization, and the work lists.

Everything is an aggregate query inside this schema (activities, org replica, member replica):
a township or a district is one index range on the org paths, never a call per organization.
"""

import uuid
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from services.activities import errors
from services.activities.enums import ActivityStatus, AttendanceStatus, MemberState, OrgKind, OrgStatus
from services.activities.models import Activity, ActivityType, Attendance, Exemption, member_replica, org_replica
from services.activities.rules import ActivitiesPolicy
from services.activities.rules import compliance as rules
from services.activities.rules.compliance import Period
from services.activities.rules.contacts import last_contact
from services.activities.schemas.compliance import ExemptionCreate, MemberRef, OrgRef
from services.activities.service.common import ActivitiesContext, referenced_org, scope_root
from services.activities.service.contacts import last_contacted, last_reported
from services.kit.db import is_citus
from services.kit.pagination import keyset_page, page_of
from services.kit.tree import subtree_of


async def type_rules(session: AsyncSession, policy: ActivitiesPolicy) -> dict[str, tuple[str, list[str]]]:
    """Every type with a frequency: code → (frequency, organization kinds that hold it)."""
    rows = (await session.execute(select(ActivityType.code, ActivityType.frequency, ActivityType.org_kinds))).all()
    out = {}
    for code, frequency, kinds in rows:
        effective = policy.frequencies.get(code, frequency)
        if effective:
            out[code] = (effective, list(kinds))
    return out


async def compliance(session: AsyncSession, ctx: ActivitiesContext, within: uuid.UUID, period: Period) -> dict[str, Any]:
    """Expected and held counts per organization of the subtree, in the shape of `ComplianceReport`."""
    policy = ctx.policy
    root = await scope_root(session, ctx, within)
    types = await type_rules(session, policy)
    under = subtree_of(org_replica.c.path, root.path)
    orgs = (
        await session.execute(
            select(org_replica.c.id, org_replica.c.name, org_replica.c.kind)
            .where(under, org_replica.c.status == OrgStatus.active, org_replica.c.tier.in_(policy.compliance_tiers))
            .order_by(org_replica.c.path)
        )
    ).all()
    groups: dict[uuid.UUID, int] = dict(
        (
            await session.execute(
                select(org_replica.c.parent_id, func.count())
                .where(under, org_replica.c.status == OrgStatus.active, org_replica.c.kind == OrgKind.group)
                .group_by(org_replica.c.parent_id)
            )
        ).all()
    )
    held: dict[tuple[uuid.UUID, str], int] = defaultdict(int)
    held_rows = await session.execute(
        select(Activity.org_id, org_replica.c.kind, org_replica.c.parent_id, Activity.type, func.count())
        .join(org_replica, org_replica.c.id == Activity.org_id)
        .where(
            under,
            Activity.status == ActivityStatus.held,
            Activity.starts_on >= period.start,
            Activity.starts_on < period.end,
            Activity.type.in_(list(types)),
        )
        .group_by(Activity.org_id, org_replica.c.kind, org_replica.c.parent_id, Activity.type)
    )
    for org_id, kind, parent_id, type_code, count in held_rows:
        # A party group's meetings count for the organization the group belongs to.
        holder = parent_id if kind == OrgKind.group and type_code == policy.group_meeting_type else org_id
        held[(holder, type_code)] += count
    exempt = set(
        (
            await session.execute(
                select(Exemption.org_id, Exemption.type)
                .join(org_replica, org_replica.c.id == Exemption.org_id)
                .where(
                    under,
                    Exemption.starts_on < period.end,
                    or_(Exemption.ends_on.is_(None), Exemption.ends_on >= period.start),
                )
            )
        ).all()
    )
    # Plain dicts in the shape of `ComplianceReport`: a district has thousands of organizations,
    # and validating a model per row cost more than the queries (measured in the benchmark).
    report: list[dict[str, Any]] = []
    for org_id, name, kind in orgs:
        if kind == OrgKind.group:
            continue
        items = []
        for code, (frequency, kinds) in sorted(types.items()):
            # Group meetings are expected of each party group under the organization.
            units = groups.get(org_id, 0) if code == policy.group_meeting_type else int(kind in kinds)
            expected = rules.expected_count(frequency, period) * units
            if expected == 0:
                continue
            is_exempt = (org_id, code) in exempt
            count = held.get((org_id, code), 0)
            items.append(
                {
                    "type": code,
                    "frequency": frequency,
                    "expected": 0 if is_exempt else expected,
                    ActivityStatus.held.value: count,  # the field counting the held activities
                    "exempt": is_exempt,
                    "met": is_exempt or count >= expected,
                }
            )
        report.append(
            {
                "org_id": org_id,
                "name": name,
                "kind": kind,
                "groups": groups.get(org_id, 0),
                "items": items,
                "met": all(i["met"] for i in items),
            }
        )
    return {"within": within, "period": period.label, "starts_on": period.start, "ends_on": period.end, "organizations": report}


async def create_exemption(session: AsyncSession, ctx: ActivitiesContext, data: ExemptionCreate) -> Exemption:
    await referenced_org(session, ctx, data.org_id)
    if data.ends_on is not None and data.ends_on < data.starts_on:
        raise errors.INVALID_SCHEDULE.on("ends_on", "the end is before the start")
    exemption = Exemption(**data.model_dump())
    session.add(exemption)
    await session.flush()
    return exemption


async def list_exemptions(session: AsyncSession, ctx: ActivitiesContext, within: uuid.UUID) -> list[Exemption]:
    root = await scope_root(session, ctx, within)
    stmt = (
        select(Exemption)
        .join(org_replica, org_replica.c.id == Exemption.org_id)
        .where(subtree_of(org_replica.c.path, root.path))
        .order_by(Exemption.starts_on, Exemption.id)
    )
    return list((await session.execute(stmt)).scalars().all())


# ---------------------------------------------------------------- work lists


async def study_day_only(session: AsyncSession, ctx: ActivitiesContext, within: uuid.UUID, period: Period) -> list[OrgRef]:
    """Organizations whose only activity in the period is the monthly study day (seed: 活動停留在學習日)."""
    root = await scope_root(session, ctx, within)
    other = func.sum(case((Activity.type != ctx.policy.study_day_type, 1), else_=0))
    stmt = (
        select(org_replica.c.id, org_replica.c.name, func.count(Activity.id))
        .join(Activity, Activity.org_id == org_replica.c.id)
        .where(
            subtree_of(org_replica.c.path, root.path),
            org_replica.c.tier.in_(ctx.policy.compliance_tiers),
            Activity.status == ActivityStatus.held,
            Activity.starts_on >= period.start,
            Activity.starts_on < period.end,
        )
        .group_by(org_replica.c.id, org_replica.c.name, org_replica.c.path)
        .having(other == 0)
        .order_by(org_replica.c.path)
    )
    return [OrgRef(org_id=i, name=n, held=c) for i, n, c in (await session.execute(stmt)).all()]


def _members_under(root_path: str) -> Any:
    return (
        select(member_replica.c.id, member_replica.c.name, member_replica.c.org_id, member_replica.c.whereabouts)
        .join(org_replica, org_replica.c.id == member_replica.c.org_id)
        .where(subtree_of(org_replica.c.path, root_path), member_replica.c.state == MemberState.normal)
    )


async def inactive_members(
    session: AsyncSession,
    ctx: ActivitiesContext,
    within: uuid.UUID,
    *,
    as_of: date,
    months: int | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[MemberRef], str | None]:
    """Living members with no attendance (present) in the `months` before `as_of` (default: the policy's)."""
    root = await scope_root(session, ctx, within)
    months = months or ctx.policy.inactive_member_months
    cutoff = rules.months_before(as_of, months)
    present = Attendance.status == AttendanceStatus.present
    if await is_citus(session):
        stmt = _inactive_on_citus(root.path, present, cutoff, as_of)
    else:
        stmt = _inactive(root.path, present, cutoff, as_of)
        # One probe per member and partition is cheap to run, but priced high enough to be JIT-
        # compiled, which costs more than running it (as in the members' statistics). And planned
        # with its dates, not as a generic prepared plan: only then are the window's months known
        # to be all there (no default partition to read), and read newest first.
        if session.get_bind().dialect.name == "postgresql":
            await session.execute(text("SET LOCAL jit = off"))
            await session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
    rows = (await session.execute(keyset_page(stmt, [stmt.selected_columns.id], cursor, limit))).all()
    items, next_cursor = page_of(rows, limit, lambda r: [r.id])
    return [MemberRef(member_id=r.id, name=r.name, org_id=r.org_id, last=r.last) for r in items], next_cursor


def _inactive(root_path: str, present: ColumnElement[bool], cutoff: date, as_of: date) -> Select[Any]:
    """`inactive_members`' query. The scope's members first (materialized): left to itself the
    planner ran the probes for every member of the replica. Then per member one scalar probe for
    its last attendance in the window (kept scalar, so that the planner cannot turn it into a hash
    join over months of attendance); on monthly partitions it reads the window's months newest
    first and stops at the first it finds. Only the page's (inactive) members are then searched
    through their whole history for their last attendance."""
    members = _members_under(root_path).cte("scoped_members").prefix_with("MATERIALIZED")
    recent = (
        select(func.max(Attendance.starts_on))
        .where(Attendance.member_id == members.c.id, present, Attendance.starts_on >= cutoff, Attendance.starts_on <= as_of)
        .scalar_subquery()
    )
    sub = select(members).where(recent.is_(None)).subquery()
    last = (
        select(func.max(Attendance.starts_on))
        .where(Attendance.member_id == sub.c.id, present, Attendance.starts_on < cutoff)
        .scalar_subquery()
    )
    return select(sub, last.label("last"))


def _inactive_on_citus(root_path: str, present: ColumnElement[bool], cutoff: date, as_of: date) -> Select[Any]:
    """`inactive_members`' query in the form Citus plans: with attendance distributed by county and
    the member replica a reference table, it plans neither a correlated subquery from the replica
    nor one from a CTE. The scope's members with attendance in the window are read first (a
    subquery Citus runs on its own), and the last attendance before it is an outer join to each
    remaining member's last day."""
    scoped = _members_under(root_path).with_only_columns(member_replica.c.id)
    attended = select(Attendance.member_id).where(
        present, Attendance.starts_on >= cutoff, Attendance.starts_on <= as_of, Attendance.member_id.in_(scoped)
    )
    earlier = (
        select(Attendance.member_id, func.max(Attendance.starts_on).label("last"))
        .where(present, Attendance.starts_on < cutoff, Attendance.member_id.in_(scoped))
        .group_by(Attendance.member_id)
        .subquery()
    )
    sub = _members_under(root_path).where(member_replica.c.id.not_in(attended)).subquery()
    return select(sub, earlier.c.last).outerjoin(earlier, earlier.c.member_id == sub.c.id)


async def uncontacted_members(
    session: AsyncSession,
    ctx: ActivitiesContext,
    within: uuid.UUID,
    *,
    as_of: date,
    days: int | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[MemberRef], str | None]:
    """Floating, displaced or not-transferred members with no contact in the `days` before `as_of`
    (default: the policy's); a floating member's own periodic report counts as a contact, and
    `last` is the later of the last contact and the last report.

    Not-transferred members hold their relationship elsewhere: they are found by the community
    they live in, which is the `community_id` of organizations in the scope.
    """
    root = await scope_root(session, ctx, within)
    under = subtree_of(org_replica.c.path, root.path)
    org_ids = select(org_replica.c.id).where(under)
    community_ids = select(org_replica.c.community_id).where(under, org_replica.c.community_id.is_not(None))
    members = (
        member_replica.c.state == MemberState.normal,
        member_replica.c.whereabouts.in_(ctx.policy.followed_whereabouts),
        or_(member_replica.c.org_id.in_(org_ids), member_replica.c.residence_community_id.in_(community_ids)),
    )
    contacted = await last_contacted(session, as_of, *members)
    columns = (member_replica.c.id, member_replica.c.name, member_replica.c.org_id, member_replica.c.whereabouts)
    sub = contacted.joined(
        select(*columns, contacted.day.label("contacted"), last_reported(as_of).label("reported")).where(*members)
    ).subquery()
    cutoff = as_of - timedelta(days=days or ctx.policy.contact_overdue_days)
    # The later of the two (`rules.contacts.last_contact`) before the cutoff: each is, or is none.
    stmt = select(sub).where(
        or_(sub.c.contacted.is_(None), sub.c.contacted < cutoff), or_(sub.c.reported.is_(None), sub.c.reported < cutoff)
    )
    rows = (await session.execute(keyset_page(stmt, [sub.c.id], cursor, limit))).all()
    items, next_cursor = page_of(rows, limit, lambda r: [r.id])
    refs = [
        MemberRef(
            member_id=r.id, name=r.name, org_id=r.org_id, whereabouts=r.whereabouts, last=last_contact(r.contacted, r.reported)
        )
        for r in items
    ]
    return refs, next_cursor


async def green_channel_unserved(
    session: AsyncSession, ctx: ActivitiesContext, within: uuid.UUID, *, period: Period, cursor: str | None, limit: int
) -> tuple[list[MemberRef], str | None]:
    """Green-channel members with no held home service (study delivery, visit) in the period."""
    root = await scope_root(session, ctx, within)
    home_service = (
        Activity.type.in_(ctx.policy.home_service_types),
        Activity.status == ActivityStatus.held,
        and_(Activity.starts_on >= period.start, Activity.starts_on < period.end),
    )
    if await is_citus(session):
        # Citus does not plan NOT EXISTS on the activities (distributed by county) correlated with
        # the member replica (a reference table): the members served are read first.
        served = select(Activity.served_member_id).where(*home_service, Activity.served_member_id.is_not(None))
        unserved: ColumnElement[bool] = member_replica.c.id.not_in(served)
    else:
        unserved = ~select(Activity.id).where(Activity.served_member_id == member_replica.c.id, *home_service).exists()
    stmt = _members_under(root.path).where(member_replica.c.green_channel.is_(True), unserved)
    rows = (await session.execute(keyset_page(stmt, [member_replica.c.id], cursor, limit))).all()
    items, next_cursor = page_of(rows, limit, lambda r: [r.id])
    return [MemberRef(member_id=r.id, name=r.name, org_id=r.org_id, whereabouts=r.whereabouts) for r in items], next_cursor


async def community_service_activities(
    session: AsyncSession, policy: ActivitiesPolicy, within: uuid.UUID, start: date, end: date
) -> dict[str, int]:
    """Held service activities (the policy's `service_activity_types`) of each community's
    organizations from `start` to `end` (both included), for the communities under `within`, keyed
    by community id: one scan for the orgs service's diagnostics. An unknown `within` has none."""
    path = await session.scalar(select(org_replica.c.path).where(org_replica.c.id == within))
    if path is None:
        return {}
    rows = await session.execute(
        select(org_replica.c.community_id, func.count())
        .select_from(Activity)
        .join(org_replica, org_replica.c.id == Activity.org_id)
        .where(
            subtree_of(org_replica.c.path, path),
            org_replica.c.community_id.is_not(None),
            Activity.type.in_(policy.service_activity_types),
            Activity.status == ActivityStatus.held,
            Activity.starts_on >= start,
            Activity.starts_on <= end,
        )
        .group_by(org_replica.c.community_id)
    )
    return {str(community_id): int(count) for community_id, count in rows}
