"""`/api/v1/members/stats`: counts and shares of members, grouped in SQL."""

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from services.kit.db import ReadSessionDep
from services.kit.problems import answers
from services.members.enums import Setting, StatsDimension, StatsPopulation
from services.members.errors import RULE_VIOLATION
from services.members.routes.deps import ReaderContext
from services.members.schemas.stats import MemberStats
from services.members.service import stats
from services.members.service.stats import StatsQuery

router = APIRouter(prefix="/api/v1/members", tags=["members"])


@router.get("/stats", response_model=MemberStats, responses=answers(RULE_VIOLATION))
async def member_stats(
    session: ReadSessionDep,
    ctx: ReaderContext,
    group_by: Annotated[
        list[StatsDimension], Query(max_length=len(StatsDimension), description="Dimensions to group by (repeat the parameter)")
    ] = [],  # noqa: B006
    as_of: Annotated[date | None, Query(description="Ages and membership as of this day (default today)")] = None,
    age_edges: Annotated[
        list[int] | None,
        Query(max_length=20, description="Age band edges, rising (repeat: 35, 46 → <35, 35-45, 46+); policy default"),
    ] = None,
    joined_before: Annotated[date | None, Query(description="For joined_before: the day (policy default 1978-12-18)")] = None,
    within: Annotated[uuid.UUID | None, Query(description="Only members of this organization's subtree")] = None,
    community_id: Annotated[uuid.UUID | None, Query(description="Only members of this community's organizations")] = None,
    setting: Annotated[Setting | None, Query(description="Only rural or only urban communities")] = None,
    population: StatsPopulation = StatsPopulation.members,
) -> MemberStats:
    """Counts and shares of members (open records whose relationship is here, by default), computed in SQL."""
    query = StatsQuery(
        group_by=group_by,
        as_of=as_of or ctx.today,
        age_edges=age_edges if age_edges is not None else list(ctx.policy.stats_age_edges),
        joined_before=joined_before or ctx.policy.reform_date,
        within=within,
        community_id=community_id,
        setting=setting.value if setting else None,
        population=population,
    )
    return await stats.member_stats(session, ctx, query)
