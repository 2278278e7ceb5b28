"""The dues ledger (黨費): one row per member and month with the base, the category, the rate and
amount computed from the policy's table (never typed), a reduction or exemption with its approval,
and the payment (possibly by another member, 代繳; back payments at most the policy's months).
Each member's `dues_paid_through` is kept with every change; the treasurer gets monthly totals per
organization, the list of members unpaid for months without a reason, and an xlsx export."""

import io
import uuid
from datetime import date

from openpyxl import Workbook
from sqlalchemy import Select, and_, case, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.pagination import keyset_page, page_of
from services.kit.problems import Problem, ProblemKind
from services.kit.tree import within_node
from services.kit.versioning import Preconditions
from services.members.enums import DuesCategory, DuesReduction, Whereabouts
from services.members.errors import BACK_PAYMENT_TOO_OLD, DUES_PAID, DUES_RULE, NOT_FOUND
from services.members.models import DuesMonth, Member, org_replica
from services.members.rules.common import months_after, months_before
from services.members.rules.dues import (
    FLAT_DUES_CATEGORIES,
    back_payment_error,
    dues_amount_fen,
    first_of_month,
    month_label,
    months_between,
    paid_through,
)
from services.members.rules.records import CLOSED_STATES
from services.members.rules.tabular import escape_cell
from services.members.schemas.dues import DuesAssess, DuesMonthOut, DuesPayment, DuesReductionCreate, DuesTotal, DuesUnpaid
from services.members.service import counties
from services.members.service.common import MembersContext, get_visible, in_scope, visible


def is_settled(row: DuesMonth) -> bool:
    return row.due_fen == 0 or (row.paid_fen is not None and row.paid_fen >= row.due_fen)


def present_month(row: DuesMonth) -> DuesMonthOut:
    values = {name: getattr(row, name) for name in DuesMonthOut.model_fields if name != "settled"}
    return DuesMonthOut.model_validate(values | {"settled": is_settled(row)})


def _refuse(field: str, message: str, kind: ProblemKind = DUES_RULE) -> Problem:
    return kind.on(field, message, detail=message)


async def _month_row(session: AsyncSession, member: Member, month: date, *, for_update: bool = False) -> DuesMonth | None:
    stmt = select(DuesMonth).where(counties.beside(member, DuesMonth), DuesMonth.month == month)
    if for_update:
        stmt = stmt.with_for_update()
    row: DuesMonth | None = (await session.execute(stmt)).scalar_one_or_none()
    return row


async def ledger(
    session: AsyncSession, ctx: MembersContext, member_id: uuid.UUID, *, month_from: date | None, month_to: date | None
) -> list[DuesMonthOut]:
    member = await get_visible(session, ctx, member_id)
    stmt = select(DuesMonth).where(counties.beside(member, DuesMonth)).order_by(DuesMonth.month)
    if month_from is not None:
        stmt = stmt.where(DuesMonth.month >= month_from)
    if month_to is not None:
        stmt = stmt.where(DuesMonth.month <= month_to)
    return [present_month(row) for row in (await session.execute(stmt)).scalars().all()]


async def assess(
    session: AsyncSession,
    ctx: MembersContext,
    member_id: uuid.UUID,
    month: date,
    data: DuesAssess,
    *,
    preconditions: Preconditions,
) -> tuple[DuesMonthOut, bool]:
    """Set (or correct, while unpaid) the month's base and category; the amount follows from the policy."""
    member = await get_visible(session, ctx, member_id, for_update=True)
    if month < first_of_month(member.joined_on):
        # Probationary members pay from admission, and no one before it.
        raise _refuse("month", f"the member joined on {member.joined_on.isoformat()}")
    if member.state in CLOSED_STATES and month > first_of_month(member.state_since):
        raise _refuse("month", f"the member is {member.state} since {member.state_since.isoformat()}")
    if data.category in (DuesCategory.salaried, DuesCategory.retiree) and data.base_fen is None:
        raise _refuse("base_fen", f"a {data.category.value} member's dues are a share of the base: required")
    if data.category.value in FLAT_DUES_CATEGORIES and data.base_fen is not None:
        raise _refuse("base_fen", f"a {data.category.value} member pays a flat amount: no base")
    rate, standard = dues_amount_fen(data.category.value, data.base_fen, ctx.policy)
    row = await _month_row(session, member, month, for_update=True)
    # The member's row lock above serializes two first assessments of the same month too.
    preconditions.check(row.version if row is not None else None)
    created = row is None
    if row is None:
        row = DuesMonth(member_id=member.id, county_id=member.county_id, org_id=member.org_id, month=month, version=0)
        session.add(row)
    elif row.paid_fen is not None:
        raise DUES_PAID("The month is paid; its base and category no longer change")
    row.category = data.category.value
    row.base_fen = data.base_fen
    row.rate_bp = rate
    row.standard_fen = standard
    # A reduced amount never stays above a lowered standard; an exemption stays at nothing.
    if row.reduction is None or (row.reduction == DuesReduction.reduced and row.due_fen > standard):
        row.due_fen = standard
    row.unpaid_reason = data.unpaid_reason
    row.version += 1
    await session.flush()
    await _update_paid_through(session, member)
    return present_month(row), created


