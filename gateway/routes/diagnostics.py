"""`GET /api/v1/reports/diagnostics`: every problem the seed report names, as work lists."""

import uuid
from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from gateway.diagnostics import Composer, diagnostics
from gateway.settings import OWN_ROUTE_MAX_BODY_BYTES, GatewaySettings
from services.kit.auth import CallerDep
from services.kit.problems import Unprocessable

router = APIRouter(tags=["reports"], max_body_size=OWN_ROUTE_MAX_BODY_BYTES)


@router.get("/api/v1/reports/diagnostics")
async def diagnostics_report(
    request: Request,
    caller: CallerDep,
    within: Annotated[uuid.UUID | None, Query(description="The subtree (default: the caller's scope)")] = None,
    as_of: Annotated[date | None, Query(description="The day the lists are for (default today)")] = None,
) -> dict[str, Any]:
    """Work lists with the organization or member, the figures and the seed's suggested measure:
    form mismatches (those over the policy's alarm without a committee called out), small or
    incomplete teams, no cross-appointment, teams below 三個60%, terms overdue, thin or poorly
    educated reserve pools, followed members not contacted lately, organizations whose only activity
    is the study day, members with no attendance, green-channel members without home service,
    young members below college not in the education upgrade, units without co-building. Each
    service answers with the caller's own token, so roles and scope are the services' own."""
    root = within or caller.scope_org_id
    if root is None:
        raise Unprocessable("Name the subtree with `within`", errors=[{"field": "within", "in": "query", "message": "required"}])
    settings: GatewaySettings = request.app.state.settings
    composer = Composer(request.app.state.peers, request.headers["authorization"], settings.diagnostics_timeout_s)
    return await diagnostics(composer, root, as_of or datetime.now(UTC).date())
