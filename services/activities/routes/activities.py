"""`/api/v1/activities`: the activity log (its attendance, files and statistics have their own modules)."""

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from services.activities import errors
from services.activities.enums import ActivityStatus
from services.activities.routes.deps import Reader, Writer
from services.activities.schemas.activities import Activity, ActivityCreate, ActivityUpdate
from services.activities.service import activities as service
from services.kit.db import ReadSessionDep, WriteSessionDep
from services.kit.idempotency import Idempotent
from services.kit.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery, Page
from services.kit.problems import answers
from services.kit.versioning import PreconditionsDep, set_etag

router = APIRouter(prefix="/api/v1/activities", tags=["activities"])

# What an activity's (new) state is checked against, on every write.
CHECKED = (
    errors.VALIDATION_ERROR,
    errors.UNKNOWN_ACTIVITY_TYPE,
    errors.INVALID_SCHEDULE,
    errors.UNKNOWN_CAMPAIGN,
    errors.UNKNOWN_VENUE,
    errors.UNKNOWN_MEMBER,
    errors.UNKNOWN_UNIT,
    errors.SERVED_MEMBER_REQUIRED,
)
CHANGED = (errors.NOT_FOUND, errors.ACTIVITY_CANCELLED, errors.INVALID_STATUS_CHANGE, errors.TOO_MANY_HOURS_IN_A_DAY, *CHECKED)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=Activity,
    dependencies=[Idempotent],
    responses=answers(errors.UNKNOWN_ORGANIZATION, errors.ORGANIZATION_CANNOT_ORGANIZE, CHECKED),
)
async def create_activity(data: ActivityCreate, session: WriteSessionDep, ctx: Writer) -> Activity:
    return Activity.model_validate(await service.create_activity(session, ctx, data))


@router.get("", response_model=Page[Activity])
async def list_activities(
    session: ReadSessionDep,
    ctx: Reader,
    within: Annotated[uuid.UUID | None, Query(description="Only activities of this organization's subtree")] = None,
    org_id: uuid.UUID | None = None,
    type: Annotated[str | None, Query(max_length=64)] = None,
    status: ActivityStatus | None = None,
    campaign: Annotated[str | None, Query(max_length=64)] = None,
    from_day: Annotated[date | None, Query(alias="from")] = None,
    to_day: Annotated[date | None, Query(alias="to")] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
) -> Page[Activity]:
    activities, next_cursor = await service.list_activities(
        session,
        ctx,
        within=within,
        org_id=org_id,
        type=type,
        status=status,
        campaign=campaign,
        from_day=from_day,
        to_day=to_day,
        cursor=cursor,
        limit=limit,
    )
    return Page(items=[Activity.model_validate(a) for a in activities], next_cursor=next_cursor)


@router.get("/{activity_id}", response_model=Activity, responses=answers(errors.NOT_FOUND))
async def get_activity(activity_id: uuid.UUID, response: Response, session: ReadSessionDep, ctx: Reader) -> Activity:
    activity = Activity.model_validate(await service.get_activity(session, ctx, activity_id))
    set_etag(response, activity.version)
    return activity


@router.patch(
    "/{activity_id}",
    response_model=Activity,
    description="`If-Match` with the ETag read last: 428 without, 412 if stale.",
    responses=answers(errors.RULE_VIOLATION, CHANGED),
)
async def update_activity(
    activity_id: uuid.UUID,
    data: ActivityUpdate,
    response: Response,
    session: WriteSessionDep,
    ctx: Writer,
    preconditions: PreconditionsDep,
) -> Activity:
    updated = await service.update_activity(session, ctx, activity_id, data, preconditions=preconditions)
    activity = Activity.model_validate(updated)
    set_etag(response, activity.version)
    return activity


@router.post("/{activity_id}/held", response_model=Activity, dependencies=[Idempotent], responses=answers(CHANGED))
async def mark_held(activity_id: uuid.UUID, session: WriteSessionDep, ctx: Writer) -> Activity:
    return Activity.model_validate(await service.set_status(session, ctx, activity_id, ActivityStatus.held))


@router.post("/{activity_id}/cancel", response_model=Activity, dependencies=[Idempotent], responses=answers(CHANGED))
async def cancel(activity_id: uuid.UUID, session: WriteSessionDep, ctx: Writer) -> Activity:
    return Activity.model_validate(await service.set_status(session, ctx, activity_id, ActivityStatus.cancelled))