async def _assessed(session: AsyncSession, ctx: MembersContext, member_id: uuid.UUID, month: date) -> tuple[Member, DuesMonth]:
    member = await get_visible(session, ctx, member_id, for_update=True)
    row = await _month_row(session, member, month, for_update=True)
    if row is None:
        raise NOT_FOUND(f"Dues month {month_label(month)} of member {member_id} was not found")
    return member, row


async def pay(session: AsyncSession, ctx: MembersContext, member_id: uuid.UUID, month: date, data: DuesPayment) -> DuesMonthOut:
    member, row = await _assessed(session, ctx, member_id, month)
    if row.paid_fen is not None:
        raise DUES_PAID("The month is already paid")
    if data.paid_on > ctx.today:
        raise _refuse("paid_on", "is in the future")
    error = back_payment_error(month, data.paid_on, ctx.policy)
    if error:
        raise _refuse("paid_on", error, BACK_PAYMENT_TOO_OLD)
    if data.paid_fen != row.due_fen:
        raise _refuse("paid_fen", f"the amount due is {row.due_fen} fen")
    if data.paid_by_member_id is not None and data.paid_by_member_id != member.id:
        payer = await session.scalar(visible(ctx.caller).where(Member.id == data.paid_by_member_id))
        if payer is None or payer.state in CLOSED_STATES:
            raise _refuse("paid_by_member_id", "the paying member was not found (or is no longer a member)")
    row.paid_fen = data.paid_fen
    row.paid_on = data.paid_on
    row.paid_by_member_id = data.paid_by_member_id
    row.version += 1
    await session.flush()
    await _update_paid_through(session, member)
    return present_month(row)


async def reduce(
    session: AsyncSession, ctx: MembersContext, member_id: uuid.UUID, month: date, data: DuesReductionCreate
) -> DuesMonthOut:
    """減交 or 免交, with the approving body, date and reason; only while the month is unpaid."""
    member, row = await _assessed(session, ctx, member_id, month)
    if row.paid_fen is not None:
        raise DUES_PAID("The month is already paid")
    if data.approved_on > ctx.today:
        raise _refuse("approved_on", "is in the future")
    if data.kind == DuesReduction.exempt:
        if data.due_fen not in (None, 0):
            raise _refuse("due_fen", "an exemption leaves nothing due")
        due = 0
    else:
        if data.due_fen is None:
            raise _refuse("due_fen", "a reduction names the approved amount")
        if data.due_fen >= row.standard_fen:
            raise _refuse("due_fen", f"a reduction is below the standard amount ({row.standard_fen} fen)")
        due = data.due_fen
    row.reduction = data.kind.value
    row.due_fen = due
    row.reduction_approved_by = data.approved_by
    row.reduction_approved_on = data.approved_on
    row.reduction_reason = data.reason
    row.version += 1
    await session.flush()
    await _update_paid_through(session, member)
    return present_month(row)


async def _update_paid_through(session: AsyncSession, member: Member) -> None:
    rows = (await session.execute(select(DuesMonth).where(counties.beside(member, DuesMonth)))).scalars().all()
    first = min((r.month for r in rows), default=None)
    through = paid_through(first, {r.month for r in rows if is_settled(r)}) if first else None
    if through != member.dues_paid_through:
        member.dues_paid_through = through
        await session.flush()


def _scoped_members(ctx: MembersContext, within: uuid.UUID | None) -> Select[Member]:
    stmt = visible(ctx.caller).where(Member.state.not_in(CLOSED_STATES), Member.whereabouts != Whereabouts.not_transferred)
    if within is not None:
        stmt = stmt.where(within_node(within, org_replica.c.path, org_replica.c.id, org_replica.c.path))
    return stmt


async def unpaid_members(
    session: AsyncSession, ctx: MembersContext, *, as_of: date, within: uuid.UUID | None, cursor: str | None, limit: int
) -> tuple[list[DuesUnpaid], str | None]:
    """Members with the policy's months unpaid (the current month not counted) and no reason recorded
    for any month after their paid-through month."""
    months = ctx.policy.dues_unpaid_months_listed
    current = first_of_month(as_of)
    cutoff = months_before(current, months)
    # Never paid: the clock starts at the month of joining (as if paid through the month before).
    never_paid_cutoff = months_after(cutoff, 1)
    reasoned = exists().where(
        counties.joined_with_records(DuesMonth),
        DuesMonth.unpaid_reason.is_not(None),
        or_(Member.dues_paid_through.is_(None), DuesMonth.month > Member.dues_paid_through),
    )
    condition = or_(
        Member.dues_paid_through < cutoff,
        and_(Member.dues_paid_through.is_(None), Member.joined_on < never_paid_cutoff),
    )
    stmt = _scoped_members(ctx, within).where(condition, ~reasoned)
    rows = (await session.execute(keyset_page(stmt, [Member.id], cursor, limit))).scalars().all()
    page, next_cursor = page_of(rows, limit, lambda m: [m.id])
    items = []
    for member in page:
        last_paid = member.dues_paid_through or months_before(first_of_month(member.joined_on), 1)
        items.append(
            DuesUnpaid(
                member_id=member.id,
                name=member.name,
                org_id=member.org_id,
                paid_through=month_label(member.dues_paid_through) if member.dues_paid_through else None,
                months_unpaid=months_between(last_paid, current) - 1,
            )
        )
    return items, next_cursor


