"""`/api/v1/evaluations` (yearly evaluations, residents' satisfaction) and `/api/v1/reviews`."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from services.activities import errors
from services.activities.routes.deps import Reader, Writer
from services.activities.schemas.evaluations import (
    EvaluationCreate,
    EvaluationOut,
    ReviewCreate,
    ReviewOut,
    SatisfactionCreate,
    SatisfactionSummary,
)
from services.activities.service import evaluations
from services.kit.db import ReadSessionDep, WriteSessionDep
from services.kit.idempotency import Idempotent
from services.kit.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery, Page
from services.kit.problems import answers

router = APIRouter(prefix="/api/v1", tags=["evaluations"])

Year = Annotated[int, Query(ge=1990, le=2100)]


@router.post(
    "/evaluations",
    status_code=status.HTTP_201_CREATED,
    response_model=EvaluationOut,
    dependencies=[Idempotent],
    responses=answers(
        errors.VALIDATION_ERROR,
        errors.UNKNOWN_ORGANIZATION,
        errors.NOT_EVALUATED,
        errors.UNKNOWN_INDICATOR,
        errors.DUPLICATE_INDICATOR,
        errors.SCORE_OUT_OF_RANGE,
        errors.MISSING_INDICATOR,
        errors.UNKNOWN_EVIDENCE,
        errors.EVALUATION_EXISTS,
    ),
)
async def create_evaluation(data: EvaluationCreate, session: WriteSessionDep, ctx: Writer) -> EvaluationOut:
    return EvaluationOut.model_validate(await evaluations.create_evaluation(session, ctx, data))


@router.get("/evaluations", response_model=Page[EvaluationOut])
async def list_evaluations(
    session: ReadSessionDep,
    ctx: Reader,
    within: uuid.UUID | None = None,
    year: Annotated[int | None, Query(ge=1990, le=2100)] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
) -> Page[EvaluationOut]:
    rows, next_cursor = await evaluations.list_evaluations(session, ctx, within=within, year=year, cursor=cursor, limit=limit)
    return Page(items=[EvaluationOut.model_validate(e) for e in rows], next_cursor=next_cursor)


@router.post(
    "/evaluations/satisfaction",
    status_code=status.HTTP_201_CREATED,
    response_model=SatisfactionSummary,
    dependencies=[Idempotent],
    responses=answers(errors.VALIDATION_ERROR, errors.UNKNOWN_ORGANIZATION, errors.RATING_OUT_OF_RANGE),
)
async def rate_satisfaction(data: SatisfactionCreate, session: WriteSessionDep, ctx: Writer) -> SatisfactionSummary:
    return await evaluations.rate_satisfaction(session, ctx, data)


@router.get("/evaluations/satisfaction", response_model=SatisfactionSummary, responses=answers(errors.NOT_FOUND))
async def satisfaction(session: ReadSessionDep, ctx: Reader, org_id: uuid.UUID, year: Year) -> SatisfactionSummary:
    return await evaluations.satisfaction(session, ctx, org_id, year)


@router.get("/evaluations/{evaluation_id}", response_model=EvaluationOut, responses=answers(errors.NOT_FOUND))
async def get_evaluation(evaluation_id: uuid.UUID, session: ReadSessionDep, ctx: Reader) -> EvaluationOut:
    return EvaluationOut.model_validate(await evaluations.get_evaluation(session, ctx, evaluation_id))


@router.post(
    "/reviews",
    response_model=list[ReviewOut],
    dependencies=[Idempotent],
    responses=answers(
        errors.VALIDATION_ERROR,
        errors.UNKNOWN_ORGANIZATION,
        errors.DUPLICATE_GRADE,
        errors.NOT_A_MEMBER,
        errors.PROBATIONARY_NOT_GRADED,
        errors.TOO_MANY_EXCELLENT,
    ),
)
async def grade_members(data: ReviewCreate, session: WriteSessionDep, ctx: Writer) -> list[ReviewOut]:
    return [ReviewOut.model_validate(r) for r in await evaluations.grade_members(session, ctx, data)]


@router.get("/reviews", response_model=list[ReviewOut])
async def list_reviews(session: ReadSessionDep, ctx: Reader, org_id: uuid.UUID, year: Year) -> list[ReviewOut]:
    return [ReviewOut.model_validate(r) for r in await evaluations.list_reviews(session, ctx, org_id=org_id, year=year)]
