"""`/api/v1/compliance`: expected against held meetings, exemptions, and the work lists."""

import uuid
from datetime import date
from typing import Annotated

import orjson
from fastapi import APIRouter, Query, Request, Response, status

from services.activities import errors
from services.activities.routes.deps import AsOfDep, PeriodDep, Reader, Writer
from services.activities.schemas.common import WorkList
from services.activities.schemas.compliance import (
    ComplianceReport,
    ExemptionCreate,
    ExemptionOut,
    MemberRef,
    OrgRef,
    ServiceActivityCounts,
)
from services.activities.service import compliance
from services.kit.auth import Caller, require_roles
from services.kit.db import ReadSessionDep, WriteSessionDep
from services.kit.idempotency import Idempotent
from services.kit.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery
from services.kit.problems import answers

router = APIRouter(prefix="/api/v1/compliance", tags=["compliance"])
internal = APIRouter(prefix="/internal", tags=["internal"])
# A report or a work list of a subtree (`within`) for a period.
OF_PERIOD = answers(errors.NOT_FOUND, errors.VALIDATION_ERROR)


@router.get("", response_model=ComplianceReport, responses=OF_PERIOD)
async def compliance_report(session: ReadSessionDep, ctx: Reader, within: uuid.UUID, period: PeriodDep) -> Response:
    """Serialized straight from plain rows: a district is thousands of organizations (benchmarks/)."""
    report = await compliance.compliance(session, ctx, within, period)
    # asyncpg hands ids back as its own UUID type, which orjson leaves to `default`.
    return Response(orjson.dumps(report, default=str), media_type="application/json")


@router.post(
    "/exemptions",
    status_code=status.HTTP_201_CREATED,
    response_model=ExemptionOut,
    dependencies=[Idempotent],
    responses=answers(errors.VALIDATION_ERROR, errors.UNKNOWN_ORGANIZATION, errors.INVALID_SCHEDULE),
)
async def create_exemption(data: ExemptionCreate, session: WriteSessionDep, ctx: Writer) -> ExemptionOut:
    return ExemptionOut.model_validate(await compliance.create_exemption(session, ctx, data))


@router.get("/exemptions", response_model=list[ExemptionOut], responses=answers(errors.NOT_FOUND))
async def list_exemptions(session: ReadSessionDep, ctx: Reader, within: uuid.UUID) -> list[ExemptionOut]:
    return [ExemptionOut.model_validate(e) for e in await compliance.list_exemptions(session, ctx, within)]


@router.get("/study-day-only", response_model=WorkList[OrgRef], responses=OF_PERIOD)
async def study_day_only(session: ReadSessionDep, ctx: Reader, within: uuid.UUID, period: PeriodDep) -> WorkList[OrgRef]:
    items = await compliance.study_day_only(session, ctx, within, period)
    return WorkList[OrgRef](as_of=period.end, items=items)


@router.get("/inactive-members", response_model=WorkList[MemberRef], responses=answers(errors.NOT_FOUND))
async def inactive_members(
    session: ReadSessionDep,
    ctx: Reader,
    within: uuid.UUID,
    as_of: AsOfDep,
    months: Annotated[int | None, Query(ge=1, le=120, description="Default: the policy's")] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
) -> WorkList[MemberRef]:
    items, next_cursor = await compliance.inactive_members(
        session, ctx, within, as_of=as_of, months=months, cursor=cursor, limit=limit
    )
    return WorkList[MemberRef](as_of=as_of, items=items, next_cursor=next_cursor)


@router.get("/uncontacted-members", response_model=WorkList[MemberRef], responses=answers(errors.NOT_FOUND))
async def uncontacted_members(
    session: ReadSessionDep,
    ctx: Reader,
    within: uuid.UUID,
    as_of: AsOfDep,
    days: Annotated[int | None, Query(ge=1, le=3650, description="Default: the policy's")] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
) -> WorkList[MemberRef]:
    items, next_cursor = await compliance.uncontacted_members(
        session, ctx, within, as_of=as_of, days=days, cursor=cursor, limit=limit
    )
    return WorkList[MemberRef](as_of=as_of, items=items, next_cursor=next_cursor)


@router.get("/green-channel-unserved", response_model=WorkList[MemberRef], responses=OF_PERIOD)
async def green_channel_unserved(
    session: ReadSessionDep,
    ctx: Reader,
    within: uuid.UUID,
    period: PeriodDep,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
) -> WorkList[MemberRef]:
    items, next_cursor = await compliance.green_channel_unserved(session, ctx, within, period=period, cursor=cursor, limit=limit)
    return WorkList[MemberRef](as_of=period.end, items=items, next_cursor=next_cursor)


@internal.get("/community-service-activities", response_model=ServiceActivityCounts)
async def community_service_activities(
    session: ReadSessionDep,
    _caller: Annotated[Caller, require_roles("service")],
    request: Request,
    within: Annotated[uuid.UUID, Query(description="Only communities under this organization")],
    start: Annotated[date, Query(description="From this day")],
    end: Annotated[date, Query(description="To this day, included")],
) -> ServiceActivityCounts:
    """Held service activities (policy `service_activity_types`) of each community's organizations
    in the days given, keyed by community id; communities without any are absent."""
    policy = request.app.state.settings.policy
    return ServiceActivityCounts(counts=await compliance.community_service_activities(session, policy, within, start, end))
