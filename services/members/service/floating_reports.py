"""A floating member's periodic reports (定期匯報): filed by the member through their own view,
read by the administrators whose scope holds the member, and the work list of floating members
with their last report and whether one is missing (the contact follow-up counts them)."""

import uuid
from datetime import date
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.outbox import record_event
from services.kit.pagination import keyset_page, page_of
from services.kit.tree import within_node
from services.members.enums import MemberState, Whereabouts
from services.members.errors import INVALID_FLOATING_REPORT, NOT_FLOATING
from services.members.models import FloatingReport, Member, org_replica, outbox
from services.members.rules.floating_reports import report_date_error, report_due_on, report_missing
from services.members.schemas.floating_reports import FloatingReport as FloatingReportOut
from services.members.schemas.floating_reports import FloatingReportCreate, FloatingReportDue, FloatingReportEvent
from services.members.service import counties
from services.members.service.common import MembersContext, in_scope
from services.members.service.own import own_member


async def submit(session: AsyncSession, ctx: MembersContext, data: FloatingReportCreate) -> FloatingReportOut:
    """The caller's own report; only while they are floating out."""
    member = await own_member(session, ctx, for_update=True)
    if member.whereabouts != Whereabouts.floating_out:
        raise NOT_FLOATING("Only a member floating out reports where they are")
    reported_on = data.reported_on or ctx.today
    wrong = report_date_error(reported_on, floating_since=member.whereabouts_since, today=ctx.today)
    if wrong:
        raise INVALID_FLOATING_REPORT.on("reported_on", wrong, detail=f"The report's date is {wrong}")
    report = FloatingReport(
        id=uuid.uuid4(),
        member_id=member.id,
        county_id=member.county_id,
        org_id=member.org_id,
        reported_on=reported_on,
        location=data.location,
        work=data.work,
        organizational_life=data.organizational_life,
        reported_by=ctx.actor,
    )
    session.add(report)
    await session.flush()
    # Activities counts a report as a contact with the member (its uncontacted work list).
    payload = FloatingReportEvent(
        id=report.id, version=1, member_id=member.id, org_id=member.org_id, reported_on=reported_on
    ).model_dump(mode="json")
    await record_event(session, outbox, type="floating_report.submitted", aggregate_id=member.id, payload=payload)
    return FloatingReportOut.model_validate(report)


async def list_own(session: AsyncSession, ctx: MembersContext) -> list[FloatingReportOut]:
    member = await own_member(session, ctx)
    stmt = select(FloatingReport).where(counties.beside(member, FloatingReport)).order_by(FloatingReport.reported_on)
    return [FloatingReportOut.model_validate(r) for r in (await session.execute(stmt)).scalars().all()]


def _scoped(ctx: MembersContext, within: uuid.UUID | None) -> Any:
    cond = in_scope(ctx.caller)
    if within is not None:
        cond = cond & within_node(within, org_replica.c.path, org_replica.c.id, org_replica.c.path)
    return cond


async def list_for_review(
    session: AsyncSession,
    ctx: MembersContext,
    *,
    within: uuid.UUID | None,
    member_id: uuid.UUID | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[FloatingReportOut], str | None]:
    """Reports of members now held in the caller's subtree, newest first."""
    stmt: Select[Any] = (
        select(FloatingReport)
        .join(Member, counties.joined_with_records(FloatingReport))
        .join(org_replica, org_replica.c.id == Member.org_id)
        .where(_scoped(ctx, within))
    )
    if member_id is not None:
        stmt = stmt.where(FloatingReport.member_id == member_id)
    columns = [FloatingReport.reported_on, FloatingReport.id]
    rows = (await session.execute(keyset_page(stmt, columns, cursor, limit, descending=True))).scalars().all()
    found, next_cursor = page_of(rows, limit, lambda r: [r.reported_on, r.id])
    return [FloatingReportOut.model_validate(r) for r in found], next_cursor


async def due_list(
    session: AsyncSession,
    ctx: MembersContext,
    *,
    within: uuid.UUID | None,
    as_of: date,
    missing_only: bool,
    cursor: str | None,
    limit: int,
) -> tuple[list[FloatingReportDue], str | None]:
    """Floating members (state normal) in the caller's subtree with their last report by `as_of`,
    how many this year, the next due day; `missing_only`: those whose report is overdue."""
    last = (
        select(func.max(FloatingReport.reported_on))
        .where(counties.joined_with_records(FloatingReport), FloatingReport.reported_on <= as_of)
        .scalar_subquery()
    )
    this_year = (
        select(func.count(FloatingReport.id))
        .where(
            counties.joined_with_records(FloatingReport),
            FloatingReport.reported_on >= date(as_of.year, 1, 1),
            FloatingReport.reported_on <= as_of,
        )
        .scalar_subquery()
    )
    interval = ctx.policy.floating_report_interval_days
    stmt = (
        select(Member.id, Member.name, Member.org_id, Member.whereabouts_since, last.label("last"), this_year.label("reports"))
        .join(org_replica, org_replica.c.id == Member.org_id)
        .where(
            _scoped(ctx, within),
            Member.whereabouts == Whereabouts.floating_out.value,
            Member.state == MemberState.normal.value,
        )
    )
    items: list[FloatingReportDue] = []
    next_cursor = cursor
    # Missing is decided per row (dates against the policy's interval): read pages until one is full.
    while True:
        rows = (await session.execute(keyset_page(stmt, [Member.id], next_cursor, limit))).all()
        page, next_cursor = page_of(list(rows), limit, lambda r: [r.id])
        for r in page:
            missing = report_missing(
                floating_since=r.whereabouts_since, last_report_on=r.last, interval_days=interval, as_of=as_of
            )
            if missing_only and not missing:
                continue
            due = report_due_on(floating_since=r.whereabouts_since, last_report_on=r.last, interval_days=interval)
            items.append(
                FloatingReportDue(
                    member_id=r.id,
                    name=r.name,
                    org_id=r.org_id,
                    floating_since=r.whereabouts_since,
                    last_report_on=r.last,
                    reports_this_year=r.reports,
                    due_on=due,
                    missing=missing,
                )
            )
        if len(items) >= limit or next_cursor is None:
            return items, next_cursor
