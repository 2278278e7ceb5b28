"""`/api/v1/members/{id}/commendations` and `/discipline`: rewards and discipline on the record."""

import uuid

from fastapi import APIRouter, status

from services.kit.db import ReadSessionDep, WriteSessionDep
from services.kit.idempotency import Idempotent
from services.kit.problems import answers
from services.members.errors import INVALID_STATE_CHANGE, NOT_FOUND, RULE_VIOLATION
from services.members.routes.deps import ReaderContext, WriterContext
from services.members.schemas.discipline import Commendation, CommendationCreate, Discipline, DisciplineCreate
from services.members.service import discipline as service

router = APIRouter(prefix="/api/v1/members/{member_id}", tags=["rewards and discipline"])


@router.get("/commendations", response_model=list[Commendation], responses=answers(NOT_FOUND))
async def list_commendations(member_id: uuid.UUID, session: ReadSessionDep, ctx: ReaderContext) -> list[Commendation]:
    return await service.commendations(session, ctx, member_id)


@router.post(
    "/commendations",
    status_code=status.HTTP_201_CREATED,
    response_model=Commendation,
    description="Records a commendation (優秀共產黨員 …) with the day and the awarding body.",
    dependencies=[Idempotent],
    responses=answers(NOT_FOUND, RULE_VIOLATION),
)
async def commend(member_id: uuid.UUID, data: CommendationCreate, session: WriteSessionDep, ctx: WriterContext) -> Commendation:
    return await service.commend(session, ctx, member_id, data)


@router.get("/discipline", response_model=list[Discipline], responses=answers(NOT_FOUND))
async def list_discipline(member_id: uuid.UUID, session: ReadSessionDep, ctx: ReaderContext) -> list[Discipline]:
    return await service.measures(session, ctx, member_id)


@router.post(
    "/discipline",
    status_code=status.HTTP_201_CREATED,
    response_model=Discipline,
    description="Records a party disciplinary measure with its day and deciding body. 留黨察看 (`probation`) takes "
    "`probation_years` (1 or 2) and ends on `ends_on` (the first day after it); `/members/stats` "
    "(`group_by=party_probation`) and the survey count it as of its dates. 開除黨籍 (`expulsion`) ends the "
    "membership: the state becomes `left` from `decided_on`, the measure as the reason (422 `invalid-state-change` "
    "if the state cannot change then).",
    dependencies=[Idempotent],
    responses=answers(NOT_FOUND, RULE_VIOLATION, INVALID_STATE_CHANGE),
)
async def discipline(member_id: uuid.UUID, data: DisciplineCreate, session: WriteSessionDep, ctx: WriterContext) -> Discipline:
    return await service.discipline(session, ctx, member_id, data)
