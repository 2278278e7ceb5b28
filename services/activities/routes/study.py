"""`/api/v1/study`: self-study records and their approval; members' study hours against the requirement."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from services.activities import errors
from services.activities.enums import StudyRecordStatus
from services.activities.routes.deps import AsOfDep, Reader, Writer
from services.activities.schemas.common import WorkList
from services.activities.schemas.study import MemberStudy, StudyDecision, StudyRecordCreate, StudyRecordOut, StudySummary
from services.activities.service import study
from services.kit.db import ReadSessionDep, WriteSessionDep
from services.kit.idempotency import Idempotent
from services.kit.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery, Page
from services.kit.problems import answers

router = APIRouter(prefix="/api/v1/study", tags=["study"])


@router.post(
    "/records",
    status_code=status.HTTP_201_CREATED,
    response_model=StudyRecordOut,
    dependencies=[Idempotent],
    responses=answers(
        errors.VALIDATION_ERROR,
        errors.UNKNOWN_MEMBER,
        errors.MEMBER_NOT_STUDYING,
        errors.FUTURE_STUDY,
        errors.TOO_MANY_HOURS_IN_A_DAY,
    ),
)
async def create_record(data: StudyRecordCreate, session: WriteSessionDep, ctx: Writer) -> StudyRecordOut:
    """A member's self-study, pending until an admin of the member's organization decides."""
    return StudyRecordOut.model_validate(await study.create_record(session, ctx, data))


@router.get("/records", response_model=Page[StudyRecordOut])
async def list_records(
    session: ReadSessionDep,
    ctx: Reader,
    within: Annotated[uuid.UUID | None, Query(description="Only records of this organization's subtree")] = None,
    member_id: uuid.UUID | None = None,
    status: StudyRecordStatus | None = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
) -> Page[StudyRecordOut]:
    rows, next_cursor = await study.list_records(
        session, ctx, within=within, member_id=member_id, status=status, cursor=cursor, limit=limit
    )
    return Page(items=[StudyRecordOut.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.get("/records/{record_id}", response_model=StudyRecordOut, responses=answers(errors.NOT_FOUND))
async def get_record(record_id: uuid.UUID, session: ReadSessionDep, ctx: Reader) -> StudyRecordOut:
    return StudyRecordOut.model_validate(await study.get_record(session, ctx, record_id))


@router.post(
    "/records/{record_id}/decision",
    response_model=StudyRecordOut,
    dependencies=[Idempotent],
    responses=answers(errors.NOT_FOUND, errors.STUDY_RECORD_DECIDED),
)
async def decide_record(record_id: uuid.UUID, data: StudyDecision, session: WriteSessionDep, ctx: Writer) -> StudyRecordOut:
    """Approve or reject a pending record; only approved hours count. A decided record is a 409."""
    return StudyRecordOut.model_validate(await study.decide_record(session, ctx, record_id, data))


@router.get("/members/{member_id}", response_model=MemberStudy, responses=answers(errors.NOT_FOUND))
async def member_standing(member_id: uuid.UUID, session: ReadSessionDep, ctx: Reader, as_of: AsOfDep) -> MemberStudy:
    return await study.member_standing(session, ctx, member_id, as_of)


@router.get("/summary", response_model=StudySummary, responses=answers(errors.NOT_FOUND))
async def summary(session: ReadSessionDep, ctx: Reader, within: uuid.UUID, as_of: AsOfDep) -> StudySummary:
    """Hours so far, required so far and shortfall, per organization of the subtree and in total."""
    return await study.summary(session, ctx, within, as_of)


@router.get("/below-requirement", response_model=WorkList[MemberStudy], responses=answers(errors.NOT_FOUND))
async def below_requirement(
    session: ReadSessionDep,
    ctx: Reader,
    within: uuid.UUID,
    as_of: AsOfDep,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
) -> WorkList[MemberStudy]:
    """Members below their requirement for the year so far (pro-rated by month), by member id."""
    items, next_cursor = await study.below_requirement(session, ctx, within, as_of=as_of, cursor=cursor, limit=limit)
    return WorkList[MemberStudy](as_of=as_of, items=items, next_cursor=next_cursor)
