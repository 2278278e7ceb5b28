"""`/api/v1/study`: self-study records and their approval; members' study hours against the requirement."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from services.activities.routes.deps import AsOfDep, PolicyDep, Reader, Writer
from services.activities.schemas import (
    MemberStudy,
    StudyDecision,
    StudyRecordCreate,
    StudyRecordOut,
    StudyRecordStatus,
    StudySummary,
    WorkList,
)
from services.activities.service import study
from services.kit.db import ReadSessionDep, WriteSessionDep
from services.kit.idempotency import Idempotent
from services.kit.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery, Page

router = APIRouter(prefix="/api/v1/study", tags=["study"])


@router.post("/records", status_code=status.HTTP_201_CREATED, response_model=StudyRecordOut, dependencies=[Idempotent])
async def create_record(data: StudyRecordCreate, session: WriteSessionDep, caller: Writer, policy: PolicyDep) -> StudyRecordOut:
    """A member's self-study, pending until an admin of the member's organization decides."""
    return StudyRecordOut.model_validate(await study.create_record(session, caller, data, policy))


@router.get("/records", response_model=Page[StudyRecordOut])
async def list_records(
    session: ReadSessionDep,
    caller: Reader,
    within: Annotated[uuid.UUID | None, Query(description="Only records of this organization's subtree")] = None,
    member_id: uuid.UUID | None = None,
    status: StudyRecordStatus | None = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
) -> Page[StudyRecordOut]:
    rows, next_cursor = await study.list_records(
        session, caller, within=within, member_id=member_id, status=status, cursor=cursor, limit=limit
    )
    return Page(items=[StudyRecordOut.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.get("/records/{record_id}", response_model=StudyRecordOut)
async def get_record(record_id: uuid.UUID, session: ReadSessionDep, caller: Reader) -> StudyRecordOut:
    return StudyRecordOut.model_validate(await study.get_record(session, caller, record_id))


@router.post("/records/{record_id}/decision", response_model=StudyRecordOut, dependencies=[Idempotent])
async def decide_record(record_id: uuid.UUID, data: StudyDecision, session: WriteSessionDep, caller: Writer) -> StudyRecordOut:
    """Approve or reject a pending record; only approved hours count. A decided record is a 409."""
    return StudyRecordOut.model_validate(await study.decide_record(session, caller, record_id, data))


@router.get("/members/{member_id}", response_model=MemberStudy)
async def member_standing(
    member_id: uuid.UUID, session: ReadSessionDep, caller: Reader, policy: PolicyDep, as_of: AsOfDep
) -> MemberStudy:
    return await study.member_standing(session, caller, member_id, as_of, policy)


@router.get("/summary", response_model=StudySummary)
async def summary(session: ReadSessionDep, caller: Reader, policy: PolicyDep, within: uuid.UUID, as_of: AsOfDep) -> StudySummary:
    """Hours so far, required so far and shortfall, per organization of the subtree and in total."""
    return await study.summary(session, caller, within, as_of, policy)


@router.get("/below-requirement", response_model=WorkList[MemberStudy])
async def below_requirement(
    session: ReadSessionDep,
    caller: Reader,
    policy: PolicyDep,
    within: uuid.UUID,
    as_of: AsOfDep,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
) -> WorkList[MemberStudy]:
    """Members below their requirement for the year so far (pro-rated by month), by member id."""
    items, next_cursor = await study.below_requirement(
        session, caller, within, as_of=as_of, policy=policy, cursor=cursor, limit=limit
    )
    return WorkList[MemberStudy](as_of=as_of, items=items, next_cursor=next_cursor)
