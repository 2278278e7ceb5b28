"""Care programs (seed 對策(三)2): the green channel for elderly and needy members, the education
upgrade for young members with low education, and young members' duty reports."""

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.problems import field_error
from services.kit.versioning import Preconditions
from services.members.enums import CareProgram, MemberEventKind
from services.members.errors import ALREADY_ENROLLED, ENROLMENT_ENDED, NOT_ELIGIBLE, NOT_FOUND, RULE_VIOLATION
from services.members.models import CareEnrolment, DutyReport, Member
from services.members.rules.care import education_upgrade_errors, green_channel_errors
from services.members.rules.common import age_on
from services.members.rules.records import CLOSED_STATES
from services.members.schemas.care import CareEnrolment as CareEnrolmentOut
from services.members.schemas.care import CareEnrolmentCreate, CareEnrolmentUpdate, DutyReportCreate
from services.members.schemas.care import DutyReport as DutyReportOut
from services.members.service import counties
from services.members.service.common import MembersContext, add_history, get_visible, publish


def is_active(enrolment: CareEnrolment) -> bool:
    return enrolment.ended_on is None and enrolment.completed_on is None


def present_enrolment(enrolment: CareEnrolment) -> CareEnrolmentOut:
    return CareEnrolmentOut.model_validate(
        {**{c: getattr(enrolment, c) for c in CareEnrolmentOut.model_fields if c != "active"}, "active": is_active(enrolment)}
    )


async def _sync_programs(session: AsyncSession, member: Member) -> None:
    """The record's `care_programs` (carried by its events) = the kinds of its active enrolments."""
    enrolments = (await session.execute(select(CareEnrolment).where(counties.beside(member, CareEnrolment)))).scalars().all()
    member.care_programs = sorted({e.program for e in enrolments if is_active(e)})
    member.version += 1


async def enrolments(session: AsyncSession, ctx: MembersContext, member_id: uuid.UUID) -> list[CareEnrolmentOut]:
    return [present_enrolment(enrolment) for enrolment in await _enrolments(session, ctx, member_id)]


async def _enrolments(session: AsyncSession, ctx: MembersContext, member_id: uuid.UUID) -> list[CareEnrolment]:
    await get_visible(session, ctx, member_id)
    stmt = select(CareEnrolment).where(CareEnrolment.member_id == member_id).order_by(CareEnrolment.enrolled_on, CareEnrolment.id)
    return list((await session.execute(stmt)).scalars().all())


async def enrol(session: AsyncSession, ctx: MembersContext, member_id: uuid.UUID, data: CareEnrolmentCreate) -> CareEnrolmentOut:
    member = await get_visible(session, ctx, member_id, for_update=True)
    grounds = [g.value for g in data.grounds]
    services = [s.value for s in data.services]
    if data.program == CareProgram.green_channel:
        errors = green_channel_errors(
            grounds=grounds, services=services, birth_date=member.birth_date, enrolled_on=data.enrolled_on, policy=ctx.policy
        )
    else:
        errors = education_upgrade_errors(
            education=member.education,
            target_level=data.target_level.value if data.target_level else None,
            birth_date=member.birth_date,
            enrolled_on=data.enrolled_on,
            policy=ctx.policy,
        )
    if member.state in CLOSED_STATES:
        errors.append(field_error("member_id", f"the member is {member.state}"))
    if data.enrolled_on > ctx.today:
        errors.append(field_error("enrolled_on", "is in the future"))
    if errors:
        raise NOT_ELIGIBLE(errors[0]["message"], errors=errors)
    held = await _enrolments(session, ctx, member_id)
    if any(e.program == data.program.value and is_active(e) for e in held):
        raise ALREADY_ENROLLED(f"The member is already in the {data.program.value} program")
    enrolment = CareEnrolment(
        member_id=member.id,
        county_id=member.county_id,
        program=data.program.value,
        grounds=grounds,
        services=services,
        partner=data.partner,
        target_level=data.target_level.value if data.target_level else None,
        school=data.school,
        enrolled_on=data.enrolled_on,
    )
    session.add(enrolment)
    await session.flush()
    await _sync_programs(session, member)
    details = {"enrolment_id": str(enrolment.id), "program": enrolment.program}
    await add_history(
        session, member.id, MemberEventKind.care_enrolled, effective_on=data.enrolled_on, details=details, actor=ctx.actor
    )
    await session.flush()
    await publish(session, "member.updated", member)
    return present_enrolment(enrolment)


