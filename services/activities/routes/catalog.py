"""`/api/v1/activity-types` (the dictionary) and `/api/v1/venues` (活動陣地)."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from services.activities import errors
from services.activities.routes.deps import Reader, Writer
from services.activities.schemas.catalog import ActivityTypeCreate, ActivityTypeOut, VenueCreate, VenueOut
from services.activities.service import catalog
from services.kit.db import ReadSessionDep, WriteSessionDep
from services.kit.idempotency import Idempotent
from services.kit.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery, Page
from services.kit.problems import answers

router = APIRouter(prefix="/api/v1", tags=["catalog"])


@router.get("/activity-types", response_model=list[ActivityTypeOut])
async def list_types(session: ReadSessionDep, ctx: Reader) -> list[ActivityTypeOut]:
    return await catalog.list_types(session, ctx)


@router.post(
    "/activity-types",
    status_code=status.HTTP_201_CREATED,
    response_model=ActivityTypeOut,
    dependencies=[Idempotent],
    responses=answers(errors.FORBIDDEN, errors.DUPLICATE_ACTIVITY_TYPE),
)
async def create_type(data: ActivityTypeCreate, session: WriteSessionDep, ctx: Writer) -> ActivityTypeOut:
    return await catalog.create_type(session, ctx, data)


@router.post(
    "/venues",
    status_code=status.HTTP_201_CREATED,
    response_model=VenueOut,
    dependencies=[Idempotent],
    responses=answers(errors.VALIDATION_ERROR, errors.UNKNOWN_ORGANIZATION),
)
async def create_venue(data: VenueCreate, session: WriteSessionDep, ctx: Writer) -> VenueOut:
    return VenueOut.model_validate(await catalog.create_venue(session, ctx, data))


@router.get("/venues", response_model=Page[VenueOut])
async def list_venues(
    session: ReadSessionDep,
    ctx: Reader,
    within: Annotated[uuid.UUID | None, Query(description="Only venues of this organization's subtree")] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
) -> Page[VenueOut]:
    venues, next_cursor = await catalog.list_venues(session, ctx, within=within, cursor=cursor, limit=limit)
    return Page(items=[VenueOut.model_validate(v) for v in venues], next_cursor=next_cursor)
