"""The steps of an application (發展黨員), from the application itself to full membership: each rule
of the 發展黨員工作細則 checked before anything is written; the approval makes the member record
through the same code as `POST /members`, and becoming full goes through the record's own change."""

import uuid
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.outbox import record_event
from services.kit.problems import Problem, ProblemKind, field_error
from services.members.enums import (
    MemberState,
    PartyStatus,
    RecruitmentStage,
    RecruitmentStepKind,
)
from services.members.errors import (
    ALREADY_A_MEMBER,
    APPLICATION_CLOSED,
    DUPLICATE_APPLICATION,
    INVALID_APPLICATION,
    ORGANIZATION_CANNOT_HOLD_MEMBERS,
    RECRUITMENT_RULE,
    STAGE_OUT_OF_ORDER,
    STAGE_TOO_EARLY,
    STEP_REPEATED,
    UNKNOWN_MEMBER,
)
from services.members.models import Application, Member, RecruitmentStep, outbox
from services.members.rules.probation import extension_errors, probation_ends_on
from services.members.rules.records import id_number_errors, normalize_id_number
from services.members.rules.recruitment import (
    CLOSED_STAGES,
    admission_errors,
    applicant_errors,
    approval_errors,
    contacts_errors,
    introducers_errors,
    talk_errors,
    target_errors,
    training_errors,
)
from services.members.schemas.probation import ProbationExtension
from services.members.schemas.records import BecomeFull, MemberCreate, StateChange
from services.members.schemas.recruitment import (
    ActivistStep,
    AdmissionStep,
    ApplicationCreate,
    ApprovalStep,
    CancelStep,
    ExtensionStep,
    FullStep,
    RecruitmentStepCreate,
    ReviewStep,
    TalkStep,
    TargetStep,
)
from services.members.schemas.recruitment import Application as ApplicationOut
from services.members.service import counties, person_index, probation, records
from services.members.service.common import MembersContext, org_holding_error, visible
from services.members.service.recruitment import application_for, present_application


def _refuse(errors: list[dict[str, Any]], kind: ProblemKind = RECRUITMENT_RULE) -> Problem:
    return kind(errors[0]["message"], errors=errors)


async def create_application(session: AsyncSession, ctx: MembersContext, data: ApplicationCreate) -> ApplicationOut:
    errors = id_number_errors(data.id_number, birth_date=data.birth_date, sex=data.sex.value, today=ctx.today)
    errors += applicant_errors(birth_date=data.birth_date, applied_on=data.applied_on, today=ctx.today, policy=ctx.policy)
    if errors:
        raise _refuse(errors, INVALID_APPLICATION)
    reason = await org_holding_error(session, ctx.caller, data.org_id)
    if reason:
        raise ORGANIZATION_CANNOT_HOLD_MEMBERS.on("org_id", reason, detail=reason)
    id_number = normalize_id_number(data.id_number)
    id_index = ctx.cipher.blind_index("id_number", id_number)
    open_application = await session.scalar(
        select(Application.id).where(Application.id_number_index == id_index, Application.stage.not_in(CLOSED_STAGES))
    )
    if open_application is not None:
        raise DUPLICATE_APPLICATION("This person has an open application")
    if await person_index.open_record(session, id_index) is not None:
        raise ALREADY_A_MEMBER("This person is already a member")
    application = Application(
        org_id=data.org_id,
        county_id=(await counties.of_orgs(session, [data.org_id]))[data.org_id],
        stage=RecruitmentStage.applicant.value,
        name=data.name,
        sex=data.sex.value,
        ethnicity=data.ethnicity,
        id_number_cipher=ctx.cipher.encrypt("id_number", id_number),
        id_number_index=id_index,
        phone_cipher=ctx.cipher.encrypt("phone", data.phone) if data.phone else None,
        phone_index=ctx.cipher.blind_index("phone", data.phone) if data.phone else None,
        birth_date=data.birth_date,
        education=data.education.value,
        occupation=data.occupation.value,
        residence_community_id=data.residence_community_id,
        applied_on=data.applied_on,
        contact_ids=[],
        introducer_ids=[],
        training={},
        extension_months=0,
        version=1,
    )
    session.add(application)
    try:
        await session.flush()
    except IntegrityError:  # a concurrent request filed the same person first (the partial unique index)
        raise DUPLICATE_APPLICATION("This person has an open application") from None
    await _record_step(
        session,
        ctx,
        application,
        kind=RecruitmentStepKind.applied,
        effective_on=data.applied_on,
        deciding_body=data.deciding_body,
        documents=data.documents,
        details={},
    )
    return present_application(application, ctx)


