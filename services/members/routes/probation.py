"""`/api/v1/members/{id}/probation-extension`: the probation of a member record extended (延長預備期)."""

import uuid

from fastapi import APIRouter

from services.kit.db import WriteSessionDep
from services.kit.idempotency import Idempotent
from services.kit.problems import answers
from services.members.errors import INVALID_PROBATION_EXTENSION, NOT_FOUND
from services.members.routes.deps import WriterContext
from services.members.schemas.probation import ProbationExtension
from services.members.schemas.records import Member
from services.members.service import probation

router = APIRouter(prefix="/api/v1/members", tags=["members"])


@router.post(
    "/{member_id}/probation-extension",
    response_model=Member,
    dependencies=[Idempotent],
    responses=answers(NOT_FOUND, INVALID_PROBATION_EXTENSION),
)
async def extend_probation(
    member_id: uuid.UUID, data: ProbationExtension, session: WriteSessionDep, ctx: WriterContext
) -> Member:
    """The branch meeting extends the probation once by 6-12 months (a dated `probation_extended`
    history event); the member becomes full on its end at the earliest."""
    return await probation.extend_probation(session, ctx, member_id, data)
