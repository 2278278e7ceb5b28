"""`/api/v1/recruitment`: the recruitment pipeline (發展黨員) — applications, their steps, work lists, statistics."""

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, status

from services.kit.db import ReadSessionDep, WriteSessionDep
from services.kit.idempotency import Idempotent
from services.kit.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery, Page
from services.kit.problems import answers
from services.members.enums import RecruitmentDueKind, RecruitmentStage, RecruitStatsDimension
from services.members.errors import (
    ALREADY_A_MEMBER,
    APPLICATION_CLOSED,
    DUPLICATE_APPLICATION,
    DUPLICATE_ID_NUMBER,
    INVALID_APPLICATION,
    INVALID_FULL_DATE,
    INVALID_MEMBER,
    INVALID_STATE_CHANGE,
    NOT_FOUND,
    ORGANIZATION_CANNOT_HOLD_MEMBERS,
    RECRUITMENT_RULE,
    STAGE_OUT_OF_ORDER,
    STAGE_TOO_EARLY,
    STEP_REPEATED,
    UNKNOWN_MEMBER,
)
from services.members.routes.deps import ReaderContext, WriterContext
from services.members.schemas.recruitment import (
    Application,
    ApplicationCreate,
    RecruitmentDue,
    RecruitmentStepCreate,
    RecruitmentStepOut,
    RecruitStats,
)
from services.members.service import recruitment, recruitment_steps

router = APIRouter(prefix="/api/v1/recruitment", tags=["recruitment"])

Within = Annotated[uuid.UUID | None, Query(description="Only applications of this organization's subtree")]


@router.post(
    "/applications",
    status_code=status.HTTP_201_CREATED,
    response_model=Application,
    dependencies=[Idempotent],
    responses=answers(INVALID_APPLICATION, ORGANIZATION_CANNOT_HOLD_MEMBERS, DUPLICATE_APPLICATION, ALREADY_A_MEMBER),
)
async def create_application(data: ApplicationCreate, session: WriteSessionDep, ctx: WriterContext) -> Application:
    """An application (入黨申請書): the applicant at least the policy's age; ID number and phone encrypted."""
    return await recruitment_steps.create_application(session, ctx, data)


@router.get("/applications", response_model=Page[Application])
async def list_applications(
    session: ReadSessionDep,
    ctx: ReaderContext,
    stage: RecruitmentStage | None = None,
    within: Within = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
) -> Page[Application]:
    rows, next_cursor = await recruitment.list_applications(session, ctx, stage=stage, within=within, cursor=cursor, limit=limit)
    return Page(items=rows, next_cursor=next_cursor)


@router.get("/due", response_model=Page[RecruitmentDue])
async def due_applications(
    session: ReadSessionDep,
    ctx: ReaderContext,
    kind: Annotated[
        RecruitmentDueKind,
        Query(
            description="talk: no talk a month after applying; review: activists not reviewed for the policy's months; "
            "probation_ending: probation ends within the policy's days (or has ended); approval: no approval "
            "the policy's months after the branch meeting"
        ),
    ],
    as_of: Annotated[date | None, Query(description="The day the clocks are read on (default today)")] = None,
    within: Within = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
) -> Page[RecruitmentDue]:
    """The pipeline's work lists; `as_of` moves 'today'."""
    due, next_cursor = await recruitment.due_applications(
        session, ctx, kind, as_of=as_of or ctx.today, within=within, cursor=cursor, limit=limit
    )
    return Page(items=due, next_cursor=next_cursor)


@router.get("/stats", response_model=RecruitStats)
async def recruit_stats(
    session: ReadSessionDep,
    ctx: ReaderContext,
    group_by: RecruitStatsDimension,
    year_from: Annotated[int | None, Query(ge=1900, le=2200)] = None,
    year_to: Annotated[int | None, Query(ge=1900, le=2200)] = None,
    within: Within = None,
) -> RecruitStats:
    """Recruits per year of their branch meeting by age band (age at the meeting), education, sex or occupation."""
    return await recruitment.recruit_stats(session, ctx, group_by=group_by, year_from=year_from, year_to=year_to, within=within)


@router.get("/applications/{application_id}", response_model=Application, responses=answers(NOT_FOUND))
async def get_application(application_id: uuid.UUID, session: ReadSessionDep, ctx: ReaderContext) -> Application:
    return await recruitment.get_application(session, ctx, application_id)


@router.get("/applications/{application_id}/steps", response_model=list[RecruitmentStepOut], responses=answers(NOT_FOUND))
async def list_steps(application_id: uuid.UUID, session: ReadSessionDep, ctx: ReaderContext) -> list[RecruitmentStepOut]:
    """Every dated step, with its deciding body and documents, in order."""
    return await recruitment.steps(session, ctx, application_id)


@router.post(
    "/applications/{application_id}/steps",
    response_model=Application,
    dependencies=[Idempotent],
    responses=answers(
        NOT_FOUND,
        RECRUITMENT_RULE,
        UNKNOWN_MEMBER,
        STAGE_OUT_OF_ORDER,
        STAGE_TOO_EARLY,
        APPLICATION_CLOSED,
        STEP_REPEATED,
        # the approval makes the member record, becoming full and a cancellation change it
        INVALID_MEMBER,
        ORGANIZATION_CANNOT_HOLD_MEMBERS,
        DUPLICATE_ID_NUMBER,
        INVALID_FULL_DATE,
        INVALID_STATE_CHANGE,
    ),
)
async def add_step(
    application_id: uuid.UUID, step: RecruitmentStepCreate, session: WriteSessionDep, ctx: WriterContext
) -> Application:
    """The next step, by `kind`: talk, activist, review, development_target, admission (the branch
    meeting), approval (makes the member record), extension, full, cancelled. A step out of order,
    too early or breaking a rule is a 422 and nothing is written."""
    return await recruitment_steps.add_step(session, ctx, application_id, step)
