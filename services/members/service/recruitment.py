"""The recruitment pipeline (發展黨員): applications and their dated steps, each rule of the
發展黨員工作細則 checked before anything is written; the approval makes the member record through
the same code as `POST /members`, and becoming full goes through the record's own `become_full`."""

import uuid
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, and_, case, cast, extract, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.outbox import record_event
from services.kit.pagination import keyset_page, page_of
from services.kit.problems import Conflict, NotFound, Unprocessable, field_error
from services.kit.tree import within_node
from services.members.common import age_band_labels, months_after, months_before
from services.members.enums import MemberState, RecruitmentDueKind, RecruitmentStage, RecruitStatsDimension
from services.members.models import Application, Member, RecruitmentStep, org_replica, outbox
from services.members.records import CLOSED_STATES, id_number_errors, mask_id_number, mask_phone, normalize_id_number
from services.members.recruitment import (
    admission_errors,
    applicant_errors,
    approval_errors,
    contacts_errors,
    extension_errors,
    introducers_errors,
    probation_ends_on,
    talk_errors,
    target_errors,
    training_errors,
)
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
    RecruitStats,
    RecruitStatsRow,
    ReviewStep,
    TalkStep,
    TargetStep,
)
from services.members.schemas.recruitment import Application as ApplicationOut
from services.members.service import records
from services.members.service.common import Context, in_scope, org_holding_error, visible

CLOSED_STAGES = (RecruitmentStage.full.value, RecruitmentStage.cancelled.value)


def present_application(application: Application, ctx: Context) -> ApplicationOut:
    id_number = ctx.cipher.decrypt("id_number", application.id_number_cipher)
    phone = ctx.cipher.decrypt("phone", application.phone_cipher) if application.phone_cipher else None
    if not ctx.unmasked:
        id_number = mask_id_number(id_number)
        phone = mask_phone(phone) if phone else None
    values = {name: getattr(application, name) for name in ApplicationOut.model_fields if hasattr(application, name)}
    return ApplicationOut.model_validate(values | {"id_number": id_number, "phone": phone, "masked": not ctx.unmasked})


def _visible(ctx: Context) -> Select[Application]:
    """Applications whose organization is in the caller's subtree, decided inside the query."""
    return select(Application).join(org_replica, org_replica.c.id == Application.org_id).where(in_scope(ctx.caller))


async def get_application(
    session: AsyncSession, ctx: Context, application_id: uuid.UUID, *, for_update: bool = False
) -> Application:
    stmt = _visible(ctx).where(Application.id == application_id)
    if for_update:
        stmt = stmt.with_for_update(of=Application)
    application: Application | None = (await session.execute(stmt)).scalar_one_or_none()
    if application is None:
        raise NotFound("Application", application_id)
    return application


async def list_applications(
    session: AsyncSession,
    ctx: Context,
    *,
    stage: RecruitmentStage | None,
    within: uuid.UUID | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[Application], str | None]:
    stmt = _visible(ctx)
    if stage is not None:
        stmt = stmt.where(Application.stage == stage.value)
    if within is not None:
        stmt = stmt.where(within_node(within, org_replica.c.path, org_replica.c.id, org_replica.c.path))
    rows = (await session.execute(keyset_page(stmt, [Application.id], cursor, limit))).scalars().all()
    return page_of(rows, limit, lambda a: [a.id])


async def steps(session: AsyncSession, ctx: Context, application_id: uuid.UUID) -> list[RecruitmentStep]:
    await get_application(session, ctx, application_id)
    stmt = select(RecruitmentStep).where(RecruitmentStep.application_id == application_id).order_by(RecruitmentStep.seq)
    return list((await session.execute(stmt)).scalars().all())


def _refuse(errors: list[dict[str, Any]], slug: str = "recruitment-rule") -> Unprocessable:
    return Unprocessable(errors[0]["message"], slug=slug, errors=errors)