async def _record_step(
    session: AsyncSession,
    ctx: MembersContext,
    application: Application,
    *,
    kind: str,
    effective_on: date,
    deciding_body: str | None,
    documents: list[str],
    details: dict[str, Any],
) -> None:
    last = await session.scalar(select(func.max(RecruitmentStep.seq)).where(RecruitmentStep.application_id == application.id))
    session.add(
        RecruitmentStep(
            application_id=application.id,
            seq=(last or 0) + 1,
            kind=kind,
            effective_on=effective_on,
            deciding_body=deciding_body,
            documents=list(documents),
            details=details,
            actor=ctx.actor,
        )
    )
    await session.flush()
    # No name, ID number or phone in the feed: the stage and the dates are what other services need.
    payload = {
        "id": str(application.id),
        "org_id": str(application.org_id),
        "stage": application.stage,
        "step": kind,
        "effective_on": effective_on.isoformat(),
        "member_id": str(application.member_id) if application.member_id else None,
        "version": application.version,
    }
    await record_event(session, outbox, type=f"application.{kind}", aggregate_id=application.id, payload=payload)


async def _full_member_errors(
    session: AsyncSession, ctx: MembersContext, ids: list[uuid.UUID], *, field: str, applicant_index: str
) -> list[dict[str, Any]]:
    """Why each named person cannot act as a contact or introducer: the applicant themself,
    probationary, or not in normal standing. One unknown or outside the caller's scope is refused
    first, as `unknown-member` at its index, the id not repeated: both answer alike (no oracle)."""
    found = {m.id: m for m in (await session.execute(visible(ctx.caller).where(Member.id.in_(set(ids))))).scalars().all()}
    unknown = [field_error(f"{field}.{index}", "unknown member") for index, m in enumerate(ids) if m not in found]
    if unknown:
        raise UNKNOWN_MEMBER("The member does not exist", errors=unknown)
    errors = []
    for member_id in ids:
        member = found[member_id]
        if member.id_number_index == applicant_index:
            errors.append(field_error(field, "the applicant cannot act for themself"))
        elif member.party_status != PartyStatus.full:
            errors.append(field_error(field, f"{member.name} is a probationary member; a full member is needed"))
        elif member.state != MemberState.normal.value:
            errors.append(field_error(field, f"{member.name} is {member.state}"))
    return errors


def _expect_stage(application: Application, *stages: RecruitmentStage) -> None:
    if application.stage not in {s.value for s in stages}:
        wanted = " or ".join(s.value for s in stages)
        message = f"the application is at stage {application.stage}; this step needs {wanted}"
        raise _refuse([field_error("kind", message)], STAGE_OUT_OF_ORDER)


async def add_step(
    session: AsyncSession, ctx: MembersContext, application_id: uuid.UUID, step: RecruitmentStepCreate
) -> ApplicationOut:
    application = await application_for(session, ctx, application_id, for_update=True)
    if application.stage in CLOSED_STAGES:
        raise APPLICATION_CLOSED(f"The application is closed ({application.stage})")
    if step.effective_on > ctx.today:
        raise _refuse([field_error("effective_on", "is in the future")])
    last = await session.scalar(
        select(func.max(RecruitmentStep.effective_on)).where(RecruitmentStep.application_id == application.id)
    )
    if last is not None and step.effective_on < last:
        raise _refuse([field_error("effective_on", f"is before the previous step ({last.isoformat()})")])
    details = await _STEPS[step.kind](session, ctx, application, step)
    if step.reason:
        details["reason"] = step.reason
    application.version += 1
    await _record_step(
        session,
        ctx,
        application,
        kind=step.kind,
        effective_on=step.effective_on,
        deciding_body=step.deciding_body,
        documents=step.documents,
        details=details,
    )
    return present_application(application, ctx)


