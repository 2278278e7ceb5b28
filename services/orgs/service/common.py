"""Helpers every area of the orgs service shares: scope, references, events, history."""

import uuid
from datetime import UTC, date, datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.auth import Caller
from services.kit.outbox import record_event
from services.kit.problems import NotFound, Unprocessable
from services.kit.tree import subtree_of, within_node
from services.orgs.models import Community, Organization, OrgHistory, outbox
from services.orgs.schemas import CommunitySnapshot, OrgSnapshot


def today() -> date:
    return datetime.now(UTC).date()


def in_scope(caller: Caller) -> ColumnElement[bool]:
    # The same subtree as the path's range, on orgs' compact key: the covering listing index has it.
    return within_node(caller.scope_org_id, Organization.tree_key, Organization.id, Organization.tree_key)


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


def unknown_reference(field: str, what: str, identifier: object) -> Unprocessable:
    return Unprocessable(
        f"{what} {identifier} does not exist or is out of scope",
        slug="unknown-reference",
        errors=[{"field": field, "message": f"no such {what.lower()}"}],
    )


async def referenced_org(
    session: AsyncSession, caller: Caller, org_id: uuid.UUID, field: str, *, active: bool = True, for_update: bool = False
) -> Organization:
    """An organization named in a request body: unknown or out of scope is a 422 on that field."""
    try:
        org = await get_visible(session, caller, org_id, for_update=for_update)
    except NotFound:
        raise unknown_reference(field, "Organization", org_id) from None
    if active and org.status != "active":
        raise Unprocessable(
            f"Organization {org_id} is {org.status}",
            slug="inactive-organization",
            errors=[{"field": field, "message": org.status}],
        )
    return org


def snapshot(org: Organization) -> dict[str, Any]:
    return OrgSnapshot.model_validate(org).model_dump(mode="json")


async def org_changed(
    session: AsyncSession,
    caller: Caller,
    org: Organization,
    *,
    change: str,
    before: dict[str, Any] | None,
    event: str | None,
) -> None:
    """Keep the history row of a change and, when replicas care, send the org event."""
    after = snapshot(org)
    session.add(OrgHistory(org_id=org.id, actor=caller.subject, change=change, before=before, after=after, at=datetime.now(UTC)))
    if event:
        await record_event(session, outbox, type=event, aggregate_id=org.id, payload=after)


async def entity_event(session: AsyncSession, type: str, entity_id: uuid.UUID, shape: type[BaseModel], row: Any) -> None:
    """An event for a non-tree row: its whole state (with `version`) as its public shape."""
    payload = shape.model_validate(row).model_dump(mode="json")
    await record_event(session, outbox, type=type, aggregate_id=entity_id, payload=payload)


async def community_event(session: AsyncSession, type: str, community: Community) -> None:
    await entity_event(session, type, community.id, CommunitySnapshot, community)


async def reassign_community(
    session: AsyncSession, caller: Caller, root_path: str, community_id: uuid.UUID | None, setting: str | None
) -> list[Organization]:
    """Give a whole subtree a community and setting; each organization that changed sends `org.updated`."""
    changed = (
        (
            await session.execute(
                select(Organization)
                .where(
                    subtree_of(Organization.path, root_path),
                    (Organization.community_id.is_distinct_from(community_id)) | (Organization.setting.is_distinct_from(setting)),
                )
                .order_by(Organization.path)
                .with_for_update()
            )
        )
        .scalars()
        .all()
    )
    for org in changed:
        before = snapshot(org)
        org.community_id = community_id
        org.setting = setting
        org.version += 1
        await session.flush()
        await org_changed(session, caller, org, change="community_changed", before=before, event="org.updated")
    return list(changed)
