"""A member's own view (`/api/v1/me/...`): their record with the ID number in full (announced as
any unmasked read), its history, their dues ledger and their transfers. Every query is keyed by
the caller's own member id, never by an id from the request: there is nothing to ask about a
neighbour."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.db import on_its_shard
from services.members.errors import NOT_FOUND
from services.members.models import DuesMonth, Member, MemberEventRow, Transfer
from services.members.schemas.dues import DuesMonthOut
from services.members.schemas.records import Member as MemberOut
from services.members.schemas.records import MemberEvent
from services.members.schemas.transfers import Transfer as TransferOut
from services.members.service import counties
from services.members.service.common import MembersContext, present
from services.members.service.dues import present_month
from services.members.service.transfers import present_transfer


async def own_member(session: AsyncSession, ctx: MembersContext, *, for_update: bool = False) -> Member:
    """The caller's own record (`kit.auth.admits_self` let only a linked account in)."""
    stmt = select(Member).where(Member.id == ctx.caller.member_id)
    if for_update and ctx.caller.member_id is not None:
        stmt = stmt.where(await on_its_shard(session, Member, ctx.caller.member_id)).with_for_update()
    member = (await session.execute(stmt)).scalar_one_or_none()
    if member is None:
        raise NOT_FOUND("The member record linked to this account was not found")
    return member


async def record(session: AsyncSession, ctx: MembersContext) -> MemberOut:
    return present(await own_member(session, ctx), ctx)


async def history(session: AsyncSession, ctx: MembersContext) -> list[MemberEvent]:
    member = await own_member(session, ctx)
    stmt = select(MemberEventRow).where(MemberEventRow.member_id == member.id).order_by(MemberEventRow.seq)
    return [MemberEvent.model_validate(event) for event in (await session.execute(stmt)).scalars().all()]


async def dues(session: AsyncSession, ctx: MembersContext) -> list[DuesMonthOut]:
    member = await own_member(session, ctx)
    stmt = select(DuesMonth).where(counties.beside(member, DuesMonth)).order_by(DuesMonth.month)
    return [present_month(row) for row in (await session.execute(stmt)).scalars().all()]


async def transfers(session: AsyncSession, ctx: MembersContext) -> list[TransferOut]:
    member = await own_member(session, ctx)
    stmt = select(Transfer).where(counties.beside(member, Transfer)).order_by(Transfer.requested_on, Transfer.id)
    return [present_transfer(transfer, ctx) for transfer in (await session.execute(stmt)).scalars().all()]
