"""`/api/v1/activities/{activity_id}/attendance`: who was expected, who came, who was excused."""

import uuid

from fastapi import APIRouter, Response

from services.activities import errors
from services.activities.routes.deps import Reader, Writer
from services.activities.schemas.attendance import AttendanceChange, AttendanceCreate, AttendanceSheet
from services.activities.service import attendance
from services.kit.db import ReadSessionDep, WriteSessionDep
from services.kit.idempotency import Idempotent
from services.kit.problems import answers
from services.kit.versioning import PreconditionsDep, set_etag

router = APIRouter(prefix="/api/v1/activities", tags=["activities"])

# What one attendance record is checked against, sent alone or in a list.
CHECKED = (
    errors.NOT_FOUND,
    errors.VALIDATION_ERROR,
    errors.ACTIVITY_CANCELLED,
    errors.REASON_REQUIRED,
    errors.TOO_MANY_HOURS,
    errors.TOO_MANY_HOURS_IN_A_DAY,
)


@router.post(
    "/{activity_id}/attendance",
    response_model=AttendanceSheet,
    dependencies=[Idempotent],
    responses=answers(
        CHECKED, errors.DUPLICATE_ATTENDANCE, errors.NOT_A_MEMBER, errors.UNKNOWN_MEMBER, errors.ATTENDANCE_RECORDED
    ),
)
async def record_attendance(
    activity_id: uuid.UUID, data: AttendanceCreate, session: WriteSessionDep, ctx: Writer
) -> AttendanceSheet:
    return await attendance.record_attendance(session, ctx, activity_id, data)


@router.patch(
    "/{activity_id}/attendance/{member_id}",
    response_model=AttendanceSheet,
    description='`If-Match`: the record\'s ETag, `"<version>"` of its row in the sheet (428 without, 412 if stale); '
    "the answer's `ETag` is the changed record's.",
    responses=answers(CHECKED),
)
async def change_attendance(
    activity_id: uuid.UUID,
    member_id: uuid.UUID,
    data: AttendanceChange,
    session: WriteSessionDep,
    ctx: Writer,
    response: Response,
    preconditions: PreconditionsDep,
) -> AttendanceSheet:
    sheet = await attendance.change_attendance(session, ctx, activity_id, member_id, data, preconditions=preconditions)
    set_etag(response, next(item.version for item in sheet.items if item.member_id == member_id))
    return sheet


@router.get("/{activity_id}/attendance", response_model=AttendanceSheet, responses=answers(errors.NOT_FOUND))
async def attendance_sheet(activity_id: uuid.UUID, session: ReadSessionDep, ctx: Reader) -> AttendanceSheet:
    return await attendance.attendance_sheet(session, ctx, activity_id)
