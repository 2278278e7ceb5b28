"""Floating members' periodic reports (定期匯報): the member files them through
`/api/v1/me/floating-reports`; administrators read them at `/api/v1/floating-reports` and find the
missing ones on the work list `/api/v1/members/worklists/floating-reports`."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from services.kit.db import ReadSessionDep, WriteSessionDep
from services.kit.idempotency import Idempotent
from services.kit.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery, Page
from services.kit.problems import answers
from services.members.errors import INVALID_FLOATING_REPORT, NOT_FLOATING, NOT_FOUND
from services.members.routes.deps import ReaderContext, SelfContext
from services.members.schemas.floating_reports import FloatingReport, FloatingReportCreate
from services.members.service import floating_reports

own = APIRouter(prefix="/api/v1/me/floating-reports", tags=["own view"])
router = APIRouter(prefix="/api/v1/floating-reports", tags=["floating reports"])


@own.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=FloatingReport,
    dependencies=[Idempotent],
    responses=answers(NOT_FOUND, NOT_FLOATING, INVALID_FLOATING_REPORT),
)
async def submit(data: FloatingReportCreate, session: WriteSessionDep, ctx: SelfContext) -> FloatingReport:
    """Report where the caller is, what work they do, which organizational life they attended."""
    return await floating_reports.submit(session, ctx, data)


@own.get("", response_model=list[FloatingReport], responses=answers(NOT_FOUND))
async def list_own(session: ReadSessionDep, ctx: SelfContext) -> list[FloatingReport]:
    return await floating_reports.list_own(session, ctx)


@router.get("", response_model=Page[FloatingReport])
async def list_for_review(
    session: ReadSessionDep,
    ctx: ReaderContext,
    within: Annotated[uuid.UUID | None, Query(description="Only members of this organization's subtree")] = None,
    member_id: uuid.UUID | None = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
) -> Page[FloatingReport]:
    """Reports of members held in the caller's scope, newest first."""
    items, next_cursor = await floating_reports.list_for_review(
        session, ctx, within=within, member_id=member_id, cursor=cursor, limit=limit
    )
    return Page(items=items, next_cursor=next_cursor)
