"""One-time codes that link a member's account to their record (the self-service way; the other
is a security administrator's role assignment at the gateway). The community's administrator
issues a code for a member in scope; the member types it with their ID number into the gateway,
which redeems it here. Only a keyed hash of the code (bound to the member) is kept; a code
expires after the policy's minutes, is good once, and dies after the policy's wrong tries; a new
code ends the member's earlier ones."""

import hmac
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.members.models import LinkCode
from services.members.rules.link_codes import may_be_tried, new_code, normalized
from services.members.rules.records import normalize_id_number
from services.members.schemas.link_codes import LinkCodeIssued, LinkCodeRedeem, LinkCodeRedeemed
from services.members.service import counties, person_index
from services.members.service.common import MembersContext, get_visible

FIELD = "link_code"


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime) -> datetime:
    # SQLite gives stored times back without their zone; they were written in UTC.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _index(ctx: MembersContext, member_id: uuid.UUID, code: str) -> str:
    return ctx.cipher.blind_index(FIELD, f"{member_id}:{code}")


async def issue(session: AsyncSession, ctx: MembersContext, member_id: uuid.UUID) -> LinkCodeIssued:
    member = await get_visible(session, ctx, member_id, for_update=True)
    now = _now()
    await session.execute(
        update(LinkCode).where(counties.beside(member, LinkCode), LinkCode.used_at.is_(None)).values(expires_at=now)
    )
    code = new_code()
    expires_at = now + timedelta(minutes=ctx.policy.link_code_valid_minutes)
    session.add(
        LinkCode(
            id=uuid.uuid4(),
            member_id=member.id,
            county_id=member.county_id,
            code_index=_index(ctx, member.id, code),
            expires_at=expires_at,
            failed_attempts=0,
            issued_by=ctx.actor,
        )
    )
    await session.flush()
    return LinkCodeIssued(code=code, member_id=member.id, expires_at=expires_at)


async def redeem(session: AsyncSession, ctx: MembersContext, data: LinkCodeRedeem) -> LinkCodeRedeemed:
    """The member whose open record has this ID number and whose open code this is; a wrong code
    counts against the member's open codes. Nothing tells an unknown number from a wrong code."""
    id_index = ctx.cipher.blind_index("id_number", normalize_id_number(data.id_number))
    placed = await person_index.open_record_placed(session, id_index)
    if placed is None:
        return LinkCodeRedeemed(member_id=None)
    member_id, county = placed
    now = _now()
    # Named with the record's county, the locking read goes to the record's one shard on Citus.
    mine = select(LinkCode).where(LinkCode.member_id == member_id, LinkCode.county_id == county)
    codes = (await session.execute(mine.with_for_update())).scalars().all()
    open_codes = [
        code
        for code in codes
        if may_be_tried(
            expires_at=_aware(code.expires_at),
            used_at=code.used_at,
            failed_attempts=code.failed_attempts,
            max_attempts=ctx.policy.link_code_max_attempts,
            now=now,
        )
    ]
    typed = _index(ctx, member_id, normalized(data.code))
    for code in open_codes:
        if hmac.compare_digest(code.code_index, typed):
            code.used_at = now
            await session.flush()
            return LinkCodeRedeemed(member_id=member_id)
    for code in open_codes:
        code.failed_attempts += 1
    await session.flush()
    return LinkCodeRedeemed(member_id=None)
