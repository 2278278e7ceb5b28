"""`/api/v1/compliance`: expected against held meetings, exemptions, and the work lists."""

import uuid
from typing import Annotated

import orjson
from fastapi import APIRouter, Query, Response, status

from services.activities.routes.deps import AsOfDep, PeriodDep, PolicyDep, Reader, Writer
from services.activities.schemas import ComplianceReport, ExemptionCreate, ExemptionOut, MemberRef, OrgRef, WorkList
from services.activities.service import compliance
from services.kit.db import ReadSessionDep, WriteSessionDep
from services.kit.idempotency import Idempotent
from services.kit.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery

router = APIRouter(prefix="/api/v1/compliance", tags=["compliance"])


@router.get("", response_model=ComplianceReport)
async def compliance_report(
    session: ReadSessionDep, caller: Reader, policy: PolicyDep, within: uuid.UUID, period: PeriodDep
) -> Response:
    """Serialized straight from plain rows: a district is thousands of organizations (benchmarks/)."""
    report = await compliance.compliance(session, caller, within, period, policy)
    # asyncpg hands ids back as its own UUID type, which orjson leaves to `default`.
    return Response(orjson.dumps(report, default=str), media_type="application/json")


@router.post("/exemptions", status_code=status.HTTP_201_CREATED, response_model=ExemptionOut, dependencies=[Idempotent])
async def create_exemption(data: ExemptionCreate, session: WriteSessionDep, caller: Writer) -> ExemptionOut:
    return ExemptionOut.model_validate(await compliance.create_exemption(session, caller, data))


@router.get("/exemptions", response_model=list[ExemptionOut])
async def list_exemptions(session: ReadSessionDep, caller: Reader, within: uuid.UUID) -> list[ExemptionOut]:
    return [ExemptionOut.model_validate(e) for e in await compliance.list_exemptions(session, caller, within)]


@router.get("/study-day-only", response_model=WorkList[OrgRef])
async def study_day_only(
    session: ReadSessionDep, caller: Reader, policy: PolicyDep, within: uuid.UUID, period: PeriodDep
) -> WorkList[OrgRef]:
    items = await compliance.study_day_only(session, caller, within, period, policy)
    return WorkList[OrgRef](as_of=period.end, items=items)


@router.get("/inactive-members", response_model=WorkList[MemberRef])
async def inactive_members(
    session: ReadSessionDep,
    caller: Reader,
    policy: PolicyDep,
    within: uuid.UUID,
    as_of: AsOfDep,
    months: Annotated[int | None, Query(ge=1, le=120, description="Default: the policy's")] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
) -> WorkList[MemberRef]:
    items, next_cursor = await compliance.inactive_members(
        session, caller, within, as_of=as_of, months=months or policy.inactive_member_months, cursor=cursor, limit=limit
    )
    return WorkList[MemberRef](as_of=as_of, items=items, next_cursor=next_cursor)


@router.get("/uncontacted-members", response_model=WorkList[MemberRef])
async def uncontacted_members(
    session: ReadSessionDep,
    caller: Reader,
    policy: PolicyDep,
    within: uuid.UUID,
    as_of: AsOfDep,
    days: Annotated[int | None, Query(ge=1, le=3650, description="Default: the policy's")] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
) -> WorkList[MemberRef]:
    items, next_cursor = await compliance.uncontacted_members(
        session,
        caller,
        within,
        as_of=as_of,
        days=days or policy.contact_overdue_days,
        policy=policy,
        cursor=cursor,
        limit=limit,
    )
    return WorkList[MemberRef](as_of=as_of, items=items, next_cursor=next_cursor)


@router.get("/green-channel-unserved", response_model=WorkList[MemberRef])
async def green_channel_unserved(
    session: ReadSessionDep,
    caller: Reader,
    policy: PolicyDep,
    within: uuid.UUID,
    period: PeriodDep,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
) -> WorkList[MemberRef]:
    items, next_cursor = await compliance.green_channel_unserved(
        session, caller, within, period=period, policy=policy, cursor=cursor, limit=limit
    )
    return WorkList[MemberRef](as_of=period.end, items=items, next_cursor=next_cursor)