async def update_enrolment(
    session: AsyncSession,
    ctx: MembersContext,
    member_id: uuid.UUID,
    enrolment_id: uuid.UUID,
    data: CareEnrolmentUpdate,
    *,
    preconditions: Preconditions,
) -> CareEnrolmentOut:
    member = await get_visible(session, ctx, member_id, for_update=True)
    enrolment = await session.scalar(
        select(CareEnrolment).where(CareEnrolment.id == enrolment_id, CareEnrolment.member_id == member_id)
    )
    if enrolment is None:
        raise NOT_FOUND(f"Care enrolment {enrolment_id} was not found")
    # The member's row lock above makes this check and the change one step.
    preconditions.check(enrolment.version)
    changes = data.model_dump(exclude_unset=True, mode="json")
    for name in ("completed_on", "ended_on"):
        day = getattr(data, name)
        if day is not None and (day < enrolment.enrolled_on or day > ctx.today):
            raise RULE_VIOLATION.on(name, "out of range", detail=f"{name} must lie between enrolment and today")
    if data.completed_on is not None and enrolment.program != CareProgram.education_upgrade.value:
        raise RULE_VIOLATION.on("completed_on", "not here", detail="Only an education upgrade is completed")
    if not is_active(enrolment):
        raise ENROLMENT_ENDED("The enrolment has ended")
    for name in ("services", "partner", "school"):
        if name in changes:
            setattr(enrolment, name, changes[name])
    enrolment.completed_on = data.completed_on or enrolment.completed_on
    enrolment.ended_on = data.ended_on or enrolment.ended_on
    enrolment.version += 1
    effective_on: date = data.completed_on or data.ended_on or ctx.today
    details: dict[str, object] = {"enrolment_id": str(enrolment.id), "program": enrolment.program, "changed": sorted(changes)}
    if data.completed_on is not None and enrolment.target_level:
        # The upgrade reached its aim: the record's education is now the level studied for.
        details["education"] = {"from": member.education, "to": enrolment.target_level}
        member.education = enrolment.target_level
    await session.flush()
    await _sync_programs(session, member)
    await add_history(
        session, member.id, MemberEventKind.care_updated, effective_on=effective_on, details=details, actor=ctx.actor
    )
    await session.flush()
    await publish(session, "member.updated", member)
    return present_enrolment(enrolment)


async def add_duty_report(
    session: AsyncSession, ctx: MembersContext, member_id: uuid.UUID, data: DutyReportCreate
) -> DutyReportOut:
    member = await get_visible(session, ctx, member_id)
    if age_on(member.birth_date, data.reported_on) >= ctx.policy.young_member_max_age:
        message = f"duty reports are for members under {ctx.policy.young_member_max_age}"
        raise NOT_ELIGIBLE.on("member_id", message, detail=message)
    if data.reported_on > ctx.today:
        raise RULE_VIOLATION.on("reported_on", "in the future", detail="The report date is in the future")
    report = DutyReport(member_id=member.id, county_id=member.county_id, **data.model_dump())
    session.add(report)
    await session.flush()
    return DutyReportOut.model_validate(report)


async def duty_reports(session: AsyncSession, ctx: MembersContext, member_id: uuid.UUID) -> list[DutyReportOut]:
    await get_visible(session, ctx, member_id)
    stmt = select(DutyReport).where(DutyReport.member_id == member_id).order_by(DutyReport.reported_on, DutyReport.id)
    return [DutyReportOut.model_validate(report) for report in (await session.execute(stmt)).scalars().all()]
