"""A community's small records the diagnostics judge: its joint-stock economic cooperative
(股份經濟合作社, with its party organization if any), its community workers (社區工作者) and its
activity venues (活動場地) with their facilities.

Each record belongs to a community and is seen through it: a community outside the caller's
subtree makes its records not found (404), and as a `community_id` in a body an unknown reference
(422). No events: nothing elsewhere keeps a copy.
"""

import uuid
from typing import Any, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.pagination import keyset_page, page_of
from services.kit.versioning import Preconditions
from services.orgs.errors import RULE_VIOLATION
from services.orgs.models import Community, CommunityWorker, Cooperative, Venue
from services.orgs.rules import community_records as rules
from services.orgs.schemas.community_records import (
    CommunityWorkerCreate,
    CommunityWorkerUpdate,
    CooperativeCreate,
    CooperativeUpdate,
    VenueCreate,
    VenueUpdate,
)
from services.orgs.service.common import OrgsContext, not_found, referenced_org
from services.orgs.service.communities import communities_within, community_in_scope, referenced_community

Record = TypeVar("Record", Cooperative, CommunityWorker, Venue)
WHAT: dict[type[Any], str] = {Cooperative: "Cooperative", CommunityWorker: "Community worker", Venue: "Venue"}


def _visible(ctx: OrgsContext, model: type[Record]) -> Select[Record]:
    return select(model).join(Community, Community.id == model.community_id).where(community_in_scope(ctx))


async def _get(
    session: AsyncSession, ctx: OrgsContext, model: type[Record], record_id: uuid.UUID, *, for_update: bool = False
) -> Record:
    stmt = _visible(ctx, model).where(model.id == record_id)
    if for_update:
        stmt = stmt.with_for_update(of=model)
    record: Record | None = (await session.execute(stmt)).scalar_one_or_none()
    if record is None:
        raise not_found(WHAT[model], record_id)
    return record


async def _list(
    session: AsyncSession,
    ctx: OrgsContext,
    model: type[Record],
    *,
    community_id: uuid.UUID | None,
    within: uuid.UUID | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[Record], str | None]:
    stmt = _visible(ctx, model)
    if community_id is not None:
        stmt = stmt.where(model.community_id == community_id)
    if within is not None:
        stmt = stmt.where(communities_within(within))
    rows = (await session.execute(keyset_page(stmt, [model.id], cursor, limit))).scalars().all()
    return page_of(rows, limit, lambda r: [r.id])


def _required(changes: dict[str, Any], *fields: str) -> None:
    for field in fields:
        if field in changes and changes[field] is None:
            raise RULE_VIOLATION.on(field, "required", detail=f"{field} cannot be removed")


async def _add(session: AsyncSession, record: Record) -> Record:
    session.add(record)
    await session.flush()
    return record


async def _changed(session: AsyncSession, record: Record, changes: dict[str, Any]) -> Record:
    for key, value in changes.items():
        setattr(record, key, value)
    record.version += 1
    await session.flush()
    return record


# Cooperatives.


async def _check_cooperative_org(session: AsyncSession, ctx: OrgsContext, community: Community, party_org_id: uuid.UUID) -> None:
    """The cooperative's party organization is one of its community's (its top organization
    included: that is the merged case the diagnostics name, recorded as it is)."""
    org = await referenced_org(session, ctx, party_org_id, "party_org_id")
    if org.community_id != community.id:
        raise RULE_VIOLATION.on(
            "party_org_id",
            "not an organization of this community",
            detail="A cooperative's party organization belongs to the cooperative's community",
        )


async def create_cooperative(session: AsyncSession, ctx: OrgsContext, data: CooperativeCreate) -> Cooperative:
    community = await referenced_community(session, ctx, data.community_id, "community_id")
    if data.party_org_id is not None:
        await _check_cooperative_org(session, ctx, community, data.party_org_id)
    return await _add(session, Cooperative(id=uuid.uuid4(), version=1, **data.model_dump()))


async def get_cooperative(session: AsyncSession, ctx: OrgsContext, cooperative_id: uuid.UUID) -> Cooperative:
    return await _get(session, ctx, Cooperative, cooperative_id)


