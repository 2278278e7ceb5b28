"""The probation of a member record (預備期): its extension, recorded as a dated history event
(`probation_extended`), the earliest day the member may become full, which counts it, and
becoming full.

An extension is decided by the branch meeting when the year runs out: recorded here directly, or
by the recruitment pipeline's extension step, which records it on the member the same way."""

import uuid
from datetime import date
from typing import Any

from sqlalchemy import ScalarSelect, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.problems import field_error
from services.members.enums import MemberEventKind, PartyStatus
from services.members.errors import INVALID_FULL_DATE, INVALID_PROBATION_EXTENSION
from services.members.models import Member, MemberEventRow
from services.members.rules.probation import extension_date_errors, extension_errors, full_on_errors, probation_ends_on
from services.members.rules.records import CLOSED_STATES
from services.members.schemas.probation import ProbationExtension
from services.members.schemas.records import BecomeFull
from services.members.schemas.records import Member as MemberOut
from services.members.service.common import MembersContext, add_history, get_visible, present, publish


async def extension_months(session: AsyncSession, member_id: uuid.UUID) -> int:
    """The months the member's probation was extended by (0 when it never was)."""
    stmt = select(MemberEventRow.details).where(
        MemberEventRow.member_id == member_id, MemberEventRow.kind == MemberEventKind.probation_extended
    )
    return sum(int(details.get("months", 0)) for details in (await session.scalars(stmt)).all())


def extension_months_column() -> ScalarSelect[Any]:
    """`extension_months` of the member in the enclosing query, for work lists read in one query."""
    months = MemberEventRow.details["months"].as_integer()
    return (
        select(func.sum(months))
        .where(
            MemberEventRow.member_id == Member.id,
            MemberEventRow.county_id == Member.county_id,  # on the record's shard (service/counties.py)
            MemberEventRow.kind == MemberEventKind.probation_extended,
        )
        .correlate(Member)
        .scalar_subquery()
    )


async def earliest_full_on(session: AsyncSession, ctx: MembersContext, member: Member) -> date:
    """The end of the member's probation: a year after joining, or the end of the recorded extension."""
    return probation_ends_on(member.joined_on, await extension_months(session, member.id), ctx.policy)


async def extend_probation(
    session: AsyncSession, ctx: MembersContext, member_id: uuid.UUID, data: ProbationExtension
) -> MemberOut:
    return present(await record_extension(session, ctx, member_id, data), ctx)


async def record_extension(session: AsyncSession, ctx: MembersContext, member_id: uuid.UUID, data: ProbationExtension) -> Member:
    """The extension on the member's history (once, 6-12 months, while probationary)."""
    member = await get_visible(session, ctx, member_id, for_update=True)
    errors: list[dict[str, Any]]
    if member.party_status != PartyStatus.probationary:
        errors = [field_error("months", "the member is full: only a probation can be extended")]
    elif member.state in CLOSED_STATES:
        errors = [field_error("months", f"the member is {member.state}")]
    else:
        already = await extension_months(session, member.id) > 0
        errors = extension_errors(months=data.months, already_extended=already, policy=ctx.policy)
        errors += extension_date_errors(decided_on=data.decided_on, joined_on=member.joined_on, today=ctx.today)
    if errors:
        raise INVALID_PROBATION_EXTENSION(errors[0]["message"], errors=errors)
    ends_on = probation_ends_on(member.joined_on, data.months, ctx.policy)
    details: dict[str, Any] = {"months": data.months, "probation_ends_on": ends_on.isoformat()}
    if data.reason:
        details["reason"] = data.reason
    member.version += 1
    await add_history(
        session, member.id, MemberEventKind.probation_extended, effective_on=data.decided_on, details=details, actor=ctx.actor
    )
    await session.flush()
    await publish(session, "member.updated", member)
    return member


async def become_full(session: AsyncSession, ctx: MembersContext, member_id: uuid.UUID, data: BecomeFull) -> MemberOut:
    return present(await make_full(session, ctx, member_id, data), ctx)


async def make_full(session: AsyncSession, ctx: MembersContext, member_id: uuid.UUID, data: BecomeFull) -> Member:
    """The probationary member becomes full (the recruitment pipeline's last step does it so)."""
    member = await get_visible(session, ctx, member_id, for_update=True)
    earliest = await earliest_full_on(session, ctx, member)
    errors = full_on_errors(data.full_on, joined_on=member.joined_on, earliest=earliest, today=ctx.today)
    if member.party_status == PartyStatus.full:
        errors = [field_error("full_on", "the member is already full")]
    elif member.state in CLOSED_STATES:
        errors = [field_error("full_on", f"the member is {member.state}")]
    if errors:
        # The probation's end, as a member of its own: a client offers it as the date to pick.
        extra = {"earliest_full_on": earliest.isoformat()} if member.party_status == PartyStatus.probationary else {}
        raise INVALID_FULL_DATE(errors[0]["message"], errors=errors, **extra)
    member.party_status = PartyStatus.full.value
    member.full_on = data.full_on
    member.version += 1
    await add_history(session, member.id, MemberEventKind.became_full, effective_on=data.full_on, details={}, actor=ctx.actor)
    await session.flush()
    await publish(session, "member.updated", member)
    return member
