"""`/api/v1/me/...` (activities' part): the caller's activities with their attendance, study hours
against the yearly requirement, and the self-study records they submit for the branch to review."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, status

from services.activities import errors
from services.activities.schemas.own import OwnActivity, OwnStudyRecordCreate
from services.activities.schemas.study import MemberStudy, StudyRecordOut
from services.activities.service import own
from services.activities.service.common import ActivitiesContext
from services.kit.context import self_context
from services.kit.db import ReadSessionDep, WriteSessionDep
from services.kit.idempotency import Idempotent
from services.kit.problems import answers

router = APIRouter(prefix="/api/v1/me", tags=["own view"])

# A `member` account linked to a member record (kit.auth.admits_self).
SelfContext = Annotated[ActivitiesContext, self_context(ActivitiesContext)]


@router.get("/activities", response_model=list[OwnActivity])
async def own_activities(
    session: ReadSessionDep, ctx: SelfContext, year: Annotated[int | None, Query(ge=1900, le=2200)] = None
) -> list[OwnActivity]:
    """The activities the caller's attendance was recorded at (present, excused, absent), newest first."""
    return await own.activities(session, ctx, year=year)


@router.get("/study", response_model=MemberStudy, responses=answers(errors.NOT_FOUND))
async def own_study(
    session: ReadSessionDep,
    ctx: SelfContext,
    as_of: Annotated[date | None, Query(description="The day the hours are counted to (default: today)")] = None,
) -> MemberStudy:
    """The caller's study hours of the year so far, the requirement (`required`) and what is missing (`shortfall`)."""
    return await own.standing(session, ctx, as_of or ctx.today)


@router.post(
    "/study-records",
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
async def submit_study_record(data: OwnStudyRecordCreate, session: WriteSessionDep, ctx: SelfContext) -> StudyRecordOut:
    """The caller's self-study, pending until the branch decides (`POST /api/v1/study/records/{id}/decision`)."""
    return StudyRecordOut.model_validate(await own.submit_record(session, ctx, data))


@router.get("/study-records", response_model=list[StudyRecordOut])
async def own_study_records(session: ReadSessionDep, ctx: SelfContext) -> list[StudyRecordOut]:
    """The caller's self-study records and how each was decided."""
    return [StudyRecordOut.model_validate(record) for record in await own.records(session, ctx)]
