"""Community units (社區單位), co-building agreements (共建), responsibility zones (責任區) and
member responsibility posts (黨員責任崗) with their holders."""

import uuid

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.auth import Caller
from services.kit.pagination import keyset_page, page_of
from services.kit.problems import NotFound, Unprocessable
from services.kit.tree import ColumnLike, within_node
from services.kit.versioning import Preconditions
from services.orgs import rules
from services.orgs.models import CoBuilding, Community, Organization, Post, PostHolder, Unit, Zone
from services.orgs.rules import OrgsPolicy
from services.orgs.schemas import CoBuilding as CoBuildingShape
from services.orgs.schemas import CoBuildingCreate, OrgKind, PostCreate, UnitCreate, UnitUpdate, ZoneCreate, ZoneKind
from services.orgs.schemas import Post as PostShape
from services.orgs.schemas import Unit as UnitShape
from services.orgs.schemas import Zone as ZoneShape
from services.orgs.service.common import entity_event, in_scope, referenced_org, unknown_reference
from services.orgs.service.communities import communities_within, community_in_scope, referenced_community


def _units_visible(caller: Caller) -> Select[Unit]:
    return select(Unit).join(Community, Community.id == Unit.community_id).where(community_in_scope(caller))


async def get_unit(session: AsyncSession, caller: Caller, unit_id: uuid.UUID, *, for_update: bool = False) -> Unit:
    stmt = _units_visible(caller).where(Unit.id == unit_id)
    if for_update:
        stmt = stmt.with_for_update(of=Unit)
    unit: Unit | None = (await session.execute(stmt)).scalar_one_or_none()
    if unit is None:
        raise NotFound("Unit", unit_id)
    return unit


async def _unit_party_org(
    session: AsyncSession, caller: Caller, party_org_id: uuid.UUID, policy: OrgsPolicy, unit_id: uuid.UUID | None = None
) -> None:
    # Locked: two units joining the same joint branch at once are counted one after the other.
    org = await referenced_org(session, caller, party_org_id, "party_org_id", for_update=True)
    if org.tier != "unit":
        raise Unprocessable(
            "A unit's own party organization is a unit-tier organization",
            errors=[{"field": "party_org_id", "message": "not a unit organization"}],
        )
    if org.kind == OrgKind.joint_branch:
        joined = select(func.count()).where(Unit.party_org_id == org.id)
        if unit_id is not None:
            joined = joined.where(Unit.id != unit_id)
        error = rules.joint_branch_units_error(int(await session.scalar(joined) or 0) + 1, policy)
        if error:
            raise Unprocessable(error, slug="joint-branch-full", errors=[{"field": "party_org_id", "message": error}])


async def create_unit(session: AsyncSession, caller: Caller, data: UnitCreate, policy: OrgsPolicy) -> Unit:
    await referenced_community(session, caller, data.community_id, "community_id")
    if data.party_org_id:
        await _unit_party_org(session, caller, data.party_org_id, policy)
    unit = Unit(id=uuid.uuid4(), version=1, **data.model_dump())
    session.add(unit)
    await session.flush()
    await entity_event(session, "unit.created", unit.id, UnitShape, unit)
    return unit


async def update_unit(
    session: AsyncSession,
    caller: Caller,
    unit_id: uuid.UUID,
    data: UnitUpdate,
    policy: OrgsPolicy,
    *,
    preconditions: Preconditions,
) -> Unit:
    unit = await get_unit(session, caller, unit_id, for_update=True)
    preconditions.check(unit.version)
    changes = data.model_dump(exclude_unset=True)
    if not changes:
        return unit
    for required in ("name", "category"):
        if required in changes and changes[required] is None:
            raise Unprocessable(f"{required} cannot be removed", errors=[{"field": required, "message": "required"}])
    if changes.get("party_org_id") and changes["party_org_id"] != unit.party_org_id:
        await _unit_party_org(session, caller, changes["party_org_id"], policy, unit.id)
    for key, value in changes.items():
        setattr(unit, key, value)
    unit.version += 1
    await session.flush()
    await entity_event(session, "unit.updated", unit.id, UnitShape, unit)
    return unit


async def list_units(
    session: AsyncSession,
    caller: Caller,
    *,
    community_id: uuid.UUID | None,
    within: uuid.UUID | None,
    has_party_org: bool | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[Unit], str | None]:
    stmt = _units_visible(caller)
    if community_id is not None:
        stmt = stmt.where(Unit.community_id == community_id)
    if within is not None:
        stmt = stmt.where(communities_within(within))
    if has_party_org is not None:
        stmt = stmt.where(Unit.party_org_id.is_not(None) if has_party_org else Unit.party_org_id.is_(None))
    rows = (await session.execute(keyset_page(stmt, [Unit.id], cursor, limit))).scalars().all()
    return page_of(rows, limit, lambda u: [u.id])


