"""Community units (社區單位), co-building agreements (共建), responsibility zones (責任區) and
member responsibility posts (黨員責任崗) with their holders."""

import uuid

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.pagination import keyset_page, page_of
from services.kit.peers import PeerClient
from services.kit.problems import field_error
from services.kit.tree import ColumnLike, within_node
from services.kit.versioning import Preconditions
from services.orgs.enums import OrgKind, OrgTier, ZoneKind
from services.orgs.errors import JOINT_BRANCH_FULL, RULE_VIOLATION, UNKNOWN_REFERENCE
from services.orgs.models import CoBuilding, Community, Organization, Post, PostHolder, Unit, Zone
from services.orgs.rules import units as rules
from services.orgs.schemas.units import CoBuilding as CoBuildingShape
from services.orgs.schemas.units import CoBuildingCreate, PostCreate, UnitCreate, UnitUpdate, ZoneCreate
from services.orgs.schemas.units import Post as PostShape
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


async def list_co_building(
    session: AsyncSession,
    ctx: OrgsContext,
    *,
    community_id: uuid.UUID | None,
    unit_id: uuid.UUID | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[CoBuilding], str | None]:
    stmt = select(CoBuilding).join(Community, Community.id == CoBuilding.community_id).where(community_in_scope(ctx))
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
