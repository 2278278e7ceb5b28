"""`/api/v1/evaluations` (yearly evaluations, residents' satisfaction) and `/api/v1/reviews`."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from services.activities.routes.deps import PolicyDep, Reader, Writer
from services.activities.schemas import (
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

router = APIRouter(prefix="/api/v1", tags=["evaluations"])

Year = Annotated[int, Query(ge=1990, le=2100)]


@router.post("/evaluations", status_code=status.HTTP_201_CREATED, response_model=EvaluationOut, dependencies=[Idempotent])
async def create_evaluation(data: EvaluationCreate, session: WriteSessionDep, caller: Writer, policy: PolicyDep) -> EvaluationOut:
    return EvaluationOut.model_validate(await evaluations.create_evaluation(session, caller, data, policy))


@router.get("/evaluations", response_model=Page[EvaluationOut])
async def list_evaluations(
    session: ReadSessionDep,
    caller: Reader,
    within: uuid.UUID | None = None,
    year: Annotated[int | None, Query(ge=1990, le=2100)] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
) -> Page[EvaluationOut]:
    rows, next_cursor = await evaluations.list_evaluations(session, caller, within=within, year=year, cursor=cursor, limit=limit)
    return Page(items=[EvaluationOut.model_validate(e) for e in rows], next_cursor=next_cursor)


@router.post(
    "/evaluations/satisfaction",
    status_code=status.HTTP_201_CREATED,
    response_model=SatisfactionSummary,
    dependencies=[Idempotent],
)
async def rate_satisfaction(
    data: SatisfactionCreate, session: WriteSessionDep, caller: Writer, policy: PolicyDep
) -> SatisfactionSummary:
    return await evaluations.rate_satisfaction(session, caller, data, policy)


@router.get("/evaluations/satisfaction", response_model=SatisfactionSummary)
async def satisfaction(session: ReadSessionDep, caller: Reader, org_id: uuid.UUID, year: Year) -> SatisfactionSummary:
    return await evaluations.satisfaction(session, caller, org_id, year)


@router.get("/evaluations/{evaluation_id}", response_model=EvaluationOut)
async def get_evaluation(evaluation_id: uuid.UUID, session: ReadSessionDep, caller: Reader) -> EvaluationOut:
    return EvaluationOut.model_validate(await evaluations.get_evaluation(session, caller, evaluation_id))


@router.post("/reviews", response_model=list[ReviewOut], dependencies=[Idempotent])
async def grade_members(data: ReviewCreate, session: WriteSessionDep, caller: Writer, policy: PolicyDep) -> list[ReviewOut]:
    return [ReviewOut.model_validate(r) for r in await evaluations.grade_members(session, caller, data, policy)]


@router.get("/reviews", response_model=list[ReviewOut])
async def list_reviews(session: ReadSessionDep, caller: Reader, org_id: uuid.UUID, year: Year) -> list[ReviewOut]:
    return [ReviewOut.model_validate(r) for r in await evaluations.list_reviews(session, caller, org_id=org_id, year=year)]
