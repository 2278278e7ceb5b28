"""Community units (社區單位), co-building agreements (共建), responsibility zones (責任區) and
member responsibility posts (黨員責任崗) with their holders."""

import uuid
from datetime import date, timedelta
from typing import Any, cast

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.pagination import keyset_page, page_of
from services.kit.peers import PeerClient
from services.kit.problems import field_error
from services.kit.tree import ColumnLike, within_node
from services.kit.versioning import Preconditions
from services.orgs.enums import CoBuildingChange, OrgKind, OrgTier, ZoneKind
from services.orgs.errors import ALREADY_ENDED, JOINT_BRANCH_FULL, RULE_VIOLATION, UNKNOWN_REFERENCE
from services.orgs.models import CoBuilding, CoBuildingRevision, Community, Organization, Post, PostHolder, Unit, Zone
from services.orgs.rules import communities as community_rules
from services.orgs.rules import units as rules
from services.orgs.schemas.units import CoBuilding as CoBuildingShape
from services.orgs.schemas.units import (
    CoBuildingAmend,
    CoBuildingCreate,
    CoBuildingEnd,
    PostClose,
    PostCreate,
    PostHolderChange,
    UnitCreate,
    UnitUpdate,
    ZoneCreate,
)
from services.orgs.schemas.units import Post as PostShape
from services.orgs.schemas.units import PostHolding as PostHoldingShape
from services.orgs.schemas.units import Unit as UnitShape
from services.orgs.schemas.units import Zone as ZoneShape
from services.orgs.service.common import (
    OrgsContext,
    entity_event,
    in_scope,
    members_in_scope,
    not_found,
    referenced_org,
    unknown_reference,
)
from services.orgs.service.communities import communities_within, community_in_scope, referenced_community


def _units_visible(ctx: OrgsContext) -> Select[Unit]:
    return select(Unit).join(Community, Community.id == Unit.community_id).where(community_in_scope(ctx))


async def get_unit(session: AsyncSession, ctx: OrgsContext, unit_id: uuid.UUID, *, for_update: bool = False) -> Unit:
    stmt = _units_visible(ctx).where(Unit.id == unit_id)
    if for_update:
        stmt = stmt.with_for_update(of=Unit)
    unit: Unit | None = (await session.execute(stmt)).scalar_one_or_none()
    if unit is None:
        raise not_found("Unit", unit_id)
    return unit


async def _referenced_unit(session: AsyncSession, ctx: OrgsContext, unit_id: uuid.UUID, field: str) -> None:
    if await session.scalar(_units_visible(ctx).where(Unit.id == unit_id)) is None:
        raise unknown_reference(field, "Unit")


async def _unit_party_org(
    session: AsyncSession, ctx: OrgsContext, party_org_id: uuid.UUID, unit_id: uuid.UUID | None = None
) -> None:
    # Locked: two units joining the same joint branch at once are counted one after the other.
    org = await referenced_org(session, ctx, party_org_id, "party_org_id", for_update=True)
    if org.tier != OrgTier.unit:
        raise RULE_VIOLATION.on(
            "party_org_id", "not a unit organization", detail="A unit's own party organization is a unit-tier organization"
        )
    if org.kind == OrgKind.joint_branch:
        joined = select(func.count()).where(Unit.party_org_id == org.id)
        if unit_id is not None:
            joined = joined.where(Unit.id != unit_id)
        error = rules.joint_branch_units_error(int(await session.scalar(joined) or 0) + 1, ctx.policy)
        if error:
            raise JOINT_BRANCH_FULL.on("party_org_id", error, detail=error)


async def create_unit(session: AsyncSession, ctx: OrgsContext, data: UnitCreate) -> Unit:
    await referenced_community(session, ctx, data.community_id, "community_id")
    if data.party_org_id:
        await _unit_party_org(session, ctx, data.party_org_id)
    unit = Unit(id=uuid.uuid4(), version=1, **data.model_dump())
    session.add(unit)
    await session.flush()
    await entity_event(session, "unit.created", unit.id, UnitShape, unit)
    return unit