async def _talk(session: AsyncSession, ctx: MembersContext, application: Application, step: TalkStep) -> dict[str, Any]:
    _expect_stage(application, RecruitmentStage.applicant)
    if application.talked_on is not None:
        raise STEP_REPEATED("The talk is already recorded")
    errors = talk_errors(applied_on=application.applied_on, talked_on=step.effective_on, reason=step.reason, policy=ctx.policy)
    if errors:
        raise _refuse(errors)
    application.talked_on = step.effective_on
    return {}


async def _activist(session: AsyncSession, ctx: MembersContext, application: Application, step: ActivistStep) -> dict[str, Any]:
    _expect_stage(application, RecruitmentStage.applicant)
    if application.talked_on is None:
        raise _refuse([field_error("kind", "the talk comes before the activist step")], STAGE_OUT_OF_ORDER)
    errors = contacts_errors(list(step.contact_ids), ctx.policy) or await _full_member_errors(
        session, ctx, step.contact_ids, field="contact_ids", applicant_index=application.id_number_index
    )
    if errors:
        raise _refuse(errors)
    application.stage = RecruitmentStage.activist.value
    application.activist_on = step.effective_on
    application.contact_ids = [str(i) for i in step.contact_ids]
    return {"contact_ids": application.contact_ids}


async def _review(session: AsyncSession, ctx: MembersContext, application: Application, step: ReviewStep) -> dict[str, Any]:
    _expect_stage(application, RecruitmentStage.activist)
    application.reviewed_on = step.effective_on
    return {}


async def _target(session: AsyncSession, ctx: MembersContext, application: Application, step: TargetStep) -> dict[str, Any]:
    _expect_stage(application, RecruitmentStage.activist)
    assert application.activist_on is not None
    errors = target_errors(activist_on=application.activist_on, target_on=step.effective_on, policy=ctx.policy)
    if errors:
        raise _refuse(errors, STAGE_TOO_EARLY)
    application.stage = RecruitmentStage.development_target.value
    application.target_on = step.effective_on
    return {}


async def _extend(session: AsyncSession, ctx: MembersContext, application: Application, step: ExtensionStep) -> dict[str, Any]:
    _expect_stage(application, RecruitmentStage.probationary)
    errors = extension_errors(months=step.months, already_extended=application.extension_months > 0, policy=ctx.policy)
    if errors:
        raise _refuse(errors)
    assert application.meeting_on is not None
    assert application.member_id is not None
    # The member record carries the extension too: its own full check counts it.
    extension = ProbationExtension(months=step.months, decided_on=step.effective_on, reason=step.reason)
    await probation.record_extension(session, ctx, application.member_id, extension)
    application.extension_months = step.months
    application.probation_ends_on = probation_ends_on(application.meeting_on, step.months, ctx.policy)
    return {"months": step.months, "probation_ends_on": application.probation_ends_on.isoformat()}


async def _full(session: AsyncSession, ctx: MembersContext, application: Application, step: FullStep) -> dict[str, Any]:
    _expect_stage(application, RecruitmentStage.probationary)
    assert application.probation_ends_on is not None
    assert application.member_id is not None
    if step.effective_on < application.probation_ends_on:
        message = f"the probation ends on {application.probation_ends_on.isoformat()}"
        raise _refuse([field_error("effective_on", message)], STAGE_TOO_EARLY)
    await probation.make_full(session, ctx, application.member_id, BecomeFull(full_on=step.effective_on))
    application.stage = RecruitmentStage.full.value
    application.full_on = step.effective_on
    return {"member_id": str(application.member_id)}


