"""`/api/v1/dues`: the dues ledger (黨費) per member and month, the unpaid list, monthly totals, the treasurer's xlsx."""

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status

from services.kit.db import ReadSessionDep, WriteSessionDep
from services.kit.idempotency import Idempotent
from services.kit.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery, Page
from services.kit.problems import answers
from services.kit.versioning import UpsertPreconditionsDep, set_etag
from services.members.errors import BACK_PAYMENT_TOO_OLD, DUES_PAID, DUES_RULE, NOT_FOUND
from services.members.routes.deps import ReaderContext, WriterContext
from services.members.rules.dues import parse_month
from services.members.schemas.dues import (
    MONTH_PATTERN,
    DuesAssess,
    DuesMonthOut,
    DuesPayment,
    DuesReductionCreate,
    DuesTotal,
    DuesUnpaid,
)
from services.members.service import dues
from services.members.service.tabular import XLSX_MEDIA_TYPE

router = APIRouter(prefix="/api/v1/dues", tags=["dues"])

MonthPath = Annotated[str, Path(max_length=7, pattern=MONTH_PATTERN, description="YYYY-MM")]
MonthQuery = Annotated[str, Query(max_length=7, pattern=MONTH_PATTERN, description="YYYY-MM")]
OptionalMonth = Annotated[str | None, Query(max_length=7, pattern=MONTH_PATTERN, description="YYYY-MM")]
Within = Annotated[uuid.UUID | None, Query(description="Only this organization's subtree")]


@router.get("/unpaid", response_model=Page[DuesUnpaid])
async def unpaid(
    session: ReadSessionDep,
    ctx: ReaderContext,
    as_of: Annotated[date | None, Query(description="The day the months are counted to (default today)")] = None,
    within: Within = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
) -> Page[DuesUnpaid]:
    """Members with the policy's months unpaid (before the current one) and no reason recorded."""
    items, next_cursor = await dues.unpaid_members(
        session, ctx, as_of=as_of or ctx.today, within=within, cursor=cursor, limit=limit
    )
    return Page(items=items, next_cursor=next_cursor)


@router.get("/totals", response_model=list[DuesTotal])
async def totals(session: ReadSessionDep, ctx: ReaderContext, month: MonthQuery, within: Within = None) -> list[DuesTotal]:
    """Per organization: members assessed, amounts due and paid (fen), members not settled."""
    return await dues.monthly_totals(session, ctx, month=parse_month(month), within=within)


@router.get("/export", response_class=Response, responses={200: {"content": {XLSX_MEDIA_TYPE: {}}}})
async def export(session: ReadSessionDep, ctx: ReaderContext, month: MonthQuery, within: Within = None) -> Response:
    """The month's ledger for the treasurer as xlsx (Chinese headers, yuan)."""
    content = await dues.export_month(session, ctx, month=parse_month(month), within=within)
    return Response(
        content, media_type=XLSX_MEDIA_TYPE, headers={"Content-Disposition": f'attachment; filename="dues-{month}.xlsx"'}
    )


@router.get("/{member_id}", response_model=list[DuesMonthOut], responses=answers(NOT_FOUND))
async def member_ledger(
    member_id: uuid.UUID,
    session: ReadSessionDep,
    ctx: ReaderContext,
    month_from: OptionalMonth = None,
    month_to: OptionalMonth = None,
) -> list[DuesMonthOut]:
    rows = await dues.ledger(
        session,
        ctx,
        member_id,
        month_from=parse_month(month_from) if month_from else None,
        month_to=parse_month(month_to) if month_to else None,
    )
    return rows


@router.put(
    "/{member_id}/{month}",
    response_model=DuesMonthOut,
    responses={201: {"model": DuesMonthOut}, **answers(NOT_FOUND, DUES_RULE, DUES_PAID)},
)
async def assess(
    member_id: uuid.UUID,
    month: MonthPath,
    data: DuesAssess,
    session: WriteSessionDep,
    ctx: WriterContext,
    response: Response,
    preconditions: UpsertPreconditionsDep,
) -> DuesMonthOut:
    """The month's category and base; the rate and amount due are computed from the policy (201 when new).

    Creating the month needs no `If-Match` (`If-None-Match: *` makes sure it is new: 412 if it exists);
    replacing an assessed month needs `If-Match` with its ETag (`"<version>"` of the ledger or the last
    answer): 428 without, 412 if it changed since."""
    row, created = await dues.assess(session, ctx, member_id, parse_month(month), data, preconditions=preconditions)
    if created:
        response.status_code = status.HTTP_201_CREATED
    set_etag(response, row.version)
    return row


@router.post(
    "/{member_id}/{month}/payment",
    response_model=DuesMonthOut,
    dependencies=[Idempotent],
    responses=answers(NOT_FOUND, DUES_RULE, BACK_PAYMENT_TOO_OLD, DUES_PAID),
)
async def pay(
    member_id: uuid.UUID, month: MonthPath, data: DuesPayment, session: WriteSessionDep, ctx: WriterContext
) -> DuesMonthOut:
    """The payment of exactly the amount due, by the member or another (代繳); back payments at most the policy's months."""
    return await dues.pay(session, ctx, member_id, parse_month(month), data)


@router.post(
    "/{member_id}/{month}/reduction",
    response_model=DuesMonthOut,
    dependencies=[Idempotent],
    responses=answers(NOT_FOUND, DUES_RULE, DUES_PAID),
)
async def reduce(
    member_id: uuid.UUID, month: MonthPath, data: DuesReductionCreate, session: WriteSessionDep, ctx: WriterContext
) -> DuesMonthOut:
    """減交 (an approved lower amount) or 免交 (nothing due), with who approved it, when and why."""
    return await dues.reduce(session, ctx, member_id, parse_month(month), data)
