"""Change requests: a member asks through `/api/v1/me/change-requests`; an administrator whose
scope holds the member reviews at `/api/v1/change-requests`."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from services.kit.db import ReadSessionDep, WriteSessionDep
from services.kit.filenames import content_disposition
from services.kit.idempotency import Idempotent
from services.kit.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery, Page
from services.kit.problems import answers
from services.members.enums import ChangeRequestStatus
from services.members.errors import CHANGE_REQUEST_DECIDED, CHANGE_REQUEST_OPEN, INVALID_CHANGE_REQUEST, NOT_FOUND
from services.members.routes.deps import ReaderContext, SelfContext, WriterContext
from services.members.schemas.change_requests import ChangeRequest, ChangeRequestCreate, ChangeRequestDecision
from services.members.service import change_requests

own = APIRouter(prefix="/api/v1/me/change-requests", tags=["own view"])
router = APIRouter(prefix="/api/v1/change-requests", tags=["change requests"])


@own.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=ChangeRequest,
    dependencies=[Idempotent],
    responses=answers(NOT_FOUND, INVALID_CHANGE_REQUEST, CHANGE_REQUEST_OPEN),
)
async def submit(data: ChangeRequestCreate, session: WriteSessionDep, ctx: SelfContext) -> ChangeRequest:
    """Ask for a change of the caller's own phone, address or education (with its evidence)."""
    return await change_requests.submit(session, ctx, data)


@own.get("", response_model=list[ChangeRequest], responses=answers(NOT_FOUND))
async def list_own(session: ReadSessionDep, ctx: SelfContext) -> list[ChangeRequest]:
    """The caller's change requests and how each was decided."""
    return await change_requests.list_own(session, ctx)


@router.get("", response_model=Page[ChangeRequest])
async def list_for_review(
    session: ReadSessionDep,
    ctx: ReaderContext,
    within: Annotated[uuid.UUID | None, Query(description="Only members of this organization's subtree")] = None,
    member_id: uuid.UUID | None = None,
    status: ChangeRequestStatus | None = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
) -> Page[ChangeRequest]:
    """Change requests of members in the caller's scope, oldest first (`status=pending`: to review)."""
    items, next_cursor = await change_requests.list_for_review(
        session, ctx, within=within, member_id=member_id, status=status, cursor=cursor, limit=limit
    )
    return Page(items=items, next_cursor=next_cursor)


@router.get("/{request_id}", response_model=ChangeRequest, responses=answers(NOT_FOUND))
async def get_for_review(request_id: uuid.UUID, session: ReadSessionDep, ctx: ReaderContext) -> ChangeRequest:
    return await change_requests.get_for_review(session, ctx, request_id)


@router.get(
    "/{request_id}/evidence",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}, "image/png": {}, "image/jpeg": {}}}, **answers(NOT_FOUND)},
)
async def evidence(request_id: uuid.UUID, session: ReadSessionDep, ctx: ReaderContext) -> Response:
    """The evidence file the member attached."""
    content, media_type, filename = await change_requests.evidence_of(session, ctx, request_id)
    return Response(content, media_type=media_type, headers={"Content-Disposition": content_disposition(filename)})


@router.post(
    "/{request_id}/decision",
    response_model=ChangeRequest,
    dependencies=[Idempotent],
    responses=answers(NOT_FOUND, INVALID_CHANGE_REQUEST, CHANGE_REQUEST_DECIDED),
)
async def decide(
    request_id: uuid.UUID, data: ChangeRequestDecision, session: WriteSessionDep, ctx: WriterContext
) -> ChangeRequest:
    """Approve (the change is applied; the history names the member and the reviewer) or reject
    with the reason (nothing changes)."""
    return await change_requests.decide(session, ctx, request_id, data)