async def create_application(session: AsyncSession, ctx: Context, data: ApplicationCreate) -> Application:
    errors = id_number_errors(data.id_number, birth_date=data.birth_date, sex=data.sex.value, today=ctx.today)
    errors += applicant_errors(birth_date=data.birth_date, applied_on=data.applied_on, today=ctx.today, policy=ctx.policy)
    if errors:
        raise _refuse(errors, "invalid-application")
    reason = await org_holding_error(session, ctx.caller, data.org_id)
    if reason:
        raise Unprocessable(reason, slug="organization-cannot-hold-members", errors=[field_error("org_id", reason)])
    id_number = normalize_id_number(data.id_number)
    id_index = ctx.cipher.blind_index("id_number", id_number)
    open_application = await session.scalar(
        select(Application.id).where(Application.id_number_index == id_index, Application.stage.not_in(CLOSED_STAGES))
    )
    if open_application is not None:
        raise Conflict("This person has an open application", slug="duplicate-application")
    member = await session.scalar(select(Member.id).where(Member.id_number_index == id_index, Member.state.not_in(CLOSED_STATES)))
    if member is not None:
        raise Conflict("This person is already a member", slug="already-a-member")
    application = Application(
        org_id=data.org_id,
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
        raise Conflict("This person has an open application", slug="duplicate-application") from None
    await _record_step(
        session,
        ctx,
        application,
        kind="applied",
        effective_on=data.applied_on,
        deciding_body=data.deciding_body,
        documents=data.documents,
        details={},
    )
    return application


async def _record_step(
    session: AsyncSession,
    ctx: Context,
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
    session: AsyncSession, ctx: Context, ids: list[uuid.UUID], *, field: str, applicant_index: str
) -> list[dict[str, Any]]:
    """Why each named person cannot act as a contact or introducer: unknown (in the caller's scope),
    the applicant themself, probationary, or not in normal standing."""
    found = {m.id: m for m in (await session.execute(visible(ctx.caller).where(Member.id.in_(set(ids))))).scalars().all()}
    errors = []
    for member_id in ids:
        member = found.get(member_id)
        if member is None:
            errors.append(field_error(field, f"member {member_id} was not found"))
        elif member.id_number_index == applicant_index:
            errors.append(field_error(field, "the applicant cannot act for themself"))
        elif member.party_status != "full":
            errors.append(field_error(field, f"{member.name} is a probationary member; a full member is needed"))
        elif member.state != MemberState.normal.value:
            errors.append(field_error(field, f"{member.name} is {member.state}"))
    return errors


def _expect_stage(application: Application, *stages: RecruitmentStage) -> None:
    if application.stage not in {s.value for s in stages}:
        wanted = " or ".join(s.value for s in stages)
        message = f"the application is at stage {application.stage}; this step needs {wanted}"
        raise _refuse([field_error("kind", message)], "stage-out-of-order")


async def add_step(session: AsyncSession, ctx: Context, application_id: uuid.UUID, step: RecruitmentStepCreate) -> Application:
    application = await get_application(session, ctx, application_id, for_update=True)
    if application.stage in CLOSED_STAGES:
        raise Conflict(f"The application is closed ({application.stage})", slug="application-closed")
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
    return application


async def _talk(session: AsyncSession, ctx: Context, application: Application, step: TalkStep) -> dict[str, Any]:
    _expect_stage(application, RecruitmentStage.applicant)
    if application.talked_on is not None:
        raise Conflict("The talk is already recorded", slug="step-repeated")
    errors = talk_errors(applied_on=application.applied_on, talked_on=step.effective_on, reason=step.reason, policy=ctx.policy)
    if errors:
        raise _refuse(errors)
    application.talked_on = step.effective_on
    return {}


async def _activist(session: AsyncSession, ctx: Context, application: Application, step: ActivistStep) -> dict[str, Any]:
    _expect_stage(application, RecruitmentStage.applicant)
    if application.talked_on is None:
        raise _refuse([field_error("kind", "the talk comes before the activist step")], "stage-out-of-order")
    errors = contacts_errors(list(step.contact_ids), ctx.policy) or await _full_member_errors(
        session, ctx, step.contact_ids, field="contact_ids", applicant_index=application.id_number_index
    )
    if errors:
        raise _refuse(errors)
    application.stage = RecruitmentStage.activist.value
    application.activist_on = step.effective_on
    application.contact_ids = [str(i) for i in step.contact_ids]
    return {"contact_ids": application.contact_ids}


async def _review(session: AsyncSession, ctx: Context, application: Application, step: ReviewStep) -> dict[str, Any]:
    _expect_stage(application, RecruitmentStage.activist)
    application.reviewed_on = step.effective_on
    return {}


async def _target(session: AsyncSession, ctx: Context, application: Application, step: TargetStep) -> dict[str, Any]:
    _expect_stage(application, RecruitmentStage.activist)
    assert application.activist_on is not None
    errors = target_errors(activist_on=application.activist_on, target_on=step.effective_on, policy=ctx.policy)
    if errors:
        raise _refuse(errors, "stage-too-early")
    application.stage = RecruitmentStage.development_target.value
    application.target_on = step.effective_on
    return {}


async def _extend(session: AsyncSession, ctx: Context, application: Application, step: ExtensionStep) -> dict[str, Any]:
    _expect_stage(application, RecruitmentStage.probationary)
    errors = extension_errors(months=step.months, already_extended=application.extension_months > 0, policy=ctx.policy)
    if errors:
        raise _refuse(errors)
    assert application.meeting_on is not None
    application.extension_months = step.months
    application.probation_ends_on = probation_ends_on(application.meeting_on, step.months, ctx.policy)
    return {"months": step.months, "probation_ends_on": application.probation_ends_on.isoformat()}


async def _full(session: AsyncSession, ctx: Context, application: Application, step: FullStep) -> dict[str, Any]:
    _expect_stage(application, RecruitmentStage.probationary)
    assert application.probation_ends_on is not None
    assert application.member_id is not None
    if step.effective_on < application.probation_ends_on:
        message = f"the probation ends on {application.probation_ends_on.isoformat()}"
        raise _refuse([field_error("effective_on", message)], "stage-too-early")
    await records.become_full(session, ctx, application.member_id, BecomeFull(full_on=step.effective_on))
    application.stage = RecruitmentStage.full.value
    application.full_on = step.effective_on
    return {"member_id": str(application.member_id)}


async def _cancel(session: AsyncSession, ctx: Context, application: Application, step: CancelStep) -> dict[str, Any]:
    if application.stage == RecruitmentStage.probationary.value and application.member_id is not None:
        # 取消預備黨員資格: the record is closed through its own state change (history and event).
        change = StateChange(state=MemberState.left, effective_on=step.effective_on, reason=step.reason)
        await records.change_state(session, ctx, application.member_id, change)
    details = {"from": application.stage}
    application.stage = RecruitmentStage.cancelled.value
    application.closed_on = step.effective_on
    return details


async def _admit(session: AsyncSession, ctx: Context, application: Application, step: AdmissionStep) -> dict[str, Any]:
    _expect_stage(application, RecruitmentStage.development_target)
    if application.meeting_on is not None:
        raise Conflict("The branch meeting is already recorded", slug="step-repeated")
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


async def _approve(session: AsyncSession, ctx: Context, application: Application, step: ApprovalStep) -> dict[str, Any]:
    _expect_stage(application, RecruitmentStage.development_target)
    if application.meeting_on is None:
        raise _refuse([field_error("kind", "the branch meeting comes before the approval")], "stage-out-of-order")
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
        party_status="probationary",
        joined_on=application.meeting_on,
        org_id=application.org_id,
        residence_community_id=application.residence_community_id,
    )
    member = await records.create_member(session, ctx, data)
    application.member_id = member.id
    application.approved_on = step.effective_on
    application.stage = RecruitmentStage.probationary.value
    application.probation_ends_on = probation_ends_on(application.meeting_on, 0, ctx.policy)
    return {"member_id": str(member.id)}


