"""`/api/v1/rectifications`: rectifications, their reports, closing and reopening, and turning a
diagnostic into one."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from services.kit.db import ReadSessionDep, WriteSessionDep
from services.kit.idempotency import Idempotent
from services.kit.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery, Page
from services.kit.problems import answers
from services.orgs.enums import RectificationStatus, RectificationStep
from services.orgs.errors import (
    ALREADY_RECTIFYING,
    INACTIVE_REFERENCE,
    INVALID_CURSOR,
    INVALID_REQUEST,
    MISSING_EVIDENCE,
    NO_SUCH_DIAGNOSTIC,
    NOT_FOUND,
    NOT_ISSUER,
    PEER_UNAVAILABLE,
    RULE_VIOLATION,
    UNKNOWN_REFERENCE,
    WRONG_STATE,
)
from services.orgs.routes.deps import ActivitiesDep, MembersDep, Reader, Writer
from services.orgs.schemas.rectifications import (
    FromDiagnosticCreate,
    Rectification,
    RectificationDetail,
    ReportCreate,
    VerdictCreate,
)
from services.orgs.service import rectifications as service

router = APIRouter(prefix="/api/v1/rectifications", tags=["inspections and rectifications"])


@router.post(
    "/from-diagnostic",
    status_code=status.HTTP_201_CREATED,
    response_model=RectificationDetail,
    description="Demand the rectification of a diagnostic (`rule` of `GET /orgs/{id}/diagnostics`) of an organization "
    "below the issuer, re-checked against today's diagnostics: 422 when it does not hold, 409 when it is already being "
    "rectified; 503 when the members service cannot be asked.",
    dependencies=[Idempotent],
    responses=answers(
        INVALID_REQUEST,
        UNKNOWN_REFERENCE,
        INACTIVE_REFERENCE,
        RULE_VIOLATION,
        NO_SUCH_DIAGNOSTIC,
        ALREADY_RECTIFYING,
        PEER_UNAVAILABLE,
    ),
)
async def rectify_diagnostic(
    data: FromDiagnosticCreate, session: WriteSessionDep, ctx: Writer, members: MembersDep
) -> RectificationDetail:
    return await service.from_diagnostic(session, ctx, data, members=members)


@router.get("", response_model=Page[Rectification], responses=answers(NOT_FOUND, INVALID_CURSOR))
async def list_rectifications(
    session: ReadSessionDep,
    ctx: Reader,
    within: Annotated[uuid.UUID | None, Query(description="Of organizations in this subtree")] = None,
    status: RectificationStatus | None = None,
    overdue: Annotated[bool | None, Query(description="Past the deadline and the report still owed")] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
) -> Page[Rectification]:
    items, next_cursor = await service.list_rectifications(
        session, ctx, within=within, status=status, overdue=overdue, cursor=cursor, limit=limit
    )
    return Page(items=items, next_cursor=next_cursor)


@router.get("/{rectification_id}", response_model=RectificationDetail, responses=answers(NOT_FOUND))
async def get_rectification(rectification_id: uuid.UUID, session: ReadSessionDep, ctx: Reader) -> RectificationDetail:
    return await service.detail(session, ctx, rectification_id)


@router.post(
    "/{rectification_id}/report",
    response_model=RectificationDetail,
    description="The organization reports what it did (open or reopened): text, attachment and activity ids "
    "(references to the activities service, each in the caller's scope: 422 `unknown-reference` otherwise, 503 when "
    "the activities service cannot be asked).",
    dependencies=[Idempotent],
    responses=answers(INVALID_REQUEST, NOT_FOUND, WRONG_STATE, MISSING_EVIDENCE, UNKNOWN_REFERENCE, PEER_UNAVAILABLE),
)
async def report_rectification(
    rectification_id: uuid.UUID, data: ReportCreate, session: WriteSessionDep, ctx: Writer, activities: ActivitiesDep
) -> RectificationDetail:
    return await service.report(session, ctx, rectification_id, data, activities=activities)


@router.post(
    "/{rectification_id}/close",
    response_model=RectificationDetail,
    description="The issuer's side closes a reported (or reopened) rectification.",
    dependencies=[Idempotent],
    responses=answers(INVALID_REQUEST, NOT_FOUND, NOT_ISSUER, WRONG_STATE),
)
async def close_rectification(
    rectification_id: uuid.UUID, data: VerdictCreate, session: WriteSessionDep, ctx: Writer
) -> RectificationDetail:
    return await service.verdict(session, ctx, rectification_id, RectificationStep.closed, data)


@router.post(
    "/{rectification_id}/reopen",
    response_model=RectificationDetail,
    description="The issuer's side reopens a reported or closed rectification, saying in `note` what is still wrong.",
    dependencies=[Idempotent],
    responses=answers(INVALID_REQUEST, NOT_FOUND, NOT_ISSUER, WRONG_STATE, RULE_VIOLATION),
)
async def reopen_rectification(
    rectification_id: uuid.UUID, data: VerdictCreate, session: WriteSessionDep, ctx: Writer
) -> RectificationDetail:
    return await service.verdict(session, ctx, rectification_id, RectificationStep.reopened, data)