async def update_unit(
    session: AsyncSession,
    ctx: OrgsContext,
    unit_id: uuid.UUID,
    data: UnitUpdate,
    *,
    preconditions: Preconditions,
) -> Unit:
    unit = await get_unit(session, ctx, unit_id, for_update=True)
    preconditions.check(unit.version)
    changes = data.model_dump(exclude_unset=True)
    if not changes:
        return unit
    for required in ("name", "category"):
        if required in changes and changes[required] is None:
            raise RULE_VIOLATION.on(required, "required", detail=f"{required} cannot be removed")
    if changes.get("party_org_id") and changes["party_org_id"] != unit.party_org_id:
        await _unit_party_org(session, ctx, changes["party_org_id"], unit.id)
    for key, value in changes.items():
        setattr(unit, key, value)
    unit.version += 1
    await session.flush()
    await entity_event(session, "unit.updated", unit.id, UnitShape, unit)
    return unit


async def list_units(
    session: AsyncSession,
    ctx: OrgsContext,
    *,
    community_id: uuid.UUID | None,
    within: uuid.UUID | None,
    has_party_org: bool | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[Unit], str | None]:
    stmt = _units_visible(ctx)
    if community_id is not None:
        stmt = stmt.where(Unit.community_id == community_id)
    if within is not None:
        stmt = stmt.where(communities_within(within))
    if has_party_org is not None:
        stmt = stmt.where(Unit.party_org_id.is_not(None) if has_party_org else Unit.party_org_id.is_(None))
    rows = (await session.execute(keyset_page(stmt, [Unit.id], cursor, limit))).scalars().all()
    return page_of(rows, limit, lambda u: [u.id])


async def create_co_building(session: AsyncSession, ctx: OrgsContext, data: CoBuildingCreate) -> CoBuilding:
    await referenced_community(session, ctx, data.community_id, "community_id")
    await _referenced_unit(session, ctx, data.unit_id, "unit_id")
    agreement = CoBuilding(id=uuid.uuid4(), version=1, **data.model_dump())
    session.add(agreement)
    await session.flush()
    await entity_event(session, "co_building.created", agreement.id, CoBuildingShape, agreement)
    return agreement


def _agreements_visible(ctx: OrgsContext) -> Select[CoBuilding]:
    return select(CoBuilding).join(Community, Community.id == CoBuilding.community_id).where(community_in_scope(ctx))


async def get_co_building(
    session: AsyncSession, ctx: OrgsContext, agreement_id: uuid.UUID, *, for_update: bool = False
) -> CoBuilding:
    stmt = _agreements_visible(ctx).where(CoBuilding.id == agreement_id)
    if for_update:
        stmt = stmt.with_for_update(of=CoBuilding)
    agreement = (await session.execute(stmt)).scalar_one_or_none()
    if agreement is None:
        raise not_found("Co-building agreement", agreement_id)
    return agreement


async def _revise(
    session: AsyncSession, ctx: OrgsContext, agreement: CoBuilding, change: CoBuildingChange, changes: dict[str, Any]
) -> None:
    """Keep the version as it stood, apply the change, and announce the new version."""
    before = CoBuildingShape.model_validate(agreement).model_dump(mode="json")
    for key, value in changes.items():
        setattr(agreement, key, value)
    after = CoBuildingShape.model_validate(agreement).model_dump(mode="json")
    session.add(
        CoBuildingRevision(
            id=uuid.uuid4(),
            agreement_id=agreement.id,
            version=agreement.version,
            change=change.value,
            before={k: v for k, v in before.items() if after[k] != v},
            after={k: v for k, v in after.items() if before[k] != v},
            actor=ctx.actor,
        )
    )
    agreement.version += 1
    await session.flush()
    await entity_event(session, f"co_building.{change.value}", agreement.id, CoBuildingShape, agreement)