# Each step's check-and-apply: a 422 (nothing written) when a rule is broken, else the step's details.
_STEPS: dict[str, Callable[[AsyncSession, Context, Application, Any], Awaitable[dict[str, Any]]]] = {
    "talk": _talk,
    "activist": _activist,
    "review": _review,
    "development_target": _target,
    "admission": _admit,
    "approval": _approve,
    "extension": _extend,
    "full": _full,
    "cancelled": _cancel,
}


def _due_condition(kind: RecruitmentDueKind, ctx: Context, as_of: date) -> tuple[ColumnElement[bool], Any]:
    """The SQL condition of a work list and the column its clock starts from."""
    policy = ctx.policy
    if kind == RecruitmentDueKind.talk:
        cutoff = months_before(as_of, policy.talk_within_months)
        condition = and_(Application.stage == "applicant", Application.talked_on.is_(None), Application.applied_on < cutoff)
        return condition, Application.applied_on
    if kind == RecruitmentDueKind.review:
        last_review = func.coalesce(Application.reviewed_on, Application.activist_on)
        cutoff = months_before(as_of, policy.activist_review_months)
        return and_(Application.stage == "activist", last_review <= cutoff), last_review
    if kind == RecruitmentDueKind.probation_ending:
        horizon = as_of + timedelta(days=policy.probation_ending_notice_days)
        condition = and_(Application.stage == "probationary", Application.probation_ends_on <= horizon)
        return condition, Application.meeting_on
    cutoff = months_before(as_of, policy.approval_months)
    condition = and_(
        Application.stage == "development_target",
        Application.meeting_on.is_not(None),
        Application.approved_on.is_(None),
        Application.meeting_on < cutoff,
    )
    return condition, Application.meeting_on


