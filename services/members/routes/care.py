"""`/api/v1/members/{id}/care` and `/duty-reports`: care programs and young members' duty reports."""

import uuid

from fastapi import APIRouter, Response, status

from services.kit.db import ReadSessionDep, WriteSessionDep
from services.kit.idempotency import Idempotent
from services.kit.problems import answers
from services.kit.versioning import PreconditionsDep, set_etag
from services.members.errors import ALREADY_ENROLLED, ENROLMENT_ENDED, NOT_ELIGIBLE, NOT_FOUND, RULE_VIOLATION
from services.members.routes.deps import ReaderContext, WriterContext
from services.members.schemas.care import CareEnrolment, CareEnrolmentCreate, CareEnrolmentUpdate, DutyReport, DutyReportCreate
from services.members.service import care

router = APIRouter(prefix="/api/v1/members/{member_id}", tags=["care"])


@router.get("/care", response_model=list[CareEnrolment], responses=answers(NOT_FOUND))
async def list_enrolments(member_id: uuid.UUID, session: ReadSessionDep, ctx: ReaderContext) -> list[CareEnrolment]:
    return await care.enrolments(session, ctx, member_id)


@router.post(
    "/care",
    status_code=status.HTTP_201_CREATED,
    response_model=CareEnrolment,
    dependencies=[Idempotent],
    responses=answers(NOT_FOUND, NOT_ELIGIBLE, ALREADY_ENROLLED),
)
async def enrol(member_id: uuid.UUID, data: CareEnrolmentCreate, session: WriteSessionDep, ctx: WriterContext) -> CareEnrolment:
    """Green channel (elderly from the policy's age, or needy) or education upgrade (under the policy's age, below college)."""
    return await care.enrol(session, ctx, member_id, data)


@router.patch(
    "/care/{enrolment_id}",
    response_model=CareEnrolment,
    responses=answers(NOT_FOUND, RULE_VIOLATION, ENROLMENT_ENDED),
    description='`If-Match`: the enrolment\'s ETag, `"<version>"` of the listing or the last update (428 without, 412 if stale).',
)
async def update_enrolment(
    member_id: uuid.UUID,
    enrolment_id: uuid.UUID,
    data: CareEnrolmentUpdate,
    session: WriteSessionDep,
    ctx: WriterContext,
    response: Response,
    preconditions: PreconditionsDep,
) -> CareEnrolment:
    enrolment = await care.update_enrolment(session, ctx, member_id, enrolment_id, data, preconditions=preconditions)
    set_etag(response, enrolment.version)
    return enrolment


@router.get("/duty-reports", response_model=list[DutyReport], responses=answers(NOT_FOUND))
async def list_duty_reports(member_id: uuid.UUID, session: ReadSessionDep, ctx: ReaderContext) -> list[DutyReport]:
    return await care.duty_reports(session, ctx, member_id)


@router.post(
    "/duty-reports",
    status_code=status.HTTP_201_CREATED,
    response_model=DutyReport,
    dependencies=[Idempotent],
    responses=answers(NOT_FOUND, NOT_ELIGIBLE, RULE_VIOLATION),
)
async def add_duty_report(
    member_id: uuid.UUID, data: DutyReportCreate, session: WriteSessionDep, ctx: WriterContext
) -> DutyReport:
    """A young member (under the policy's age) reports on their duty (述職述行)."""
    return await care.add_duty_report(session, ctx, member_id, data)
