"""`/api/v1/activity-types` (the dictionary) and `/api/v1/venues` (活動陣地)."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from services.activities.routes.deps import PolicyDep, Reader, Writer
from services.activities.schemas import ActivityTypeCreate, ActivityTypeOut, VenueCreate, VenueOut
from services.activities.service import catalog
from services.kit.db import ReadSessionDep, WriteSessionDep
from services.kit.idempotency import Idempotent
from services.kit.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery, Page

router = APIRouter(prefix="/api/v1", tags=["catalog"])


@router.get("/activity-types", response_model=list[ActivityTypeOut])
async def list_types(session: ReadSessionDep, _caller: Reader, policy: PolicyDep) -> list[ActivityTypeOut]:
    return await catalog.list_types(session, policy)


@router.post("/activity-types", status_code=status.HTTP_201_CREATED, response_model=ActivityTypeOut, dependencies=[Idempotent])
async def create_type(data: ActivityTypeCreate, session: WriteSessionDep, caller: Writer, policy: PolicyDep) -> ActivityTypeOut:
    return await catalog.create_type(session, caller, data, policy)


@router.post("/venues", status_code=status.HTTP_201_CREATED, response_model=VenueOut, dependencies=[Idempotent])
async def create_venue(data: VenueCreate, session: WriteSessionDep, caller: Writer) -> VenueOut:
    return VenueOut.model_validate(await catalog.create_venue(session, caller, data))


@router.get("/venues", response_model=Page[VenueOut])
async def list_venues(
    session: ReadSessionDep,
    caller: Reader,
    within: Annotated[uuid.UUID | None, Query(description="Only venues of this organization's subtree")] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
) -> Page[VenueOut]:
    venues, next_cursor = await catalog.list_venues(session, caller, within=within, cursor=cursor, limit=limit)
    return Page(items=[VenueOut.model_validate(v) for v in venues], next_cursor=next_cursor)