async def amend_co_building(
    session: AsyncSession, ctx: OrgsContext, agreement_id: uuid.UUID, data: CoBuildingAmend, *, preconditions: Preconditions
) -> CoBuilding:
    agreement = await get_co_building(session, ctx, agreement_id, for_update=True)
    preconditions.check(agreement.version)
    if agreement.ended_on is not None:
        raise ALREADY_ENDED(f"The agreement ended on {agreement.ended_on.isoformat()}")
    changes = data.model_dump(exclude_unset=True)
    for required in ("started_on", "content"):
        if required in changes and changes[required] is None:
            raise RULE_VIOLATION.on(required, "required", detail=f"{required} cannot be removed")
    started_on, ends_on = changes.get("started_on", agreement.started_on), changes.get("ends_on", agreement.ends_on)
    if ends_on is not None and ends_on < started_on:
        raise RULE_VIOLATION.on("ends_on", "before the start", detail="An agreement cannot end before it starts")
    if changes:
        await _revise(session, ctx, agreement, CoBuildingChange.amended, changes)
    return agreement


async def end_co_building(
    session: AsyncSession, ctx: OrgsContext, agreement_id: uuid.UUID, data: CoBuildingEnd, *, preconditions: Preconditions
) -> CoBuilding:
    agreement = await get_co_building(session, ctx, agreement_id, for_update=True)
    preconditions.check(agreement.version)
    if agreement.ended_on is not None:
        raise ALREADY_ENDED(f"The agreement ended on {agreement.ended_on.isoformat()}")
    errors = community_rules.end_errors(since=agreement.started_on, until=data.ended_on, today=ctx.today, field="ended_on")
    if errors:
        raise RULE_VIOLATION(errors[0]["message"], errors=errors)
    await _revise(session, ctx, agreement, CoBuildingChange.ended, {"ended_on": data.ended_on, "end_reason": data.reason})
    return agreement


async def co_building_revisions(session: AsyncSession, ctx: OrgsContext, agreement_id: uuid.UUID) -> list[CoBuildingRevision]:
    await get_co_building(session, ctx, agreement_id)
    stmt = select(CoBuildingRevision).where(CoBuildingRevision.agreement_id == agreement_id)
    return list((await session.execute(stmt.order_by(CoBuildingRevision.version))).scalars())


async def list_co_building(
    session: AsyncSession,
    ctx: OrgsContext,
    *,
    community_id: uuid.UUID | None,
    unit_id: uuid.UUID | None,
    within: uuid.UUID | None = None,
    active_on: date | None = None,
    cursor: str | None,
    limit: int,
) -> tuple[list[CoBuilding], str | None]:
    stmt = _agreements_visible(ctx)
    if within is not None:
        stmt = stmt.where(communities_within(within))
    if active_on is not None:
        stmt = stmt.where(
            CoBuilding.started_on <= active_on,
            or_(CoBuilding.ends_on.is_(None), CoBuilding.ends_on >= active_on),
            or_(CoBuilding.ended_on.is_(None), CoBuilding.ended_on >= active_on),
        )
    if community_id is not None:
        stmt = stmt.where(CoBuilding.community_id == community_id)
    if unit_id is not None:
        stmt = stmt.where(CoBuilding.unit_id == unit_id)
    rows = (await session.execute(keyset_page(stmt, [CoBuilding.id], cursor, limit))).scalars().all()
    return page_of(rows, limit, lambda a: [a.id])


async def create_zone(session: AsyncSession, ctx: OrgsContext, data: ZoneCreate) -> Zone:
    await referenced_org(session, ctx, data.org_id, "org_id")
    if data.kind is ZoneKind.unit_co_building_zone and data.unit_id is None:
        raise RULE_VIOLATION.on("unit_id", "required", detail="A co-building zone names its unit")
    if data.unit_id is not None:
        await _referenced_unit(session, ctx, data.unit_id, "unit_id")
    zone = Zone(id=uuid.uuid4(), version=1, **data.model_dump())
    session.add(zone)
    await session.flush()
    await entity_event(session, "zone.created", zone.id, ZoneShape, zone)
    return zone


def _org_rows_within(ctx: OrgsContext, within: uuid.UUID | None, org_column: ColumnLike) -> ColumnElement[bool]:
    condition = select(Organization.id).where(in_scope(ctx))
    if within is not None:
        condition = condition.where(within_node(within, Organization.tree_key, Organization.id, Organization.tree_key))
    return org_column.in_(condition)


