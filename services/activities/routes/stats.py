"""`/api/v1/activities/stats`: activity statistics of a subtree for a period."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from services.activities import errors
from services.activities.routes.deps import PeriodDep, Reader
from services.activities.schemas.stats import ActivityStats
from services.activities.service import stats
from services.kit.db import ReadSessionDep
from services.kit.problems import answers

router = APIRouter(prefix="/api/v1/activities", tags=["activities"])


@router.get("/stats", response_model=ActivityStats, responses=answers(errors.NOT_FOUND, errors.VALIDATION_ERROR))
async def activity_stats(
    session: ReadSessionDep,
    ctx: Reader,
    within: uuid.UUID,
    period: PeriodDep,
    group_by: Annotated[str, Query(max_length=5, pattern="^(type|month|org)$")] = "type",
) -> ActivityStats:
    return await stats.activity_stats(session, ctx, within, period=period, group_by=group_by)
