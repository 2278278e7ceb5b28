"""Relationship transfers (組織關係轉接): request → approved (letter) → received; or rejected,
cancelled, expired. The member moves only when the transfer is received.

A transfer is seen by both its sides; each step is taken by the side it belongs to
(`rules.transfers.side_of_step`): a step of the other side on a transfer the caller sees is a
403, a transfer the caller does not see at all a 404."""

import uuid
from datetime import date
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.db import on_its_shard
from services.kit.pagination import keyset_page, page_of
from services.kit.problems import Problem, ProblemKind
from services.members.enums import MemberEventKind, MemberState, TransferKind, TransferSide, TransferStatus, Whereabouts
from services.members.errors import (
    INVALID_TRANSFER,
    LETTER_EXPIRED,
    NOT_FOUND,
    ORGANIZATION_CANNOT_HOLD_MEMBERS,
    OTHER_SIDE,
    TRANSFER_NOT_OPEN,
    TRANSFER_UNDER_WAY,
)
from services.members.models import Member, Transfer, org_replica
from services.members.rules.records import CLOSED_STATES
from services.members.rules.transfers import letter_valid_until, side_of_step
from services.members.schemas.transfers import Transfer as TransferOut
from services.members.schemas.transfers import TransferApprove, TransferClose, TransferCreate, TransferReceive
from services.members.service import counties, person_index
from services.members.service.common import MembersContext, add_history, get_visible, in_scope, org_holding_error, publish

OPEN_STATUSES = (TransferStatus.requested, TransferStatus.approved)


def effective_status(transfer: Transfer, today: date) -> str:
    if transfer.status == TransferStatus.approved and transfer.valid_until is not None and transfer.valid_until < today:
        return TransferStatus.expired.value
    return transfer.status


def present_transfer(transfer: Transfer, ctx: MembersContext) -> TransferOut:
    shown = TransferOut.model_validate(transfer)
    return shown.model_copy(update={"status": TransferStatus(effective_status(transfer, ctx.today))})


def _in_scope_org_ids(ctx: MembersContext) -> Any:
    return select(org_replica.c.id).where(in_scope(ctx.caller))


def _visible_transfers(ctx: MembersContext) -> Any:
    orgs = _in_scope_org_ids(ctx)
    return select(Transfer).where(or_(Transfer.from_org_id.in_(orgs), Transfer.to_org_id.in_(orgs)))


async def get_transfer(session: AsyncSession, ctx: MembersContext, transfer_id: uuid.UUID) -> TransferOut:
    return present_transfer(await _get(session, ctx, transfer_id), ctx)


async def visible_transfer(session: AsyncSession, ctx: MembersContext, transfer_id: uuid.UUID) -> Transfer:
    """The transfer when either of its sides is in the caller's scope (else a 404)."""
    return await _get(session, ctx, transfer_id)


async def _get(session: AsyncSession, ctx: MembersContext, transfer_id: uuid.UUID, *, for_update: bool = False) -> Transfer:
    stmt = _visible_transfers(ctx).where(Transfer.id == transfer_id)
    if for_update:
        stmt = stmt.where(await on_its_shard(session, Transfer, transfer_id)).with_for_update()
    transfer: Transfer | None = (await session.execute(stmt)).scalar_one_or_none()
    if transfer is None:
        raise NOT_FOUND(f"Transfer {transfer_id} was not found")
    return transfer


async def _sides_held(session: AsyncSession, ctx: MembersContext, transfer: Transfer) -> set[TransferSide]:
    """The sides of `transfer` in the caller's scope: sending if the organization the member
    leaves is in it, receiving if the one they join is."""
    sides = {TransferSide.sending: transfer.from_org_id, TransferSide.receiving: transfer.to_org_id}
    ids = [org_id for org_id in sides.values() if org_id is not None]
    held = set(await session.scalars(select(org_replica.c.id).where(org_replica.c.id.in_(ids), in_scope(ctx.caller))))
    return {side for side, org_id in sides.items() if org_id in held}


