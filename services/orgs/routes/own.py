"""`/api/v1/me/...` (orgs' part): the caller's own responsibility posts, their zones and team positions."""

from typing import Annotated

from fastapi import APIRouter

from services.kit.context import self_context
from services.kit.db import ReadSessionDep
from services.orgs.schemas.teams import Position
from services.orgs.schemas.units import Post, Zone
from services.orgs.service import own
from services.orgs.service.common import OrgsContext

router = APIRouter(prefix="/api/v1/me", tags=["own view"])

# A `member` account linked to a member record (kit.auth.admits_self).
SelfContext = Annotated[OrgsContext, self_context(OrgsContext)]


@router.get("/posts", response_model=list[Post])
async def own_posts(session: ReadSessionDep, ctx: SelfContext) -> list[Post]:
    """The responsibility posts (黨員責任崗) the caller holds or held, with their holders."""
    return [Post.model_validate(view) for view in await own.posts(session, ctx)]


@router.get("/zones", response_model=list[Zone])
async def own_zones(session: ReadSessionDep, ctx: SelfContext) -> list[Zone]:
    """The responsibility zones (責任區) of the caller's posts."""
    return [Zone.model_validate(zone) for zone in await own.zones(session, ctx)]


@router.get("/positions", response_model=list[Position])
async def own_positions(session: ReadSessionDep, ctx: SelfContext) -> list[Position]:
    """The caller's places in organizations' teams (班子), past and present."""
    return [Position.model_validate(position) for position in await own.positions(session, ctx)]
