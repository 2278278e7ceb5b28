"""Organization tree operations. They take a session, flush, record events, and never commit."""

import uuid

from sqlalchemy import ColumnElement, Select, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.auth import Caller
from services.kit.outbox import record_event
from services.kit.pagination import keyset_page, page_of
from services.kit.problems import NotFound, Unprocessable
from services.kit.tree import child_path, rebased_path, subtree_of, within_node
from services.orgs import rules
from services.orgs.models import Organization, outbox
from services.orgs.schemas import OrgCreate, OrgKind, OrgMove, OrgSnapshot, OrgTier


def in_scope(caller: Caller) -> ColumnElement[bool]:
    return within_node(caller.scope_org_id, Organization.path, Organization.id, Organization.path)


def visible(caller: Caller) -> Select[Organization]:
    return select(Organization).where(in_scope(caller))


async def get_visible(session: AsyncSession, caller: Caller, org_id: uuid.UUID, *, for_update: bool = False) -> Organization:
    stmt = visible(caller).where(Organization.id == org_id)
    if for_update:
        stmt = stmt.with_for_update()
    org = (await session.execute(stmt)).scalar_one_or_none()
    if org is None:
        raise NotFound("Organization", org_id)
    return org


async def list_orgs(
    session: AsyncSession,
    caller: Caller,
    *,
    within: uuid.UUID | None,
    parent_id: uuid.UUID | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[Organization], str | None]:
    stmt = visible(caller)
    if within is not None:
        stmt = stmt.where(within_node(within, Organization.path, Organization.id, Organization.path))
    if parent_id is not None:
        stmt = stmt.where(Organization.parent_id == parent_id)
    rows = (await session.execute(keyset_page(stmt, [Organization.path], cursor, limit))).scalars().all()
    return page_of(rows, limit, lambda org: [org.path])


async def _event(session: AsyncSession, type: str, org: Organization) -> None:
    snapshot = OrgSnapshot.model_validate(org).model_dump(mode="json")
    await record_event(session, outbox, type=type, aggregate_id=org.id, payload=snapshot)


async def create_org(session: AsyncSession, caller: Caller, data: OrgCreate) -> Organization:
    parent = await get_visible(session, caller, data.parent_id) if data.parent_id else None
    if parent is None and caller.scope_org_id is not None:
        raise Unprocessable(
            "Only a caller with the whole tree in scope can create a root", errors=[{"field": "parent_id", "message": "required"}]
        )
    error = rules.placement_error(
        data.tier, data.kind, OrgTier(parent.tier) if parent else None, OrgKind(parent.kind) if parent else None
    )
    if error:
        raise Unprocessable(error, slug="invalid-placement", errors=[{"field": "parent_id", "message": error}])
    if data.code and await session.scalar(select(Organization.id).where(Organization.code == data.code)):
        raise Unprocessable(
            f"The code {data.code} is taken", slug="duplicate-code", errors=[{"field": "code", "message": "taken"}]
        )
    org_id = uuid.uuid4()
    org = Organization(
        id=org_id,
        path=child_path(parent.path if parent else None, org_id),
        status="active",
        version=1,
        **data.model_dump(),
    )
    session.add(org)
    await session.flush()
    await _event(session, "org.created", org)
    return org


async def move_org(session: AsyncSession, caller: Caller, org_id: uuid.UUID, data: OrgMove) -> Organization:
    org = await get_visible(session, caller, org_id, for_update=True)
    parent = await get_visible(session, caller, data.parent_id)
    error = rules.move_error(org.path, parent.path) or rules.placement_error(
        OrgTier(org.tier), OrgKind(org.kind), OrgTier(parent.tier), OrgKind(parent.kind)
    )
    if error:
        raise Unprocessable(error, slug="invalid-placement", errors=[{"field": "parent_id", "message": error}])
    old_path, new_path = org.path, child_path(parent.path, org.id)
    if old_path == new_path:
        return org
    await session.execute(
        update(Organization)
        .where(subtree_of(Organization.path, old_path), Organization.id != org.id)
        .values(path=rebased_path(Organization.path, old_path, new_path))
        .execution_options(synchronize_session=False)
    )
    org.parent_id = parent.id
    org.path = new_path
    org.version += 1
    await session.flush()
    await _event(session, "org.moved", org)
    return org