async def _for_step(session: AsyncSession, ctx: MembersContext, transfer_id: uuid.UUID, step: TransferStatus) -> Transfer:
    """The transfer locked for `step`, once the caller is found to hold the side the step is for."""
    transfer = await _get(session, ctx, transfer_id, for_update=True)
    status = TransferStatus(effective_status(transfer, ctx.today))
    side = side_of_step(TransferKind(transfer.kind), status, step)
    if side is not None and side not in await _sides_held(session, ctx, transfer):
        raise OTHER_SIDE(f"This step of the transfer is the {side.value} side's ({side.zh_hans})")
    return transfer


async def list_transfers(
    session: AsyncSession,
    ctx: MembersContext,
    *,
    member_id: uuid.UUID | None,
    status: TransferStatus | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[TransferOut], str | None]:
    stmt = _visible_transfers(ctx)
    if member_id is not None:
        stmt = stmt.where(Transfer.member_id == member_id)
    if status == TransferStatus.expired:
        stmt = stmt.where(Transfer.status == TransferStatus.approved, Transfer.valid_until < ctx.today)
    elif status == TransferStatus.approved:
        stmt = stmt.where(Transfer.status == TransferStatus.approved, Transfer.valid_until >= ctx.today)
    elif status is not None:
        stmt = stmt.where(Transfer.status == status.value)
    rows = (await session.execute(keyset_page(stmt, [Transfer.id], cursor, limit))).scalars().all()
    transfers, next_cursor = page_of(rows, limit, lambda t: [t.id])
    return [present_transfer(t, ctx) for t in transfers], next_cursor


def _refuse(message: str, field: str = "kind", kind: ProblemKind = INVALID_TRANSFER) -> Problem:
    return kind.on(field, message, detail=message)


async def _check_destination(session: AsyncSession, ctx: MembersContext, member: Member, data: TransferCreate) -> str | None:
    """The outside organization's name when the kind of transfer fits the member and the destination holds members."""
    not_transferred = member.whereabouts == Whereabouts.not_transferred
    external = data.external_org
    if data.kind == TransferKind.in_:
        if not not_transferred:
            raise _refuse(f"only a member whose relationship is elsewhere ('{Whereabouts.not_transferred}') can transfer in")
        external = external or member.whereabouts_details.get("relationship_org")
    elif not_transferred:
        raise _refuse(f"the relationship of a '{Whereabouts.not_transferred}' member is not here to transfer")
    if data.kind == TransferKind.out:
        if not external:
            raise _refuse("a transfer out names the organization outside", "external_org")
        if data.to_org_id is not None:
            raise _refuse("a transfer out has no receiving organization here", "to_org_id")
        return external
    if data.to_org_id is None:
        raise _refuse("the receiving organization is required", "to_org_id")
    if data.to_org_id == member.org_id and data.kind == TransferKind.within:
        raise _refuse("the member is already there", "to_org_id")
    # Within the system the receiving organization may be outside the caller's scope (another
    # township); a transfer in has no sending side here, so its receiver is the caller's own.
    reason = await org_holding_error(session, ctx.caller if data.kind == TransferKind.in_ else None, data.to_org_id)
    if reason:
        raise _refuse(reason, "to_org_id", ORGANIZATION_CANNOT_HOLD_MEMBERS)
    return external


async def request_transfer(session: AsyncSession, ctx: MembersContext, data: TransferCreate) -> TransferOut:
    member = await get_visible(session, ctx, data.member_id, for_update=True)
    if member.state in CLOSED_STATES:
        raise _refuse(f"the member is {member.state}", "member_id")
    if data.requested_on > ctx.today:
        raise _refuse("is in the future", "requested_on")
    external = await _check_destination(session, ctx, member, data)
    pending = await session.scalar(
        select(Transfer.id).where(counties.beside(member, Transfer), Transfer.status.in_(OPEN_STATUSES))
    )
    if pending is not None:
        raise TRANSFER_UNDER_WAY("The member already has a transfer under way")
    transfer = Transfer(
        member_id=member.id,
        county_id=member.county_id,
        kind=data.kind.value,
        from_org_id=member.org_id,
        to_org_id=data.to_org_id,
        external_org=external,
        across_provinces=data.across_provinces,
        letter_number=data.letter_number,
        status=TransferStatus.requested.value,
        requested_on=data.requested_on,
        reason=data.reason,
        version=1,
    )
    session.add(transfer)
    await session.flush()
    return present_transfer(transfer, ctx)


