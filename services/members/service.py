"""Member record operations. They take a session, flush, and never commit."""

import uuid

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.auth import Caller
from services.kit.pagination import keyset_page, page_of
from services.kit.problems import Unprocessable
from services.kit.tree import within_node
from services.members import rules
from services.members.models import Member, org_replica
from services.members.schemas import MemberCreate


def _caller_orgs(caller: Caller) -> ColumnElement[bool]:
    return within_node(caller.scope_org_id, org_replica.c.path, org_replica.c.id, org_replica.c.path)


async def list_members(
    session: AsyncSession, caller: Caller, *, within: uuid.UUID | None, cursor: str | None, limit: int
) -> tuple[list[Member], str | None]:
    stmt = select(Member).join(org_replica, org_replica.c.id == Member.org_id).where(_caller_orgs(caller))
    if within is not None:
        stmt = stmt.where(within_node(within, org_replica.c.path, org_replica.c.id, org_replica.c.path))
    rows = (await session.execute(keyset_page(stmt, [Member.id], cursor, limit))).scalars().all()
    return page_of(rows, limit, lambda member: [member.id])


async def create_member(session: AsyncSession, caller: Caller, data: MemberCreate) -> Member:
    org = (
        await session.execute(
            select(org_replica.c.kind, org_replica.c.status).where(org_replica.c.id == data.org_id, _caller_orgs(caller))
        )
    ).first()
    if org is None:
        raise Unprocessable(
            "The organization does not exist", slug="unknown-organization", errors=[{"field": "org_id", "message": "unknown"}]
        )
    reason = rules.cannot_hold_members(org.kind, org.status)
    if reason:
        raise Unprocessable(reason, slug="organization-cannot-hold-members", errors=[{"field": "org_id", "message": reason}])
    member = Member(**data.model_dump())
    session.add(member)
    await session.flush()
    return member