def _month_rows(ctx: MembersContext, month: date, within: uuid.UUID | None) -> Select[DuesMonth]:
    stmt = (
        select(DuesMonth)
        .join(org_replica, org_replica.c.id == DuesMonth.org_id)
        .where(in_scope(ctx.caller), DuesMonth.month == month)
    )
    if within is not None:
        stmt = stmt.where(within_node(within, org_replica.c.path, org_replica.c.id, org_replica.c.path))
    return stmt


async def monthly_totals(session: AsyncSession, ctx: MembersContext, *, month: date, within: uuid.UUID | None) -> list[DuesTotal]:
    """Per organization (the one holding the member when the month was assessed), in SQL."""
    settled = or_(DuesMonth.due_fen == 0, DuesMonth.paid_fen >= DuesMonth.due_fen)
    stmt = (
        select(
            DuesMonth.org_id,
            org_replica.c.name,
            func.count(),
            func.coalesce(func.sum(DuesMonth.due_fen), 0),
            func.coalesce(func.sum(DuesMonth.paid_fen), 0),
            func.sum(case((settled, 0), else_=1)),
        )
        .join(org_replica, org_replica.c.id == DuesMonth.org_id)
        .where(in_scope(ctx.caller), DuesMonth.month == month)
        .group_by(DuesMonth.org_id, org_replica.c.name)
        .order_by(org_replica.c.name, DuesMonth.org_id)
    )
    if within is not None:
        stmt = stmt.where(within_node(within, org_replica.c.path, org_replica.c.id, org_replica.c.path))
    return [
        DuesTotal(
            org_id=r[0],
            org_name=r[1],
            month=month_label(month),
            members=int(r[2]),
            due_fen=int(r[3]),
            paid_fen=int(r[4]),
            unpaid_members=int(r[5] or 0),
        )
        for r in (await session.execute(stmt)).all()
    ]


EXPORT_HEADERS = (
    "黨組織",
    "姓名",
    "月份",
    "黨費類別",
    "稅後月收入(元)",
    "比例",
    "應繳標準(元)",
    "應繳(元)",
    "減免",
    "減免批准",
    "實繳(元)",
    "繳納日期",
    "代繳人",
    "未繳原因",
)


async def export_month(session: AsyncSession, ctx: MembersContext, *, month: date, within: uuid.UUID | None) -> bytes:
    """The treasurer's xlsx of one month: Chinese headers, amounts in yuan with two decimals."""
    stmt = (
        _month_rows(ctx, month, within)
        .join(Member, counties.joined_with_records(DuesMonth))
        .add_columns(org_replica.c.name.label("org_name"), Member.name.label("member_name"))
        .order_by(org_replica.c.name, Member.name, DuesMonth.id)
        .limit(ctx.policy.export_max_rows)
    )
    rows = (await session.execute(stmt)).all()
    # Those who paid for another are read apart: a payer may be in another county (another shard).
    payer_ids = {row.paid_by_member_id for row, *_ in rows if row.paid_by_member_id is not None}
    payers = dict((await session.execute(select(Member.id, Member.name).where(Member.id.in_(payer_ids)))).all())
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(f"黨費{month_label(month)}")
    sheet.append(list(EXPORT_HEADERS))

    def yuan(fen: int | None) -> float | None:
        return None if fen is None else fen / 100

    for row, org_name, member_name in rows:
        payer_name = payers.get(row.paid_by_member_id) if row.paid_by_member_id else None
        approval = f"{row.reduction_approved_by} {row.reduction_approved_on.isoformat()}" if row.reduction_approved_on else None
        cells = [
            escape_cell(org_name),
            escape_cell(member_name),
            month_label(row.month),
            DuesCategory(row.category).zh_hant,
            yuan(row.base_fen),
            f"{row.rate_bp / 100:g}%" if row.rate_bp is not None else None,
            yuan(row.standard_fen),
            yuan(row.due_fen),
            DuesReduction(row.reduction).zh_hant if row.reduction else None,
            escape_cell(approval) if approval else None,
            yuan(row.paid_fen),
            row.paid_on.isoformat() if row.paid_on else None,
            escape_cell(payer_name) if payer_name else None,
            escape_cell(row.unpaid_reason) if row.unpaid_reason else None,
        ]
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