async def _cancel(session: AsyncSession, ctx: MembersContext, application: Application, step: CancelStep) -> dict[str, Any]:
    if application.stage == RecruitmentStage.probationary.value and application.member_id is not None:
        # 取消預備黨員資格: the record is closed through its own state change (history and event).
        change = StateChange(state=MemberState.left, effective_on=step.effective_on, reason=step.reason)
        await records.set_state(session, ctx, application.member_id, change)
    details = {"from": application.stage}
    application.stage = RecruitmentStage.cancelled.value
    application.closed_on = step.effective_on
    return details


async def _admit(session: AsyncSession, ctx: MembersContext, application: Application, step: AdmissionStep) -> dict[str, Any]:
    _expect_stage(application, RecruitmentStage.development_target)
    if application.meeting_on is not None:
        raise STEP_REPEATED("The branch meeting is already recorded")
    assert application.target_on is not None
    policy = ctx.policy
    errors = training_errors(days=step.training_days, hours=step.training_hours, policy=policy)
    errors += admission_errors(
        target_on=application.target_on,
        notice_from=step.notice_from,
        notice_to=step.notice_to,
        meeting_on=step.effective_on,
        policy=policy,
    )
    errors += introducers_errors(list(step.introducer_ids), policy) or await _full_member_errors(
        session, ctx, step.introducer_ids, field="introducer_ids", applicant_index=application.id_number_index
    )
    if errors:
        raise _refuse(errors)
    application.training = {"days": step.training_days, "hours": step.training_hours}
    application.introducer_ids = [str(i) for i in step.introducer_ids]
    application.notice_from = step.notice_from
    application.notice_to = step.notice_to
    application.meeting_on = step.effective_on
    return {
        "introducer_ids": application.introducer_ids,
        "training": application.training,
        "notice_from": step.notice_from.isoformat(),
        "notice_to": step.notice_to.isoformat(),
    }


async def _approve(session: AsyncSession, ctx: MembersContext, application: Application, step: ApprovalStep) -> dict[str, Any]:
    _expect_stage(application, RecruitmentStage.development_target)
    if application.meeting_on is None:
        raise _refuse([field_error("kind", "the branch meeting comes before the approval")], STAGE_OUT_OF_ORDER)
    errors = approval_errors(
        meeting_on=application.meeting_on, approved_on=step.effective_on, reason=step.reason, policy=ctx.policy
    )
    if errors:
        raise _refuse(errors)
    # The record is made by the same code as POST /members: its history starts with `joined` on the
    # day of the branch meeting (the probation counts from it) and `member.created` is published.
    data = MemberCreate(
        name=application.name,
        sex=application.sex,
        ethnicity=application.ethnicity,
        id_number=ctx.cipher.decrypt("id_number", application.id_number_cipher),
        birth_date=application.birth_date,
        phone=ctx.cipher.decrypt("phone", application.phone_cipher) if application.phone_cipher else None,
        education=application.education,
        occupation=application.occupation,
        party_status=PartyStatus.probationary,
        joined_on=application.meeting_on,
        org_id=application.org_id,
        residence_community_id=application.residence_community_id,
    )
    member = await records.add_member(session, ctx, data)
    application.member_id = member.id
    application.approved_on = step.effective_on
    application.stage = RecruitmentStage.probationary.value
    application.probation_ends_on = probation_ends_on(application.meeting_on, 0, ctx.policy)
    return {"member_id": str(member.id)}


# Each step's check-and-apply: a 422 (nothing written) when a rule is broken, else the step's details.
_STEPS: dict[str, Callable[[AsyncSession, MembersContext, Application, Any], Awaitable[dict[str, Any]]]] = {
    RecruitmentStepKind.talk: _talk,
    RecruitmentStepKind.activist: _activist,
    RecruitmentStepKind.review: _review,
    RecruitmentStepKind.development_target: _target,
    RecruitmentStepKind.admission: _admit,
    RecruitmentStepKind.approval: _approve,
    RecruitmentStepKind.extension: _extend,
    RecruitmentStepKind.full: _full,
    RecruitmentStepKind.cancelled: _cancel,
}
