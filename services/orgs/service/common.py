"""What every area of the orgs service shares: its operation context, scope, references, events,
history."""

import uuid
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.context import OperationContext
from services.kit.outbox import record_event
from services.kit.peers import PeerClient
from services.kit.problems import Problem, field_error
from services.kit.tree import subtree_of, within_node
from services.orgs.enums import Evidence, HistoryChange, OrgStatus
from services.orgs.errors import INACTIVE_REFERENCE, NOT_FOUND, UNKNOWN_REFERENCE
from services.orgs.models import Community, Organization, OrgHistory, outbox
from services.orgs.peers import evidence_orgs, lookup_members
from services.orgs.rules import OrgsPolicy
from services.orgs.schemas.communities import CommunitySnapshot
from services.orgs.schemas.tree import OrgSnapshot


class OrgsContext(OperationContext[OrgsPolicy]):
    """What every orgs operation receives besides its session and its input: the caller (and its
    scope), the orgs policy, today in the deployment's time zone, the request id.

    The members service is not in it: the operations that ask it take its client as an argument,
    so their signatures say which of them may answer 503 (and the scheduled jobs, which ask
    nobody, run without one).
    """


def not_found(what: str, identifier: object) -> Problem:
    return NOT_FOUND(f"{what} {identifier} was not found")


def in_scope(ctx: OrgsContext) -> ColumnElement[bool]:
    # The same subtree as the path's range, on orgs' compact key: the covering listing index has it.
    return within_node(ctx.scope, Organization.tree_key, Organization.id, Organization.tree_key)


def visible(ctx: OrgsContext) -> Select[Organization]:
    return select(Organization).where(in_scope(ctx))


async def _find(session: AsyncSession, ctx: OrgsContext, org_id: uuid.UUID, *, for_update: bool) -> Organization | None:
    stmt = visible(ctx).where(Organization.id == org_id)
    return (await session.execute(stmt.with_for_update() if for_update else stmt)).scalar_one_or_none()


async def get_visible(session: AsyncSession, ctx: OrgsContext, org_id: uuid.UUID, *, for_update: bool = False) -> Organization:
    org = await _find(session, ctx, org_id, for_update=for_update)
    if org is None:
        raise not_found("Organization", org_id)
    return org


def unknown_reference(field: str, what: str) -> Problem:
    """An id in a request body that names nothing in the caller's scope. The answer does not say
    which (nor repeat the id), so that it is the same for another township's record as for none."""
    return UNKNOWN_REFERENCE.on(field, f"no such {what.lower()}", detail=f"No {what.lower()} of that id in the caller's scope")


async def members_in_scope(
    session: AsyncSession, ctx: OrgsContext, members: PeerClient, member_ids: list[uuid.UUID]
) -> set[uuid.UUID]:
    """The ids among `member_ids` of members whose organization is in the caller's subtree: the
    members service (asked with this service's token, which sees every member) says where each
    is, this service's tree says whether that is the caller's."""
    records = await lookup_members(members, member_ids)
    if ctx.scope is None:
        return set(records)
    where: dict[uuid.UUID, uuid.UUID] = {}
    for member_id, record in records.items():
        try:
            where[member_id] = uuid.UUID(str(record["org_id"]))
        except (KeyError, ValueError):
            continue  # no organization said: not one the caller can be shown to hold
    org_ids = list(set(where.values()))
    held: set[uuid.UUID] = set()
    for start in range(0, len(org_ids), 1000):
        chunk = org_ids[start : start + 1000]
        held.update(await session.scalars(select(Organization.id).where(Organization.id.in_(chunk), in_scope(ctx))))
    return {member_id for member_id, org_id in where.items() if org_id in held}


async def _orgs_in_scope(session: AsyncSession, ctx: OrgsContext, org_ids: set[uuid.UUID]) -> set[uuid.UUID]:
    ids = list(org_ids)
    held: set[uuid.UUID] = set()
    for start in range(0, len(ids), 1000):
        held.update(
            await session.scalars(select(Organization.id).where(Organization.id.in_(ids[start : start + 1000]), in_scope(ctx)))
        )
    return held


async def check_evidence(
    session: AsyncSession,
    ctx: OrgsContext,
    activities: PeerClient,
    activity_ids: list[uuid.UUID],
    attachment_ids: list[uuid.UUID],
) -> None:
    """Activities and files named as evidence (references to the activities service) are checked in
    the caller's scope like every id a body names: the activities service says whose each is, this
    service's tree whether that is the caller's. Unknown and out of scope answer alike, at the index."""
    if not activity_ids and not attachment_ids:
        return
    activity_orgs, attachment_orgs = await evidence_orgs(activities, activity_ids, attachment_ids)
    held = await _orgs_in_scope(session, ctx, set(activity_orgs.values()) | set(attachment_orgs.values()))
    unknown = [
        field_error(f"{field}.{index}", f"no such {what}")
        for field, what, ids, orgs in (
            ("activity_ids", Evidence.activity.value, activity_ids, activity_orgs),
            ("attachment_ids", Evidence.attachment.value, attachment_ids, attachment_orgs),
        )
        for index, named in enumerate(ids)
        if orgs.get(named) not in held
    ]
    if unknown:
        raise UNKNOWN_REFERENCE("No activity or attachment of that id in the caller's scope", errors=unknown)


async def referenced_org(
    session: AsyncSession, ctx: OrgsContext, org_id: uuid.UUID, field: str, *, active: bool = True, for_update: bool = False
) -> Organization:
    """An organization named in a request body: unknown or out of scope is a 422 on that field."""
    org = await _find(session, ctx, org_id, for_update=for_update)
    if org is None:
        raise unknown_reference(field, "Organization")
    if active and org.status != OrgStatus.active:
        raise INACTIVE_REFERENCE.on(field, org.status, detail=f"Organization {org_id} is {org.status}")
    return org


def snapshot(org: Organization) -> dict[str, Any]:
    return OrgSnapshot.model_validate(org).model_dump(mode="json")


async def org_changed(
    session: AsyncSession,
    ctx: OrgsContext,
    org: Organization,
    *,
    change: HistoryChange,
    before: dict[str, Any] | None,
    event: str | None,
) -> None:
    """Keep the history row of a change and, when replicas care, send the org event."""
    after = snapshot(org)
    session.add(
        OrgHistory(org_id=org.id, actor=ctx.caller.subject, change=change, before=before, after=after, at=datetime.now(UTC))
    )
    if event:
        await record_event(session, outbox, type=event, aggregate_id=org.id, payload=after)


async def entity_event(session: AsyncSession, type: str, entity_id: uuid.UUID, shape: type[BaseModel], row: Any) -> None:
    """An event for a non-tree row: its whole state (with `version`) as its public shape."""
    payload = shape.model_validate(row).model_dump(mode="json")
    await record_event(session, outbox, type=type, aggregate_id=entity_id, payload=payload)


async def community_event(session: AsyncSession, type: str, community: Community) -> None:
    await entity_event(session, type, community.id, CommunitySnapshot, community)


async def reassign_community(
    session: AsyncSession, ctx: OrgsContext, root_path: str, community_id: uuid.UUID | None, setting: str | None
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
        await org_changed(session, ctx, org, change=HistoryChange.community_changed, before=before, event="org.updated")
    return list(changed)