async def list_zones(
    session: AsyncSession, ctx: OrgsContext, *, within: uuid.UUID | None, org_id: uuid.UUID | None, cursor: str | None, limit: int
) -> tuple[list[Zone], str | None]:
    stmt = select(Zone).where(_org_rows_within(ctx, within, Zone.org_id))
    if org_id is not None:
        stmt = stmt.where(Zone.org_id == org_id)
    rows = (await session.execute(keyset_page(stmt, [Zone.id], cursor, limit))).scalars().all()
    return page_of(rows, limit, lambda z: [z.id])


async def create_post(session: AsyncSession, ctx: OrgsContext, data: PostCreate, *, members: PeerClient) -> Post:
    """A post with its holders, each a member in the caller's scope."""
    known = await members_in_scope(session, ctx, members, [h.member_id for h in data.holders]) if data.holders else set()
    org = await referenced_org(session, ctx, data.org_id, "org_id")
    if data.zone_id is not None:
        zone = await session.get(Zone, data.zone_id)
        if zone is None or zone.org_id != org.id:
            raise unknown_reference("zone_id", "Zone")
    unknown = [h.member_id for h in data.holders if h.member_id not in known]
    if unknown:
        raise UNKNOWN_REFERENCE(
            "No member of that id in the caller's scope",
            errors=[
                field_error(f"holders.{i}.member_id", "no such member")
                for i, h in enumerate(data.holders)
                if h.member_id in unknown
            ],
        )
    post = Post(id=uuid.uuid4(), version=1, **data.model_dump(exclude={"holders"}))
    session.add(post)
    await session.flush()
    for holder in data.holders:
        session.add(PostHolder(id=uuid.uuid4(), post_id=post.id, **holder.model_dump()))
    await session.flush()
    (view,) = await post_views(session, [post])
    await entity_event(session, "post.created", post.id, PostShape, view)
    return post


async def holders_of(session: AsyncSession, post_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[PostHolder]]:
    found: dict[uuid.UUID, list[PostHolder]] = {pid: [] for pid in post_ids}
    if post_ids:
        rows = (
            await session.execute(select(PostHolder).where(PostHolder.post_id.in_(post_ids)).order_by(PostHolder.since))
        ).scalars()
        for holder in rows:
            found[holder.post_id].append(holder)
    return found


def _post_view(post: Post, holders: list[PostHolder] | None = None) -> dict[str, object]:
    return {
        "id": post.id,
        "org_id": post.org_id,
        "zone_id": post.zone_id,
        "name": post.name,
        "duties": post.duties,
        "version": post.version,
        "closed_on": post.closed_on,
        "close_reason": post.close_reason,
        "holders": [{"member_id": h.member_id, "since": h.since, "until": h.until} for h in holders or []],
    }


async def post_views(session: AsyncSession, posts: list[Post]) -> list[dict[str, object]]:
    holders = await holders_of(session, [p.id for p in posts])
    return [_post_view(p, holders[p.id]) for p in posts]


async def list_posts(
    session: AsyncSession,
    ctx: OrgsContext,
    *,
    within: uuid.UUID | None,
    org_id: uuid.UUID | None,
    member_id: uuid.UUID | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[Post], str | None]:
    stmt = select(Post).where(_org_rows_within(ctx, within, Post.org_id))
    if org_id is not None:
        stmt = stmt.where(Post.org_id == org_id)
    if member_id is not None:
        stmt = stmt.where(Post.id.in_(select(PostHolder.post_id).where(PostHolder.member_id == member_id)))
    rows = (await session.execute(keyset_page(stmt, [Post.id], cursor, limit))).scalars().all()
    return page_of(rows, limit, lambda p: [p.id])


async def get_post(session: AsyncSession, ctx: OrgsContext, post_id: uuid.UUID, *, for_update: bool = False) -> Post:
    stmt = select(Post).where(Post.id == post_id, _org_rows_within(ctx, None, Post.org_id))
    if for_update:
        stmt = stmt.with_for_update()
    post = (await session.execute(stmt)).scalar_one_or_none()
    if post is None:
        raise not_found("Post", post_id)
    return post


async def _post_changed(session: AsyncSession, post: Post, event: str) -> None:
    post.version += 1
    await session.flush()
    (view,) = await post_views(session, [post])
    await entity_event(session, event, post.id, PostShape, view)


