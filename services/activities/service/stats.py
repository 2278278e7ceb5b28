"""Activity statistics in SQL: counts by type, month or child organization's subtree; participation; hours."""

import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from services.activities.enums import ActivityStatus, AttendanceStatus
from services.activities.models import Activity, Attendance, org_replica
from services.activities.rules.attendance import attendance_rate
from services.activities.rules.compliance import Period
from services.activities.schemas.stats import ActivityStats, StatRow
from services.activities.service import counties
from services.activities.service.common import ActivitiesContext, scope_root
from services.kit.tree import subtree_of

GROUPINGS = ("type", "month", "org")


async def activity_stats(
    session: AsyncSession, ctx: ActivitiesContext, within: uuid.UUID, *, period: Period, group_by: str
) -> ActivityStats:
    root = await scope_root(session, ctx, within)
    org = org_replica.alias("o")
    child = org_replica.alias("c")
    filters: list[ColumnElement[bool]] = [
        subtree_of(org.c.path, root.path),
        Activity.starts_on >= period.start,
        Activity.starts_on < period.end,
    ]
    keys: list[Any]
    if group_by == "type":
        keys = [Activity.type]
    elif group_by == "month":
        keys = [func.extract("year", Activity.starts_on), func.extract("month", Activity.starts_on)]
    else:
        # Each direct child of `within` stands for its whole subtree.
        keys = [child.c.id]
        filters.append(child.c.parent_id == root.id)

    def base(*columns: Any) -> Any:
        stmt = select(*keys, *columns).select_from(Activity).join(org, org.c.id == Activity.org_id)
        if group_by == "org":
            stmt = stmt.join(child, subtree_of(org.c.path, child.c.path))
        return stmt.where(*filters).group_by(*keys)

    held = func.sum(case((Activity.status == ActivityStatus.held, 1), else_=0))
    counts = {tuple(r[: len(keys)]): (r[-2], r[-1]) for r in (await session.execute(base(func.count(Activity.id), held))).all()}
    member = Attendance.guest.is_(False)
    present = func.sum(case(((Attendance.status == AttendanceStatus.present) & member, 1), else_=0))
    recorded = func.sum(case((member, 1), else_=0))
    hours = func.sum(case((Activity.type == ctx.policy.volunteer_type, Attendance.hours), else_=None))
    attendance_stmt = base(recorded, present, hours).join(Attendance, counties.with_its_activity(Attendance))
    attendance = {tuple(r[: len(keys)]): r[len(keys) :] for r in (await session.execute(attendance_stmt)).all()}
    rows = []
    for key, (activities, held_count) in sorted(counts.items(), key=lambda item: [str(k) for k in item[0]]):
        records, came, volunteer = attendance.get(key, (0, 0, None))
        rows.append(
            StatRow(
                key=_label(group_by, key),
                activities=activities,
                held=int(held_count or 0),
                attendance_records=int(records or 0),
                present=int(came or 0),
                participation_rate=attendance_rate(int(came or 0), int(records or 0)),
                volunteer_hours=Decimal(volunteer or 0),
            )
        )
    return ActivityStats(within=within, period=period.label, group_by=group_by, rows=rows)


def _label(group_by: str, key: tuple[Any, ...]) -> str:
    if group_by == "month":
        return f"{int(key[0]):04d}-{int(key[1]):02d}"
    return str(key[0])