async def update_cooperative(
    session: AsyncSession, ctx: OrgsContext, cooperative_id: uuid.UUID, data: CooperativeUpdate, *, preconditions: Preconditions
) -> Cooperative:
    cooperative = await _get(session, ctx, Cooperative, cooperative_id, for_update=True)
    preconditions.check(cooperative.version)
    changes = data.model_dump(exclude_unset=True)
    if not changes:
        return cooperative
    _required(changes, "name")
    if changes.get("party_org_id") is not None and changes["party_org_id"] != cooperative.party_org_id:
        community = await session.get_one(Community, cooperative.community_id)
        await _check_cooperative_org(session, ctx, community, changes["party_org_id"])
    return await _changed(session, cooperative, changes)


async def list_cooperatives(
    session: AsyncSession,
    ctx: OrgsContext,
    *,
    community_id: uuid.UUID | None,
    within: uuid.UUID | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[Cooperative], str | None]:
    return await _list(session, ctx, Cooperative, community_id=community_id, within=within, cursor=cursor, limit=limit)


# Community workers.


async def create_worker(session: AsyncSession, ctx: OrgsContext, data: CommunityWorkerCreate) -> CommunityWorker:
    await referenced_community(session, ctx, data.community_id, "community_id")
    values = data.model_dump()
    return await _add(session, CommunityWorker(id=uuid.uuid4(), version=1, **values))


async def get_worker(session: AsyncSession, ctx: OrgsContext, worker_id: uuid.UUID) -> CommunityWorker:
    return await _get(session, ctx, CommunityWorker, worker_id)


async def update_worker(
    session: AsyncSession, ctx: OrgsContext, worker_id: uuid.UUID, data: CommunityWorkerUpdate, *, preconditions: Preconditions
) -> CommunityWorker:
    worker = await _get(session, ctx, CommunityWorker, worker_id, for_update=True)
    preconditions.check(worker.version)
    changes = data.model_dump(exclude_unset=True)
    if not changes:
        return worker
    _required(changes, "name", "birth_date", "education", "since")
    error = rules.worker_dates_error(
        changes.get("birth_date", worker.birth_date), changes.get("since", worker.since), changes.get("until", worker.until)
    )
    if error:
        raise RULE_VIOLATION.on(error[0], error[1], detail=f"The worker's dates are not a range: {error[1]}")
    return await _changed(session, worker, changes)


async def list_workers(
    session: AsyncSession,
    ctx: OrgsContext,
    *,
    community_id: uuid.UUID | None,
    within: uuid.UUID | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[CommunityWorker], str | None]:
    return await _list(session, ctx, CommunityWorker, community_id=community_id, within=within, cursor=cursor, limit=limit)


# Venues.


async def create_venue(session: AsyncSession, ctx: OrgsContext, data: VenueCreate) -> Venue:
    await referenced_community(session, ctx, data.community_id, "community_id")
    values = data.model_dump() | {"facilities": [f.value for f in rules.facilities_set(data.facilities)]}
    return await _add(session, Venue(id=uuid.uuid4(), version=1, **values))


async def get_venue(session: AsyncSession, ctx: OrgsContext, venue_id: uuid.UUID) -> Venue:
    return await _get(session, ctx, Venue, venue_id)


async def update_venue(
    session: AsyncSession, ctx: OrgsContext, venue_id: uuid.UUID, data: VenueUpdate, *, preconditions: Preconditions
) -> Venue:
    venue = await _get(session, ctx, Venue, venue_id, for_update=True)
    preconditions.check(venue.version)
    changes = data.model_dump(exclude_unset=True)
    if not changes:
        return venue
    _required(changes, "name", "facilities")
    if "facilities" in changes:
        changes["facilities"] = [f.value for f in rules.facilities_set(data.facilities or [])]
    return await _changed(session, venue, changes)


async def list_venues(
    session: AsyncSession,
    ctx: OrgsContext,
    *,
    community_id: uuid.UUID | None,
    within: uuid.UUID | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[Venue], str | None]:
    return await _list(session, ctx, Venue, community_id=community_id, within=within, cursor=cursor, limit=limit)
