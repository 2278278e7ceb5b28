"""`/api/v1/activities`: the activity log, its attendance, its files and its statistics."""

import uuid
from datetime import date
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status
from fastapi.responses import FileResponse

from services.activities.routes.deps import PeriodDep, PolicyDep, Reader, Writer
from services.activities.schemas import (
    Activity,
    ActivityCreate,
    ActivityStats,
    ActivityStatus,
    ActivityUpdate,
    AttachmentKind,
    AttachmentOut,
    AttendanceChange,
    AttendanceCreate,
    AttendanceSheet,
)
from services.activities.service import activities as service
from services.activities.service import attachments, attendance, stats
from services.kit.db import ReadSessionDep, WriteSessionDep
from services.kit.filenames import content_disposition
from services.kit.idempotency import Idempotent
from services.kit.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery, Page
from services.kit.versioning import PreconditionsDep, set_etag

router = APIRouter(prefix="/api/v1/activities", tags=["activities"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=Activity, dependencies=[Idempotent])
async def create_activity(data: ActivityCreate, session: WriteSessionDep, caller: Writer, policy: PolicyDep) -> Activity:
    return Activity.model_validate(await service.create_activity(session, caller, data, policy))


@router.get("", response_model=Page[Activity])
async def list_activities(
    session: ReadSessionDep,
    caller: Reader,
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
        caller,
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


@router.get("/stats", response_model=ActivityStats)
async def activity_stats(
    session: ReadSessionDep,
    caller: Reader,
    policy: PolicyDep,
    within: uuid.UUID,
    period: PeriodDep,
    group_by: Annotated[str, Query(max_length=5, pattern="^(type|month|org)$")] = "type",
) -> ActivityStats:
    return await stats.activity_stats(session, caller, within, period=period, group_by=group_by, policy=policy)


@router.get("/{activity_id}", response_model=Activity)
async def get_activity(activity_id: uuid.UUID, response: Response, session: ReadSessionDep, caller: Reader) -> Activity:
    activity = Activity.model_validate(await service.get_activity(session, caller, activity_id))
    set_etag(response, activity.version)
    return activity


@router.patch(
    "/{activity_id}", response_model=Activity, description="`If-Match` with the ETag read last: 428 without, 412 if stale."
)
async def update_activity(
    activity_id: uuid.UUID,
    data: ActivityUpdate,
    response: Response,
    session: WriteSessionDep,
    caller: Writer,
    policy: PolicyDep,
    preconditions: PreconditionsDep,
) -> Activity:
    updated = await service.update_activity(session, caller, activity_id, data, policy, preconditions=preconditions)
    activity = Activity.model_validate(updated)
    set_etag(response, activity.version)
    return activity


@router.post("/{activity_id}/held", response_model=Activity, dependencies=[Idempotent])
async def mark_held(activity_id: uuid.UUID, session: WriteSessionDep, caller: Writer, policy: PolicyDep) -> Activity:
    return Activity.model_validate(await service.set_status(session, caller, activity_id, ActivityStatus.held, policy))


@router.post("/{activity_id}/cancel", response_model=Activity, dependencies=[Idempotent])
async def cancel(activity_id: uuid.UUID, session: WriteSessionDep, caller: Writer, policy: PolicyDep) -> Activity:
    return Activity.model_validate(await service.set_status(session, caller, activity_id, ActivityStatus.cancelled, policy))


@router.post("/{activity_id}/attendance", response_model=AttendanceSheet, dependencies=[Idempotent])
async def record_attendance(
    activity_id: uuid.UUID, data: AttendanceCreate, session: WriteSessionDep, caller: Writer, policy: PolicyDep
) -> AttendanceSheet:
    return await attendance.record_attendance(session, caller, activity_id, data, policy)


@router.patch(
    "/{activity_id}/attendance/{member_id}",
    response_model=AttendanceSheet,
    description='`If-Match`: the record\'s ETag, `"<version>"` of its row in the sheet (428 without, 412 if stale); '
    "the answer's `ETag` is the changed record's.",
)
async def change_attendance(
    activity_id: uuid.UUID,
    member_id: uuid.UUID,
    data: AttendanceChange,
    session: WriteSessionDep,
    caller: Writer,
    policy: PolicyDep,
    response: Response,
    preconditions: PreconditionsDep,
) -> AttendanceSheet:
    sheet = await attendance.change_attendance(
        session, caller, activity_id, member_id, data=data, policy=policy, preconditions=preconditions
    )
    set_etag(response, next(item.version for item in sheet.items if item.member_id == member_id))
    return sheet


@router.get("/{activity_id}/attendance", response_model=AttendanceSheet)
async def attendance_sheet(activity_id: uuid.UUID, session: ReadSessionDep, caller: Reader) -> AttendanceSheet:
    return await attendance.attendance_sheet(session, caller, activity_id)


@router.post(
    "/{activity_id}/attachments",
    status_code=status.HTTP_201_CREATED,
    response_model=AttachmentOut,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                t: {"schema": {"type": "string", "format": "binary"}} for t in ("image/jpeg", "image/png", "application/pdf")
            },
        }
    },
    dependencies=[Idempotent],
)
async def upload_attachment(
    activity_id: uuid.UUID,
    request: Request,
    session: WriteSessionDep,
    caller: Writer,
    policy: PolicyDep,
    filename: Annotated[str, Query(min_length=1, max_length=200)],
    kind: AttachmentKind = AttachmentKind.photo,
) -> AttachmentOut:
    """The file is the raw request body, its type the Content-Type header (no multipart)."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    length = request.headers.get("content-length")
    stored = await attachments.store_attachment(
        session,
        caller,
        activity_id,
        kind=kind,
        filename=filename,
        media_type=media_type,
        declared_length=int(length) if length and length.isdigit() else None,
        chunks=request.stream(),
        policy=policy,
        data_dir=Path(request.app.state.settings.data_dir),
    )
    return AttachmentOut.model_validate(stored)


@router.get("/{activity_id}/attachments", response_model=list[AttachmentOut])
async def list_attachments(activity_id: uuid.UUID, session: ReadSessionDep, caller: Reader) -> list[AttachmentOut]:
    return [AttachmentOut.model_validate(a) for a in await attachments.list_attachments(session, caller, activity_id)]


@router.get("/{activity_id}/attachments/{attachment_id}/content", response_class=FileResponse)
async def download_attachment(
    activity_id: uuid.UUID, attachment_id: uuid.UUID, request: Request, session: ReadSessionDep, caller: Reader
) -> FileResponse:
    found = await attachments.get_attachment(session, caller, activity_id, attachment_id)
    path = attachments.blob_path(Path(request.app.state.settings.data_dir), found.sha256)
    # Sanitized again: rows stored before names were sanitized at upload.
    return FileResponse(path, media_type=found.media_type, headers={"Content-Disposition": content_disposition(found.filename)})
