"""What every area shares: the caller's scope on the org replica and references to check."""

import uuid
from typing import Any

from sqlalchemy import ColumnElement, Row, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.activities.models import member_replica, org_replica
from services.kit.auth import Caller
from services.kit.problems import NotFound, Unprocessable
from services.kit.tree import within_node


def in_scope(caller: Caller) -> ColumnElement[bool]:
    """Organizations of the replica inside the caller's scope (decided inside the query)."""
    return within_node(caller.scope_org_id, org_replica.c.path, org_replica.c.id, org_replica.c.path)


def invalid(field: str, message: str, *, slug: str = "rule-violation", detail: str | None = None) -> Unprocessable:
    return Unprocessable(detail or f"{field}: {message}", slug=slug, errors=[{"field": field, "message": message}])


async def referenced_org(session: AsyncSession, caller: Caller, org_id: uuid.UUID, *, field: str = "org_id") -> Row[Any]:
    """An organization named in a request body: unknown or out of scope is a 422 on that field."""
    row = (await session.execute(select(org_replica).where(org_replica.c.id == org_id, in_scope(caller)))).first()
    if row is None:
        raise invalid(field, "unknown organization", slug="unknown-organization", detail="The organization does not exist")
    return row


async def scope_root(session: AsyncSession, caller: Caller, org_id: uuid.UUID) -> Row[Any]:
    """The organization a report is `within`: unknown or out of scope is a 404."""
    row = (await session.execute(select(org_replica).where(org_replica.c.id == org_id, in_scope(caller)))).first()
    if row is None:
        raise NotFound("Organization", org_id)
    return row


async def referenced_member(
    session: AsyncSession, member_id: uuid.UUID, *, field: str = "member_id", caller: Caller | None = None
) -> Row[Any]:
    """A member named in a request body; with `caller`, one outside the caller's subtree is as
    unknown as none (decided in the query)."""
    stmt = select(member_replica).where(member_replica.c.id == member_id)
    if caller is not None and caller.scope_org_id is not None:
        stmt = stmt.where(member_replica.c.org_id.in_(select(org_replica.c.id).where(in_scope(caller))))
    row = (await session.execute(stmt)).first()
    if row is None:
        raise invalid(field, "unknown member", slug="unknown-member", detail="The member does not exist")
    return row
