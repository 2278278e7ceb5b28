"""`/api/v1/orgs/{id}/diagnostics`: the organization-setup problems of a subtree."""

import uuid

from fastapi import APIRouter

from services.kit.db import ReadSessionDep
from services.kit.problems import answers
from services.orgs.errors import NOT_FOUND, PEER_UNAVAILABLE
from services.orgs.routes.deps import ActivitiesDep, AsOfQuery, MembersDep, Reader
from services.orgs.schemas.diagnostics import Diagnostics
from services.orgs.service import diagnostics

router = APIRouter(prefix="/api/v1/orgs", tags=["orgs"])


@router.get(
    "/{org_id}/diagnostics",
    response_model=Diagnostics,
    description="Organization-setup problems in the subtree (form, team, secretary, terms, branch size, reserve cadres); "
    "503 when the members service cannot be asked for its counts. When the activities service cannot be asked, "
    "the rest still answers and `not_evaluated` names few_service_activities.",
    responses=answers(NOT_FOUND, PEER_UNAVAILABLE),
)
async def org_diagnostics(
    org_id: uuid.UUID,
    session: ReadSessionDep,
    ctx: Reader,
    members: MembersDep,
    activities: ActivitiesDep,
    as_of: AsOfQuery = None,
) -> Diagnostics:
    return await diagnostics.diagnose(session, ctx, org_id, members=members, activities=activities, as_of=as_of)
