"""The organization tree: create, update, move, merge, dissolve, history.

Every change keeps a history row and sends an `org.*` event with the node's whole state. Moves
and merges re-path a whole subtree in one UPDATE over the materialized path range.
"""

import uuid
from collections.abc import Sequence
from datetime import date

from sqlalchemy import ColumnElement, case, func, literal, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import load_only

from services.kit.pagination import keyset_page, page_of
from services.kit.peers import PeerClient
from services.kit.problems import Problem
from services.kit.tree import KEY_WIDTH, child_key, child_path, code_ordinal, ordinal_code, rebased_path, subtree_of, within_node
from services.kit.versioning import Preconditions
from services.orgs.enums import HistoryChange, OrgKind, OrgStatus, OrgTier
from services.orgs.errors import (
    COMMUNITY_TAKEN,
    DUPLICATE_CODE,
    HAS_ACTIVE_CHILDREN,
    HAS_MEMBERS,
    INACTIVE_ORGANIZATION,
    INVALID_MERGE,
    INVALID_PLACEMENT,
    RULE_VIOLATION,
)
from services.orgs.models import LISTING_COLUMNS, Community, Organization, OrgHistory
from services.orgs.peers import member_counts
from services.orgs.rules import tree as rules
from services.orgs.schemas.tree import OrgCreate, OrgDissolve, OrgMerge, OrgMove, OrgUpdate
from services.orgs.service.common import (
    OrgsContext,
    community_event,
    get_visible,
    org_changed,
    reassign_community,
    referenced_org,
    snapshot,
    unknown_reference,
    visible,
)
from services.orgs.service.communities import community_in_scope


async def list_orgs(
    session: AsyncSession,
    ctx: OrgsContext,
    *,
    within: uuid.UUID | None,
    parent_id: uuid.UUID | None,
    cursor: str | None,
    limit: int,
    tier: str | None = None,
    kind: str | None = None,
    status: str | None = None,
) -> tuple[list[Organization], str | None]:
    # Only the listing's columns (and the key): the covering index answers without the heap.
    stmt = visible(ctx).options(load_only(*(getattr(Organization, c) for c in (*LISTING_COLUMNS, "tree_key"))))
    for column, wanted in ((Organization.tier, tier), (Organization.kind, kind), (Organization.status, status)):
        if wanted is not None:
            stmt = stmt.where(column == wanted)
    if within is not None:
        stmt = stmt.where(within_node(within, Organization.tree_key, Organization.id, Organization.tree_key))
    if parent_id is not None:
        stmt = stmt.where(Organization.parent_id == parent_id)
    rows = (await session.execute(keyset_page(stmt, [Organization.tree_key], cursor, limit))).scalars().all()
    return page_of(rows, limit, lambda org: [org.tree_key])


# The advisory lock that queues the creation of roots (any fixed number unique in the orgs schema).
ROOTS_LOCK_KEY = int.from_bytes(b"orgsroot", "big")


async def _take_ordinals(session: AsyncSession, parent_id: uuid.UUID | None, count: int = 1) -> int:
    """Reserve `count` child ordinals of a parent; returns the first. One atomic UPDATE on the
    parent row (it stays locked to the transaction, so concurrent creates under it queue)."""
    if parent_id is None:
        # Roots are few and made by whole-tree administrators: the next ordinal after the last root.
        # Two roots made at once would read the same last one; on PostgreSQL a transaction lock
        # queues them (SQLite already serializes writers), and the second reads after the first commits.
        if (await session.connection()).dialect.name == "postgresql":
            await session.execute(select(func.pg_advisory_xact_lock(ROOTS_LOCK_KEY)))
        roots = select(func.max(Organization.tree_key)).where(func.length(Organization.tree_key) == KEY_WIDTH)
        last = await session.scalar(roots)
        return code_ordinal(last) + 1 if last else 1
    made = await session.scalar(
        update(Organization)
        .where(Organization.id == parent_id)
        .values(children_made=Organization.children_made + count)
        .returning(Organization.children_made)
        .execution_options(synchronize_session=False)
    )
    return int(made or 0) - count + 1


def _placement(error: str | None, field: str = "parent_id") -> None:
    if error:
        raise INVALID_PLACEMENT.on(field, error, detail=error)


async def _code_is_free(session: AsyncSession, code: str | None, own_id: uuid.UUID | None = None) -> None:
    if not code:
        return
    holder = await session.scalar(select(Organization.id).where(Organization.code == code))
    if holder is not None and holder != own_id:
        raise _code_taken(code)


def _code_taken(code: str) -> Problem:
    return DUPLICATE_CODE.on("code", "taken", detail=f"The code {code} is taken")


