"""`/api/v1/transfers`: relationship transfers and their workflow."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from services.kit.db import ReadSessionDep, WriteSessionDep
from services.kit.idempotency import Idempotent
from services.kit.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery, Page
from services.kit.problems import answers
from services.members.enums import TransferStatus
from services.members.errors import (
    INVALID_TRANSFER,
    LETTER_EXPIRED,
    NOT_FOUND,
    ORGANIZATION_CANNOT_HOLD_MEMBERS,
    TRANSFER_NOT_OPEN,
    TRANSFER_UNDER_WAY,
)
from services.members.routes.deps import ReaderContext, WriterContext
from services.members.schemas.transfers import Transfer, TransferApprove, TransferClose, TransferCreate, TransferReceive
from services.members.service import transfers

router = APIRouter(prefix="/api/v1/transfers", tags=["transfers"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=Transfer,
    dependencies=[Idempotent],
    responses=answers(NOT_FOUND, INVALID_TRANSFER, ORGANIZATION_CANNOT_HOLD_MEMBERS, TRANSFER_UNDER_WAY),
)
async def request_transfer(data: TransferCreate, session: WriteSessionDep, ctx: WriterContext) -> Transfer:
    """Request a transfer; the member stays where they are until it is received."""
    return await transfers.request_transfer(session, ctx, data)


@router.get("", response_model=Page[Transfer])
async def list_transfers(
    session: ReadSessionDep,
    ctx: ReaderContext,
    member_id: Annotated[uuid.UUID | None, Query()] = None,
    status: TransferStatus | None = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
) -> Page[Transfer]:
    """Transfers whose sending or receiving organization is in the caller's scope."""
    rows, next_cursor = await transfers.list_transfers(
        session, ctx, member_id=member_id, status=status, cursor=cursor, limit=limit
    )
    return Page(items=rows, next_cursor=next_cursor)


@router.get("/{transfer_id}", response_model=Transfer, responses=answers(NOT_FOUND))
async def get_transfer(transfer_id: uuid.UUID, session: ReadSessionDep, ctx: ReaderContext) -> Transfer:
    return await transfers.get_transfer(session, ctx, transfer_id)


@router.post(
    "/{transfer_id}/approve",
    response_model=Transfer,
    dependencies=[Idempotent],
    responses=answers(NOT_FOUND, INVALID_TRANSFER, TRANSFER_NOT_OPEN),
)
async def approve(transfer_id: uuid.UUID, data: TransferApprove, session: WriteSessionDep, ctx: WriterContext) -> Transfer:
    """Approve and issue the introduction letter (valid 3 months, 6 across provinces: policy)."""
    return await transfers.approve(session, ctx, transfer_id, data)


@router.post(
    "/{transfer_id}/receive",
    response_model=Transfer,
    dependencies=[Idempotent],
    responses=answers(NOT_FOUND, INVALID_TRANSFER, ORGANIZATION_CANNOT_HOLD_MEMBERS, TRANSFER_NOT_OPEN, LETTER_EXPIRED),
)
async def receive(transfer_id: uuid.UUID, data: TransferReceive, session: WriteSessionDep, ctx: WriterContext) -> Transfer:
    """The receiving side takes the member in: only now does the member's organization change."""
    return await transfers.receive(session, ctx, transfer_id, data)


@router.post(
    "/{transfer_id}/reject",
    response_model=Transfer,
    dependencies=[Idempotent],
    responses=answers(NOT_FOUND, INVALID_TRANSFER, TRANSFER_NOT_OPEN),
)
async def reject(transfer_id: uuid.UUID, data: TransferClose, session: WriteSessionDep, ctx: WriterContext) -> Transfer:
    return await transfers.close(session, ctx, transfer_id, data, TransferStatus.rejected)


@router.post(
    "/{transfer_id}/cancel",
    response_model=Transfer,
    dependencies=[Idempotent],
    responses=answers(NOT_FOUND, INVALID_TRANSFER, TRANSFER_NOT_OPEN),
)
async def cancel(transfer_id: uuid.UUID, data: TransferClose, session: WriteSessionDep, ctx: WriterContext) -> Transfer:
    return await transfers.close(session, ctx, transfer_id, data, TransferStatus.cancelled)
