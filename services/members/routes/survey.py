"""`/api/v1/members/survey`: the members' half of the survey report (the gateway composes the whole)."""

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request

from services.kit.auth import Caller, require_roles
from services.kit.context import today_in
from services.kit.db import ReadSessionDep
from services.kit.problems import answers
from services.members.errors import NOT_FOUND
from services.members.routes.deps import ReaderContext
from services.members.schemas.records import CountsResult
from services.members.schemas.survey import LatestJoinedResult, MembersSurvey
from services.members.service import survey
from services.members.service.survey import SurveyQuery

router = APIRouter(prefix="/api/v1/members", tags=["members"])
internal = APIRouter(prefix="/internal", tags=["internal"])

Age = Annotated[int | None, Query(ge=0, le=150, description="Policy default when omitted")]


@router.get("/survey", response_model=MembersSurvey, responses=answers(NOT_FOUND))
async def members_survey(
    session: ReadSessionDep,
    ctx: ReaderContext,
    within: Annotated[uuid.UUID | None, Query(description="Only this organization's subtree")] = None,
    as_of: Annotated[date | None, Query(description="Ages, membership and team positions as of this day")] = None,
    team_age_min: Age = None,
    secretary_age_min: Age = None,
    member_age_min: Age = None,
    reform_date: Annotated[date | None, Query(description="'Joined before reform and opening' means before this day")] = None,
) -> MembersSurvey:
    """Team members, secretaries and members with their age and education structure and whereabouts,
    counted per community setting (rural, urban) and in total."""
    policy = ctx.policy
    query = SurveyQuery(
        as_of=as_of or ctx.today,
        team_age_min=policy.survey_team_age_min if team_age_min is None else team_age_min,
        secretary_age_min=policy.survey_secretary_age_min if secretary_age_min is None else secretary_age_min,
        member_age_min=policy.survey_member_age_min if member_age_min is None else member_age_min,
        reform_date=reform_date or policy.reform_date,
        within=within,
    )
    return await survey.members_survey(session, ctx, query)


@internal.get("/community-member-counts", response_model=CountsResult)
async def community_member_counts(
    session: ReadSessionDep,
    _caller: Annotated[Caller, require_roles("service")],
    request: Request,
    within: Annotated[uuid.UUID | None, Query(description="Only communities under this organization")] = None,
    as_of: Annotated[date | None, Query(description="Members as of this day (default today)")] = None,
) -> CountsResult:
    """Open members of each community's organizations on `as_of` by party status, keyed by
    community id (joined by then; not left, deceased or transferred out; not 'not transferred')."""
    day = as_of or today_in(request.app.state.settings.policy.timezone)
    return CountsResult.model_validate({"counts": await survey.community_member_counts(session, within, day)})


@internal.get("/community-latest-joined", response_model=LatestJoinedResult)
async def community_latest_joined(
    session: ReadSessionDep,
    _caller: Annotated[Caller, require_roles("service")],
    request: Request,
    within: Annotated[uuid.UUID | None, Query(description="Only communities under this organization")] = None,
    as_of: Annotated[date | None, Query(description="Joined by this day, members where they were on it (default today)")] = None,
) -> LatestJoinedResult:
    """The latest day anyone among each community's members joined the party (every record,
    closed ones too), keyed by community id; communities without members are absent."""
    day = as_of or today_in(request.app.state.settings.policy.timezone)
    return LatestJoinedResult(latest=await survey.community_latest_joined(session, within, day))