def _check_open(transfer: Transfer, ctx: MembersContext, on: date, *, allowed: tuple[TransferStatus, ...]) -> None:
    status = effective_status(transfer, ctx.today)
    if status not in allowed:
        raise TRANSFER_NOT_OPEN(f"The transfer is {status}")
    if on > ctx.today:
        raise _refuse("is in the future", "decided_on")
    if on < transfer.requested_on:
        raise _refuse("is before the request", "decided_on")


async def approve(session: AsyncSession, ctx: MembersContext, transfer_id: uuid.UUID, data: TransferApprove) -> TransferOut:
    transfer = await _for_step(session, ctx, transfer_id, TransferStatus.approved)
    _check_open(transfer, ctx, data.decided_on, allowed=(TransferStatus.requested,))
    letter = data.letter_number or transfer.letter_number
    if not letter:
        raise _refuse("an approved transfer carries an introduction letter number", "letter_number")
    issued_on = data.issued_on or data.decided_on
    transfer.status = TransferStatus.approved.value
    transfer.letter_number = letter
    transfer.issued_on = issued_on
    transfer.valid_until = letter_valid_until(issued_on, across_provinces=transfer.across_provinces, policy=ctx.policy)
    transfer.decided_on = data.decided_on
    transfer.version += 1
    await session.flush()
    return present_transfer(transfer, ctx)


async def close(
    session: AsyncSession, ctx: MembersContext, transfer_id: uuid.UUID, data: TransferClose, status: TransferStatus
) -> TransferOut:
    """Reject or cancel a transfer that is still open."""
    transfer = await _for_step(session, ctx, transfer_id, status)
    _check_open(transfer, ctx, data.decided_on, allowed=OPEN_STATUSES)
    transfer.status = status.value
    transfer.decided_on = data.decided_on
    if data.reason:
        transfer.reason = data.reason
    transfer.version += 1
    await session.flush()
    return present_transfer(transfer, ctx)


async def receive(session: AsyncSession, ctx: MembersContext, transfer_id: uuid.UUID, data: TransferReceive) -> TransferOut:
    transfer = await _for_step(session, ctx, transfer_id, TransferStatus.received)
    if (
        transfer.status == TransferStatus.approved
        and transfer.valid_until is not None
        and data.received_on > transfer.valid_until
    ):
        raise LETTER_EXPIRED("The introduction letter expired before it was received")
    _check_open(transfer, ctx, data.received_on, allowed=(TransferStatus.approved,))
    locked = select(Member).where(Member.id == transfer.member_id, Member.county_id == transfer.county_id)
    member = (await session.execute(locked.with_for_update())).scalar_one()
    if member.state in CLOSED_STATES:
        raise _refuse(f"the member is {member.state}", "member_id")
    details: dict[str, Any] = {
        "transfer_id": str(transfer.id),
        "kind": transfer.kind,
        "from_org_id": str(transfer.from_org_id) if transfer.from_org_id else None,
        "to_org_id": str(transfer.to_org_id) if transfer.to_org_id else None,
        "external_org": transfer.external_org,
        "letter_number": transfer.letter_number,
    }
    if transfer.kind == TransferKind.out:
        details |= {"from": member.state, "to": MemberState.transferred_out.value}
        member.state = MemberState.transferred_out.value
        member.state_since = data.received_on
        kind = MemberEventKind.state_changed
        await person_index.leave(session, member)
    else:
        assert transfer.to_org_id is not None
        reason = await org_holding_error(session, None, transfer.to_org_id)
        if reason:
            raise _refuse(reason, "to_org_id", ORGANIZATION_CANNOT_HOLD_MEMBERS)
        member.org_id = transfer.to_org_id
        if member.whereabouts == Whereabouts.not_transferred:
            member.whereabouts = Whereabouts.resident.value
            member.whereabouts_since = data.received_on
            member.whereabouts_details = {}
        kind = MemberEventKind.org_changed
    member.version += 1
    transfer.status = TransferStatus.received.value
    transfer.received_on = data.received_on
    transfer.version += 1
    await add_history(session, member.id, kind, effective_on=data.received_on, details=details, actor=ctx.actor)
    await counties.settle(session, Member.id == member.id)  # into another county: the record and its rows move
    await publish(session, "member.transferred", member)
    return present_transfer(transfer, ctx)
