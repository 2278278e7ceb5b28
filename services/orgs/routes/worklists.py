"""`/api/v1/orgs/{id}/worklists`: the community work lists the diagnostics report needs."""

import uuid

from fastapi import APIRouter

from services.kit.db import ReadSessionDep
from services.orgs.routes.deps import AsOfQuery, MembersDep, PolicyDep, Reader
from services.orgs.schemas import OrgWorkLists
from services.orgs.service import worklists

router = APIRouter(prefix="/api/v1/orgs", tags=["orgs"])


@router.get(
    "/{org_id}/worklists",
    response_model=OrgWorkLists,
    description="Communities of the subtree (by their top organization) whose team falls short of 三個60%, whose reserve "
    "pool is thin or poorly educated, whose units have no current co-building agreement, or which have more members "
    "than the policy's form alarm and no committee; 503 when the members service cannot be asked.",
)
async def org_work_lists(
    org_id: uuid.UUID, session: ReadSessionDep, caller: Reader, policy: PolicyDep, members: MembersDep, as_of: AsOfQuery = None
) -> OrgWorkLists:
    return await worklists.work_lists(session, caller, org_id, policy, members, as_of=as_of)