def _due_on(kind: RecruitmentDueKind, application: Application, since: date, ctx: Context) -> date:
    policy = ctx.policy
    if kind == RecruitmentDueKind.talk:
        return months_after(since, policy.talk_within_months)
    if kind == RecruitmentDueKind.review:
        return months_after(since, policy.activist_review_months)
    if kind == RecruitmentDueKind.probation_ending:
        assert application.probation_ends_on is not None
        return application.probation_ends_on
    return months_after(since, policy.approval_months)


async def due_applications(
    session: AsyncSession,
    ctx: Context,
    kind: RecruitmentDueKind,
    *,
    as_of: date,
    within: uuid.UUID | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[tuple[Application, date, date]], str | None]:
    condition, since_column = _due_condition(kind, ctx, as_of)
    stmt = _visible(ctx).add_columns(since_column.label("since")).where(condition)
    if within is not None:
        stmt = stmt.where(within_node(within, org_replica.c.path, org_replica.c.id, org_replica.c.path))
    rows = (await session.execute(keyset_page(stmt, [Application.id], cursor, limit))).all()
    page, next_cursor = page_of(rows, limit, lambda row: [row[0].id])
    return [(row[0], row.since, _due_on(kind, row[0], row.since, ctx)) for row in page], next_cursor


def _age_at_meeting() -> ColumnElement[int]:
    """Whole years from the birth date to the branch meeting, in SQL (EXTRACT works on both databases)."""
    met, born = Application.meeting_on, Application.birth_date
    before_birthday = (extract("month", met) * 100 + extract("day", met)) < (extract("month", born) * 100 + extract("day", born))
    return cast(extract("year", met) - extract("year", born) - case((before_birthday, 1), else_=0), Integer)


async def recruit_stats(
    session: AsyncSession,
    ctx: Context,
    *,
    group_by: RecruitStatsDimension,
    year_from: int | None,
    year_to: int | None,
    within: uuid.UUID | None,
) -> RecruitStats:
    """Recruits (admitted: approved after the branch meeting) per year of the meeting, by one dimension, in SQL."""
    year = cast(extract("year", Application.meeting_on), Integer).label("year")
    bands = None
    if group_by == RecruitStatsDimension.age_band:
        edges = list(ctx.policy.recruit_age_edges)
        bands = age_band_labels(edges)
        age = _age_at_meeting()
        whens = [(age < edge, label) for edge, label in zip(edges, bands, strict=False)]
        key: ColumnElement[Any] = case(*whens, else_=bands[-1])
    else:
        key = getattr(Application, group_by.value)
    stmt = (
        select(year, key.label("key"), func.count())
        .select_from(Application)
        .join(org_replica, org_replica.c.id == Application.org_id)
        .where(in_scope(ctx.caller), Application.member_id.is_not(None))
        .group_by(year, key)
        .order_by(year, key)
    )
    if within is not None:
        stmt = stmt.where(within_node(within, org_replica.c.path, org_replica.c.id, org_replica.c.path))
    if year_from is not None:
        stmt = stmt.where(Application.meeting_on >= date(year_from, 1, 1))
    if year_to is not None:
        stmt = stmt.where(Application.meeting_on < date(year_to + 1, 1, 1))
    rows = (await session.execute(stmt)).all()
    return RecruitStats(
        group_by=group_by,
        age_bands=bands,
        rows=[RecruitStatsRow(year=int(r[0]), key=str(r[1]), count=int(r[2])) for r in rows],
    )
