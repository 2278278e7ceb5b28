"""What every area shares: the operation context, the caller's scope on the org replica, and the
references a request names (checked inside the caller's scope)."""

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import Request
from sqlalchemy import ColumnElement, Row, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.activities import errors
from services.activities.models import community_replica, member_replica, org_replica, unit_replica
from services.activities.rules import ActivitiesPolicy
from services.kit.context import OperationContext
from services.kit.problems import NotFound, field_error
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


def _members_in_scope(ctx: ActivitiesContext, member_ids: list[uuid.UUID]) -> Any:
    """The replica's members among `member_ids` whose organization is in the caller's subtree."""
    stmt = select(member_replica).where(member_replica.c.id.in_(member_ids))
    if ctx.scope is not None:
        stmt = stmt.where(member_replica.c.org_id.in_(select(org_replica.c.id).where(in_scope(ctx))))
    return stmt


async def referenced_member(
    session: AsyncSession, ctx: ActivitiesContext, member_id: uuid.UUID, *, field: str = "member_id"
) -> Row[Any]:
    """A member named in a request body: one outside the caller's subtree is as unknown as none
    (decided in the query), so that the answer tells nothing of other townships' ids."""
    row = (await session.execute(_members_in_scope(ctx, [member_id]))).first()
    if row is None:
        raise errors.UNKNOWN_MEMBER.on(field, "unknown member", detail="The member does not exist")
    return row


async def referenced_members(session: AsyncSession, ctx: ActivitiesContext, member_ids: list[uuid.UUID], *, field: str) -> None:
    """Members named in a list of a request body, checked as `referenced_member`: every one
    unknown or out of scope is an error at its index (`field.<i>`)."""
    await referenced_members_at(session, ctx, [(f"{field}.{index}", m) for index, m in enumerate(member_ids)])


async def referenced_members_at(session: AsyncSession, ctx: ActivitiesContext, named: list[tuple[str, uuid.UUID]]) -> None:
    """Members named at several places of a request body (`(field, id)` pairs), checked as
    `referenced_member`: every one unknown or out of scope is an error on its own field."""
    wanted = list(dict.fromkeys(member_id for _, member_id in named))
    found: set[uuid.UUID] = set()
    for start in range(0, len(wanted), 1000):
        chunk = wanted[start : start + 1000]
        found.update(row.id for row in (await session.execute(_members_in_scope(ctx, chunk))).all())
    unknown = [field_error(field, "unknown member") for field, m in named if m not in found]
    if unknown:
        raise errors.UNKNOWN_MEMBER("The member does not exist", errors=unknown)


def _units_in_scope(ctx: ActivitiesContext, unit_ids: list[uuid.UUID]) -> Any:
    """The replica's units among `unit_ids` whose community's township or party organization is in
    the caller's subtree (as the orgs service scopes units)."""
    stmt = select(unit_replica.c.id).where(unit_replica.c.id.in_(unit_ids))
    if ctx.scope is not None:
        scoped_orgs = select(org_replica.c.id).where(in_scope(ctx))
        stmt = stmt.where(
            exists().where(
                community_replica.c.id == unit_replica.c.community_id,
                or_(community_replica.c.township_org_id.in_(scoped_orgs), community_replica.c.party_org_id.in_(scoped_orgs)),
            )
        )
    return stmt


async def referenced_units(session: AsyncSession, ctx: ActivitiesContext, unit_ids: list[uuid.UUID], *, field: str) -> None:
    """Community units named in a list of a request body: one outside the caller's subtree is as
    unknown as none (decided in the query); every such one is an error at its index (`field.<i>`)."""
    found = set((await session.scalars(_units_in_scope(ctx, list(set(unit_ids))))).all())
    unknown = [field_error(f"{field}.{index}", "unknown unit") for index, u in enumerate(unit_ids) if u not in found]
    if unknown:
        raise errors.UNKNOWN_UNIT("The community unit does not exist", errors=unknown)