async def create_org(session: AsyncSession, ctx: OrgsContext, data: OrgCreate) -> Organization:
    parent = await referenced_org(session, ctx, data.parent_id, "parent_id") if data.parent_id else None
    if parent is None and ctx.scope is not None:
        raise RULE_VIOLATION.on("parent_id", "required", detail="Only a caller with the whole tree in scope can create a root")
    _placement(
        rules.placement_error(
            data.tier, data.kind, OrgTier(parent.tier) if parent else None, OrgKind(parent.kind) if parent else None
        )
    )
    await _code_is_free(session, data.code)
    org_id = uuid.uuid4()
    community, setting = await _community_for_new(session, ctx, data, parent)
    values = data.model_dump(exclude={"community_id"})
    ordinal = await _take_ordinals(session, parent.id if parent else None)
    org = Organization(
        id=org_id,
        path=child_path(parent.path if parent else None, org_id),
        tree_key=child_key(parent.tree_key if parent else None, ordinal),
        children_made=0,
        status=OrgStatus.active,
        version=1,
        community_id=community.id if community else (parent.community_id if parent and data.tier != OrgTier.township else None),
        setting=setting,
        **values,
    )
    session.add(org)
    try:
        await session.flush()
    except IntegrityError as error:
        # Two creates of one code at once both passed the check above: the unique index decides.
        if data.code and "code" in str(error.orig):
            raise _code_taken(data.code) from None
        raise
    if community is not None and data.tier is OrgTier.community and community.party_org_id is None:
        community.party_org_id = org.id
        community.version += 1
        await session.flush()
        await community_event(session, "community.updated", community)
    await org_changed(session, ctx, org, change=HistoryChange.created, before=None, event="org.created")
    return org


async def _community_for_new(
    session: AsyncSession, ctx: OrgsContext, data: OrgCreate, parent: Organization | None
) -> tuple[Community | None, str | None]:
    """The community a new organization belongs to: named for a community's top organization,
    inherited from the parent inside one, none above the community level."""
    if data.tier is OrgTier.community:
        if data.community_id is None:
            return None, None
        # Inside the query: a community outside the caller's subtree is as unknown as none.
        visible = select(Community).where(Community.id == data.community_id, community_in_scope(ctx))
        community = (await session.execute(visible)).scalar_one_or_none()
        if community is None:
            raise unknown_reference("community_id", "Community")
        if community.party_org_id is not None:
            raise COMMUNITY_TAKEN.on(
                "community_id", "already has a top organization", detail="The community already has its top party organization"
            )
        return community, community.setting
    inherited = parent.community_id if parent and data.tier in (OrgTier.inner, OrgTier.unit) else None
    if data.community_id is not None and data.community_id != inherited:
        raise RULE_VIOLATION.on(
            "community_id",
            "must be empty or the parent's community",
            detail="Only a community's top organization names its community; others inherit it",
        )
    return None, (parent.setting if parent and inherited else None)


async def update_org(
    session: AsyncSession, ctx: OrgsContext, org_id: uuid.UUID, data: OrgUpdate, *, preconditions: Preconditions
) -> Organization:
    org = await get_visible(session, ctx, org_id, for_update=True)
    preconditions.check(org.version)
    changes = data.model_dump(exclude_unset=True)
    if not changes:
        return org
    if org.status != OrgStatus.active:
        raise INACTIVE_ORGANIZATION(f"Organization {org_id} is {org.status}; it can no longer change")
    if "name" in changes and changes["name"] is None:
        raise RULE_VIOLATION.on("name", "required", detail="A name cannot be removed")
    if "kind" in changes:
        kind = changes["kind"] or OrgKind(org.kind)
        parent = await session.get(Organization, org.parent_id) if org.parent_id else None
        error = rules.placement_error(
            OrgTier(org.tier), kind, OrgTier(parent.tier) if parent else None, OrgKind(parent.kind) if parent else None
        )
        if error is None and kind is OrgKind.group and await _has_children(session, org):
            error = "an organization with children cannot become a party group"
        _placement(error, "kind")
    await _code_is_free(session, changes.get("code"), org.id)
    before = snapshot(org)
    for key, value in changes.items():
        if value is not None or key in ("code", "established_on"):
            setattr(org, key, value.value if hasattr(value, "value") else value)
    org.version += 1
    await session.flush()
    await org_changed(session, ctx, org, change=HistoryChange.updated, before=before, event="org.updated")
    return org


async def _has_children(session: AsyncSession, org: Organization, *, active_only: bool = False) -> bool:
    stmt = select(Organization.id).where(Organization.parent_id == org.id)
    if active_only:
        stmt = stmt.where(Organization.status == OrgStatus.active)
    return (await session.scalar(stmt.limit(1))) is not None


