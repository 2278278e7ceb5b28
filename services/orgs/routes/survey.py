"""`/api/v1/communities/survey`: the organization-setup half of the survey report (the gateway composes the whole)."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from services.kit.db import ReadSessionDep
from services.kit.problems import answers
from services.orgs.errors import NOT_FOUND, PEER_UNAVAILABLE
from services.orgs.routes.deps import AsOfQuery, MembersDep, Reader
from services.orgs.schemas.survey import CommunitiesSurvey
from services.orgs.service import survey

router = APIRouter(prefix="/api/v1/communities", tags=["communities"])


@router.get("/survey", response_model=CommunitiesSurvey, responses=answers(NOT_FOUND, PEER_UNAVAILABLE))
async def communities_survey(
    session: ReadSessionDep,
    ctx: Reader,
    members: MembersDep,
    within: Annotated[uuid.UUID | None, Query(description="Communities whose top organization is in this subtree")] = None,
    as_of: AsOfQuery = None,
) -> CommunitiesSurvey:
    """Communities, community units, reserve cadres and communities whose form does not match their
    membership, per community setting (rural, urban) and in total; the mismatches named."""
    return await survey.communities_survey(session, ctx, within=within, as_of=as_of, members=members)