async def change_holder(
    session: AsyncSession,
    ctx: OrgsContext,
    post_id: uuid.UUID,
    data: PostHolderChange,
    *,
    members: PeerClient,
    preconditions: Preconditions,
) -> Post:
    """A new holder from `since`; the replaced holder's holding ends the day before (kept as history)."""
    named = [data.member_id] + ([data.replaces_member_id] if data.replaces_member_id else [])
    known = await members_in_scope(session, ctx, members, named)
    post = await get_post(session, ctx, post_id, for_update=True)
    preconditions.check(post.version)
    if post.closed_on is not None:
        raise ALREADY_ENDED(f"The post was closed on {post.closed_on.isoformat()}")
    if data.member_id not in known:
        raise unknown_reference("member_id", "Member")
    holders = (await holders_of(session, [post.id]))[post.id]
    replaced = None
    if data.replaces_member_id is not None:
        replaced = rules.holding_to_end([(h.member_id, h.since, h.until) for h in holders], data.replaces_member_id, data.since)
        if replaced is None:
            raise RULE_VIOLATION.on(
                "replaces_member_id",
                "holds this post on no day before the change",
                detail="The member replaced must hold the post the day before `since` (and since an earlier day)",
            )
    error = rules.holder_overlap_error([(h.member_id, h.since, h.until) for h in holders], data.member_id, data.since)
    if error:
        raise RULE_VIOLATION.on("member_id", error, detail=error)
    if replaced is not None:
        holding = next(h for h in holders if (h.member_id, h.since, h.until) == replaced)
        holding.until = data.since - timedelta(days=1)
    session.add(PostHolder(id=uuid.uuid4(), post_id=post.id, member_id=data.member_id, since=data.since, until=None))
    await _post_changed(session, post, "post.holder_changed")
    return post


async def close_post(
    session: AsyncSession, ctx: OrgsContext, post_id: uuid.UUID, data: PostClose, *, preconditions: Preconditions
) -> Post:
    """The post closes on `closed_on`: every holding still open ends on it; the history stays."""
    post = await get_post(session, ctx, post_id, for_update=True)
    preconditions.check(post.version)
    if post.closed_on is not None:
        raise ALREADY_ENDED(f"The post was closed on {post.closed_on.isoformat()}")
    holders = (await holders_of(session, [post.id]))[post.id]
    # Not in the future, and not before the latest holding began (every holding ends on it at the latest).
    latest_start = max((h.since for h in holders), default=data.closed_on)
    errors = community_rules.end_errors(since=latest_start, until=data.closed_on, today=ctx.today, field="closed_on")
    if errors:
        raise RULE_VIOLATION(errors[0]["message"], errors=errors)
    for holding in holders:
        if holding.until is None or holding.until > data.closed_on:
            holding.until = data.closed_on
    post.closed_on, post.close_reason = data.closed_on, data.reason
    await _post_changed(session, post, "post.closed")
    return post


async def holdings(
    session: AsyncSession,
    ctx: OrgsContext,
    *,
    member_id: uuid.UUID,
    current: bool | None,
    as_of: date | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[PostHoldingShape], str | None]:
    """The posts in the caller's scope that the member holds (on `as_of`) or held."""
    as_of = as_of or ctx.today
    stmt = (
        select(PostHolder, Post)
        .join(Post, Post.id == PostHolder.post_id)
        .where(PostHolder.member_id == member_id, _org_rows_within(ctx, None, Post.org_id))
    )
    if current is not None:
        held = and_(PostHolder.since <= as_of, or_(PostHolder.until.is_(None), PostHolder.until >= as_of))
        stmt = stmt.where(held if current else ~held)
    rows: list[tuple[PostHolder, Post]] = [
        (row[0], row[1])
        for row in (await session.execute(keyset_page(cast(Select[Any], stmt), [PostHolder.id], cursor, limit))).all()
    ]
    page, next_cursor = page_of(rows, limit, lambda row: [row[0].id])
    return [
        PostHoldingShape(
            post_id=post.id,
            org_id=post.org_id,
            zone_id=post.zone_id,
            name=post.name,
            duties=post.duties,
            post_closed_on=post.closed_on,
            member_id=holder.member_id,
            since=holder.since,
            until=holder.until,
        )
        for holder, post in page
    ], next_cursor