async def _repath(session: AsyncSession, old: Organization, new_path: str, new_key: str) -> None:
    """One statement: every node under `old` (but itself) now lies under the new path and key."""
    await session.execute(
        update(Organization)
        .where(subtree_of(Organization.tree_key, old.tree_key), Organization.id != old.id)
        .values(
            path=rebased_path(Organization.path, old.path, new_path),
            tree_key=rebased_path(Organization.tree_key, old.tree_key, new_key),
        )
        .execution_options(synchronize_session=False)
    )


async def move_org(session: AsyncSession, ctx: OrgsContext, org_id: uuid.UUID, data: OrgMove) -> Organization:
    org = await get_visible(session, ctx, org_id, for_update=True)
    if org.status != OrgStatus.active:
        raise INACTIVE_ORGANIZATION(f"Organization {org_id} is {org.status}; it cannot move")
    parent = await referenced_org(session, ctx, data.parent_id, "parent_id")
    _placement(
        rules.move_error(org.path, parent.path)
        or rules.placement_error(OrgTier(org.tier), OrgKind(org.kind), OrgTier(parent.tier), OrgKind(parent.kind))
    )
    old_path, new_path = org.path, child_path(parent.path, org.id)
    if old_path == new_path:
        return org
    before = snapshot(org)
    new_key = child_key(parent.tree_key, await _take_ordinals(session, parent.id))
    await _repath(session, org, new_path, new_key)
    org.parent_id = parent.id
    org.path = new_path
    org.tree_key = new_key
    if org.tier in (OrgTier.inner, OrgTier.unit):
        org.community_id = parent.community_id if org.tier == OrgTier.inner or parent.tier != OrgTier.township else None
        org.setting = parent.setting if org.community_id else None
    org.version += 1
    await session.flush()
    await org_changed(session, ctx, org, change=HistoryChange.moved, before=before, event="org.moved")
    if org.tier in (OrgTier.inner, OrgTier.unit):
        await reassign_community(session, ctx, org.path, org.community_id, org.setting)
    if org.tier == OrgTier.community:
        # The community goes with its top organization to the new township.
        community = await session.scalar(select(Community).where(Community.party_org_id == org.id).with_for_update())
        if community is not None and community.township_org_id != parent.id:
            community.township_org_id = parent.id
            community.version += 1
            await session.flush()
            await community_event(session, "community.updated", community)
    return org


async def merge_org(
    session: AsyncSession, ctx: OrgsContext, org_id: uuid.UUID, data: OrgMerge, *, as_of: date | None = None
) -> Organization:
    """The children move under the survivor (one re-path); the merged one stays, marked `merged`.

    Members follow on the members service's side when it sees `org.merged` (`merged_into_id`).
    """
    org = await get_visible(session, ctx, org_id, for_update=True)
    if org.status != OrgStatus.active:
        raise INACTIVE_ORGANIZATION(f"Organization {org_id} is {org.status}; it cannot merge")
    target = await referenced_org(session, ctx, data.into_id, "into_id", active=False, for_update=True)
    error = rules.merge_error(org.path, target.path, target.status) or (
        None if org.tier == target.tier else f"a {org.tier} organization can only merge into another {org.tier} organization"
    )
    if error:
        raise INVALID_MERGE.on("into_id", error, detail=error)
    children = (await session.execute(select(Organization).where(Organization.parent_id == org.id))).scalars().all()
    for child in children:
        _placement(rules.placement_error(OrgTier(child.tier), OrgKind(child.kind), OrgTier(target.tier), OrgKind(target.kind)))
    child_befores = {child.id: snapshot(child) for child in children}
    # The merged organization's own path stays; everything under it goes under the survivor.
    # Its children take fresh ordinals of the survivor (theirs may be taken there).
    if children:
        await session.execute(
            update(Organization)
            .where(subtree_of(Organization.tree_key, org.tree_key), Organization.id != org.id)
            .values(
                path=rebased_path(Organization.path, org.path, target.path),
                tree_key=await _merged_key(session, org, target, children),
                parent_id=case((Organization.parent_id == org.id, target.id), else_=Organization.parent_id),
            )
            .execution_options(synchronize_session=False)
        )
    before = snapshot(org)
    org.status = OrgStatus.merged
    org.merged_into_id = target.id
    org.dissolved_on = as_of or ctx.today
    org.version += 1
    await session.flush()
    await org_changed(session, ctx, org, change=HistoryChange.merged, before=before, event="org.merged")
    target_before = snapshot(target)
    if org.tier == OrgTier.community:
        for child in children:
            await session.refresh(child)  # re-pathed by the UPDATE: the hand-over's events carry their new state
        await _hand_over_community(session, ctx, org, target)
    for child in children:
        await session.refresh(child)
        child.version += 1
        await session.flush()
        await org_changed(session, ctx, child, change=HistoryChange.moved, before=child_befores[child.id], event="org.moved")
        if child.tier in (OrgTier.inner, OrgTier.unit):
            await reassign_community(session, ctx, child.path, target.community_id, target.setting)
    session.add(
        OrgHistory(
            org_id=target.id,
            actor=ctx.caller.subject,
            change=HistoryChange.received_merge,
            before=target_before,
            after={"merged_id": str(org.id)},
        )
    )
    await session.flush()
    return org