async def create_co_building(session: AsyncSession, caller: Caller, data: CoBuildingCreate) -> CoBuilding:
    await referenced_community(session, caller, data.community_id, "community_id")
    try:
        await get_unit(session, caller, data.unit_id)
    except NotFound:
        raise unknown_reference("unit_id", "Unit", data.unit_id) from None
    agreement = CoBuilding(id=uuid.uuid4(), version=1, **data.model_dump())
    session.add(agreement)
    await session.flush()
    await entity_event(session, "co_building.created", agreement.id, CoBuildingShape, agreement)
    return agreement


async def list_co_building(
    session: AsyncSession,
    caller: Caller,
    *,
    community_id: uuid.UUID | None,
    unit_id: uuid.UUID | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[CoBuilding], str | None]:
    stmt = select(CoBuilding).join(Community, Community.id == CoBuilding.community_id).where(community_in_scope(caller))
    if community_id is not None:
        stmt = stmt.where(CoBuilding.community_id == community_id)
    if unit_id is not None:
        stmt = stmt.where(CoBuilding.unit_id == unit_id)
    rows = (await session.execute(keyset_page(stmt, [CoBuilding.id], cursor, limit))).scalars().all()
    return page_of(rows, limit, lambda a: [a.id])


async def create_zone(session: AsyncSession, caller: Caller, data: ZoneCreate) -> Zone:
    await referenced_org(session, caller, data.org_id, "org_id")
    if data.kind is ZoneKind.unit_co_building_zone and data.unit_id is None:
        raise Unprocessable("A co-building zone names its unit", errors=[{"field": "unit_id", "message": "required"}])
    if data.unit_id is not None:
        try:
            await get_unit(session, caller, data.unit_id)
        except NotFound:
            raise unknown_reference("unit_id", "Unit", data.unit_id) from None
    zone = Zone(id=uuid.uuid4(), version=1, **data.model_dump())
    session.add(zone)
    await session.flush()
    await entity_event(session, "zone.created", zone.id, ZoneShape, zone)
    return zone


def _org_rows_within(caller: Caller, within: uuid.UUID | None, org_column: ColumnLike) -> ColumnElement[bool]:
    condition = select(Organization.id).where(in_scope(caller))
    if within is not None:
        condition = condition.where(within_node(within, Organization.tree_key, Organization.id, Organization.tree_key))
    return org_column.in_(condition)


async def list_zones(
    session: AsyncSession, caller: Caller, *, within: uuid.UUID | None, org_id: uuid.UUID | None, cursor: str | None, limit: int
) -> tuple[list[Zone], str | None]:
    stmt = select(Zone).where(_org_rows_within(caller, within, Zone.org_id))
    if org_id is not None:
        stmt = stmt.where(Zone.org_id == org_id)
    rows = (await session.execute(keyset_page(stmt, [Zone.id], cursor, limit))).scalars().all()
    return page_of(rows, limit, lambda z: [z.id])


async def create_post(session: AsyncSession, caller: Caller, data: PostCreate, known: set[uuid.UUID]) -> Post:
    org = await referenced_org(session, caller, data.org_id, "org_id")
    if data.zone_id is not None:
        zone = await session.get(Zone, data.zone_id)
        if zone is None or zone.org_id != org.id:
            raise unknown_reference("zone_id", "Zone", data.zone_id)
    unknown = [h.member_id for h in data.holders if h.member_id not in known]
    if unknown:
        raise Unprocessable(
            "Unknown member ids among the holders",
            slug="unknown-reference",
            errors=[
                {"field": f"holders.{i}.member_id", "message": "no such member"}
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
    caller: Caller,
    *,
    within: uuid.UUID | None,
    org_id: uuid.UUID | None,
    member_id: uuid.UUID | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[Post], str | None]:
    stmt = select(Post).where(_org_rows_within(caller, within, Post.org_id))
    if org_id is not None:
        stmt = stmt.where(Post.org_id == org_id)
    if member_id is not None:
        stmt = stmt.where(Post.id.in_(select(PostHolder.post_id).where(PostHolder.member_id == member_id)))
    rows = (await session.execute(keyset_page(stmt, [Post.id], cursor, limit))).scalars().all()
    return page_of(rows, limit, lambda p: [p.id])
