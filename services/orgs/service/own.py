"""A member's own view (`/api/v1/me/...`), the orgs part: the responsibility posts the caller holds
or held (with their holders), the zones of those posts, and the caller's team positions. Every
query is keyed by the caller's own member id (kit.auth.admits_self), never by the request."""

import uuid

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.orgs.models import Position, Post, PostHolder, Zone
from services.orgs.service.common import OrgsContext
from services.orgs.service.units import post_views


def _member_id(ctx: OrgsContext) -> uuid.UUID:
    member_id = ctx.caller.member_id
    assert member_id is not None  # admits_self let only a linked account in
    return member_id


def _held_post_ids(ctx: OrgsContext) -> Select[uuid.UUID]:
    return select(PostHolder.post_id).where(PostHolder.member_id == _member_id(ctx))


async def posts(session: AsyncSession, ctx: OrgsContext) -> list[dict[str, object]]:
    rows = (await session.execute(select(Post).where(Post.id.in_(_held_post_ids(ctx))).order_by(Post.name, Post.id))).scalars()
    # Of each post's holders only the caller's own holding: who else holds it is not theirs to see.
    views = await post_views(session, list(rows))
    own_id = _member_id(ctx)
    for view in views:
        holders = view.get("holders")
        if isinstance(holders, list):
            view["holders"] = [h for h in holders if _holder_member(h) == own_id]
    return views


def _holder_member(holder: object) -> object:
    return holder.get("member_id") if isinstance(holder, dict) else getattr(holder, "member_id", None)


async def zones(session: AsyncSession, ctx: OrgsContext) -> list[Zone]:
    held_zones = select(Post.zone_id).where(Post.id.in_(_held_post_ids(ctx)), Post.zone_id.is_not(None))
    stmt = select(Zone).where(Zone.id.in_(held_zones)).order_by(Zone.name, Zone.id)
    return list((await session.execute(stmt)).scalars().all())


async def positions(session: AsyncSession, ctx: OrgsContext) -> list[Position]:
    stmt = select(Position).where(Position.member_id == _member_id(ctx)).order_by(Position.since, Position.id)
    return list((await session.execute(stmt)).scalars().all())
