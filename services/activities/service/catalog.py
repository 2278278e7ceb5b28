"""The activity type dictionary and the activity venues (活動陣地)."""

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.activities import errors
from services.activities.models import ActivityType, Venue, org_replica
from services.activities.rules import ActivitiesPolicy
from services.activities.schemas.catalog import ActivityTypeCreate, ActivityTypeOut, VenueCreate
from services.activities.service.common import ActivitiesContext, in_scope, referenced_org
from services.kit.auth import Forbidden
from services.kit.pagination import keyset_page, page_of
from services.kit.tree import within_node


def _out(row: ActivityType, policy: ActivitiesPolicy) -> ActivityTypeOut:
    # The policy is where compliance frequencies live; the dictionary shows the one in force.
    return ActivityTypeOut(
        code=row.code,
        zh_hant=row.zh_hant,
        zh_hans=row.zh_hans,
        org_kinds=row.org_kinds,
        frequency=policy.frequencies.get(row.code, row.frequency),
        builtin=row.builtin,
    )


async def list_types(session: AsyncSession, ctx: ActivitiesContext) -> list[ActivityTypeOut]:
    rows = (await session.execute(select(ActivityType).order_by(ActivityType.code))).scalars().all()
    return [_out(r, ctx.policy) for r in rows]


async def create_type(session: AsyncSession, ctx: ActivitiesContext, data: ActivityTypeCreate) -> ActivityTypeOut:
    # The dictionary is shared by the whole tree; the administrative roles see no business data.
    if ctx.scope is not None:
        raise Forbidden("Only an administrator of the whole tree may extend the activity types")
    if await session.get(ActivityType, data.code):
        raise errors.DUPLICATE_ACTIVITY_TYPE(f"The activity type {data.code} exists")
    row = ActivityType(
        code=data.code,
        zh_hant=data.zh_hant,
        zh_hans=data.zh_hans,
        org_kinds=list(data.org_kinds),
        frequency=data.frequency.value if data.frequency else None,
        builtin=False,
    )
    session.add(row)
    await session.flush()
    return _out(row, ctx.policy)


async def create_venue(session: AsyncSession, ctx: ActivitiesContext, data: VenueCreate) -> Venue:
    await referenced_org(session, ctx, data.org_id)
    venue = Venue(**data.model_dump())
    session.add(venue)
    await session.flush()
    return venue


async def list_venues(
    session: AsyncSession, ctx: ActivitiesContext, *, within: uuid.UUID | None, cursor: str | None, limit: int
) -> tuple[list[Venue], str | None]:
    stmt = select(Venue).join(org_replica, org_replica.c.id == Venue.org_id).where(in_scope(ctx))
    if within is not None:
        stmt = stmt.where(within_node(within, org_replica.c.path, org_replica.c.id, org_replica.c.path))
    rows = (await session.execute(keyset_page(stmt, [Venue.id], cursor, limit))).scalars().all()
    return page_of(rows, limit, lambda v: [v.id])
