"""One-time codes linking a member's account to their record: `POST
/api/v1/members/{id}/link-code` (the community's administrator issues one), and the gateway's
`POST /internal/link-codes/redeem` (our services only)."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Request, status

from services.kit.auth import Caller, require_roles
from services.kit.db import WriteSessionDep
from services.kit.problems import answers
from services.members.errors import NOT_FOUND
from services.members.routes.deps import WriterContext
from services.members.schemas.link_codes import LinkCodeIssued, LinkCodeRedeem, LinkCodeRedeemed
from services.members.service import link_codes
from services.members.service.common import MembersContext

router = APIRouter(prefix="/api/v1/members", tags=["members"])
internal = APIRouter(prefix="/internal", tags=["internal"])


@router.post(
    "/{member_id}/link-code", status_code=status.HTTP_201_CREATED, response_model=LinkCodeIssued, responses=answers(NOT_FOUND)
)
async def issue(member_id: uuid.UUID, session: WriteSessionDep, ctx: WriterContext) -> LinkCodeIssued:
    """A one-time code for the member to link their own account (shown once; a new code ends
    the earlier ones). The member types it with their ID number at `POST /api/v1/auth/link-member`."""
    return await link_codes.issue(session, ctx, member_id)


@internal.post("/link-codes/redeem", response_model=LinkCodeRedeemed)
async def redeem(
    data: LinkCodeRedeem, session: WriteSessionDep, request: Request, caller: Annotated[Caller, require_roles("service")]
) -> LinkCodeRedeemed:
    """The member a code links to (the gateway asks, for the account that typed it)."""
    return await link_codes.redeem(session, MembersContext.from_request(request, caller), data)
