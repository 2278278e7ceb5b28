"""`/api/v1/orgs/{id}/worklists`: the community work lists the diagnostics report needs."""

import uuid

from fastapi import APIRouter

from services.kit.db import ReadSessionDep
from services.kit.problems import answers
from services.orgs.errors import NOT_FOUND, PEER_UNAVAILABLE
from services.orgs.routes.deps import AsOfQuery, MembersDep, Reader
from services.orgs.schemas.worklists import OrgWorkLists
from services.orgs.service import worklists

router = APIRouter(prefix="/api/v1/orgs", tags=["orgs"])


@router.get(
    "/{org_id}/worklists",
    response_model=OrgWorkLists,
    description="Communities of the subtree (by their top organization) whose team falls short of 三個60%, whose reserve "
    "pool is thin or poorly educated, whose units have no current co-building agreement, or which have more members "
    "than the policy's form alarm and no committee; 503 when the members service cannot be asked.",
    responses=answers(NOT_FOUND, PEER_UNAVAILABLE),
)
async def org_work_lists(
    org_id: uuid.UUID, session: ReadSessionDep, ctx: Reader, members: MembersDep, as_of: AsOfQuery = None
) -> OrgWorkLists:
    return await worklists.work_lists(session, ctx, org_id, members=members, as_of=as_of)
