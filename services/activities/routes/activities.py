"""`/api/v1/activities`: the activity log."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from services.activities import service
from services.activities.schemas import Activity, ActivityCreate
from services.kit.auth import Caller, require_roles
from services.kit.db import ReadSessionDep, WriteSessionDep
from services.kit.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery, Page

router = APIRouter(prefix="/api/v1/activities", tags=["activities"])

Reader = Annotated[Caller, require_roles("org_admin", "viewer")]
Writer = Annotated[Caller, require_roles("org_admin")]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=Activity)
async def create_activity(data: ActivityCreate, session: WriteSessionDep, caller: Writer) -> Activity:
    return Activity.model_validate(await service.create_activity(session, caller, data))


@router.get("", response_model=Page[Activity])
async def list_activities(
    session: ReadSessionDep,
    caller: Reader,
    within: Annotated[uuid.UUID | None, Query(description="Only activities of this organization's subtree")] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
) -> Page[Activity]:
    activities, next_cursor = await service.list_activities(session, caller, within=within, cursor=cursor, limit=limit)
    return Page(items=[Activity.model_validate(a) for a in activities], next_cursor=next_cursor)