async def _hand_over_community(session: AsyncSession, ctx: OrgsContext, org: Organization, target: Organization) -> None:
    """A merged community organization is no longer its community's top one. The survivor takes
    over when it leads no community of its own; else the community is left without one (its
    members and branches are the survivor's now)."""
    community = await session.scalar(select(Community).where(Community.party_org_id == org.id).with_for_update())
    if community is None:
        return
    leads_one = await session.scalar(select(Community.id).where(Community.party_org_id == target.id))
    community.party_org_id = None if leads_one else target.id
    community.version += 1
    await session.flush()
    await community_event(session, "community.updated", community)
    if not leads_one:
        await reassign_community(session, ctx, target.path, community.id, community.setting)


async def _merged_key(
    session: AsyncSession, org: Organization, target: Organization, children: Sequence[Organization]
) -> ColumnElement[str]:
    """SQL for a descendant's key once `org`'s children become the survivor's next children."""
    first = await _take_ordinals(session, target.id, len(children))
    renamed = {child.tree_key[len(org.tree_key) :]: ordinal_code(first + i) for i, child in enumerate(children)}
    own_code = func.substr(Organization.tree_key, len(org.tree_key) + 1, KEY_WIDTH)
    rest = func.substr(Organization.tree_key, len(org.tree_key) + KEY_WIDTH + 1)
    return literal(target.tree_key).concat(case(renamed, value=own_code)).concat(rest)


async def dissolve_org(
    session: AsyncSession,
    ctx: OrgsContext,
    org_id: uuid.UUID,
    data: OrgDissolve,
    *,
    members: PeerClient,
    as_of: date | None = None,
) -> Organization:
    """Refused while the organization has active children or any member in its subtree."""
    org = await get_visible(session, ctx, org_id, for_update=True)
    if org.status != OrgStatus.active:
        raise INACTIVE_ORGANIZATION(f"Organization {org_id} is already {org.status}")
    if await _has_children(session, org, active_only=True):
        raise HAS_ACTIVE_CHILDREN("The organization still has active child organizations")
    in_subtree = subtree_of(Organization.tree_key, org.tree_key)
    subtree_ids = list((await session.execute(select(Organization.id).where(in_subtree))).scalars())
    counts = await member_counts(members, subtree_ids)
    total = sum(c.members for c in counts.values())
    if total:
        raise HAS_MEMBERS(f"The organization still has {total} members; transfer them first", members=total)
    before = snapshot(org)
    org.status = OrgStatus.dissolved
    org.dissolved_on = data.dissolved_on or as_of or ctx.today
    org.version += 1
    await session.flush()
    await org_changed(session, ctx, org, change=HistoryChange.dissolved, before=before, event="org.dissolved")
    return org


async def history(
    session: AsyncSession, ctx: OrgsContext, org_id: uuid.UUID, *, cursor: str | None, limit: int
) -> tuple[list[OrgHistory], str | None]:
    await get_visible(session, ctx, org_id)
    stmt = select(OrgHistory).where(OrgHistory.org_id == org_id)
    rows = (await session.execute(keyset_page(stmt, [OrgHistory.id], cursor, limit))).scalars().all()
    return page_of(rows, limit, lambda row: [row.id])


async def subtree(session: AsyncSession, ctx: OrgsContext, org_id: uuid.UUID) -> tuple[Organization, list[Organization]]:
    """The organization (in scope) and every organization under it, in tree order."""
    root = await get_visible(session, ctx, org_id)
    rows = (
        (
            await session.execute(
                select(Organization).where(subtree_of(Organization.tree_key, root.tree_key)).order_by(Organization.tree_key)
            )
        )
        .scalars()
        .all()
    )
    return root, list(rows)


async def count_subtree(session: AsyncSession, root_key: str) -> int:
    """Organizations in the subtree of the one keyed `root_key` (a range of the narrow key index)."""
    return int(await session.scalar(select(func.count()).where(subtree_of(Organization.tree_key, root_key))) or 0)
