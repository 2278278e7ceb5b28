"""What every area shares: the operation context, the caller's scope on the org replica, and the
references a request names (checked inside the caller's scope)."""

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import Request
from sqlalchemy import ColumnElement, Row, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.activities import errors
from services.activities.models import member_replica, org_replica
from services.activities.rules import ActivitiesPolicy
from services.kit.context import OperationContext
from services.kit.problems import NotFound
from services.kit.tree import within_node


@dataclass(frozen=True)
class ActivitiesContext(OperationContext[ActivitiesPolicy]):
    """The operation context of this service, with the folder the attachments are stored under."""

    data_dir: Path

    @classmethod
    def extras(cls, request: Request) -> dict[str, Any]:
        return {"data_dir": Path(request.app.state.settings.data_dir)}


def in_scope(ctx: ActivitiesContext) -> ColumnElement[bool]:
    """Organizations of the replica inside the caller's scope (decided inside the query)."""
    return within_node(ctx.scope, org_replica.c.path, org_replica.c.id, org_replica.c.path)


async def referenced_org(session: AsyncSession, ctx: ActivitiesContext, org_id: uuid.UUID, *, field: str = "org_id") -> Row[Any]:
    """An organization named in a request body: unknown or out of scope is a 422 on that field."""
    row = (await session.execute(select(org_replica).where(org_replica.c.id == org_id, in_scope(ctx)))).first()
    if row is None:
        raise errors.UNKNOWN_ORGANIZATION.on(field, "unknown organization", detail="The organization does not exist")
    return row


async def scope_root(session: AsyncSession, ctx: ActivitiesContext, org_id: uuid.UUID) -> Row[Any]:
    """The organization a report is `within`: unknown or out of scope is a 404."""
    row = (await session.execute(select(org_replica).where(org_replica.c.id == org_id, in_scope(ctx)))).first()
    if row is None:
        raise NotFound("Organization", org_id)
    return row


async def referenced_member(
    session: AsyncSession, ctx: ActivitiesContext, member_id: uuid.UUID, *, field: str = "member_id", scoped: bool = True
) -> Row[Any]:
    """A member named in a request body; `scoped`: one outside the caller's subtree is as unknown as
    none (decided in the query)."""
    stmt = select(member_replica).where(member_replica.c.id == member_id)
    if scoped and ctx.scope is not None:
        stmt = stmt.where(member_replica.c.org_id.in_(select(org_replica.c.id).where(in_scope(ctx))))
    row = (await session.execute(stmt)).first()
    if row is None:
        raise errors.UNKNOWN_MEMBER.on(field, "unknown member", detail="The member does not exist")
    return row
