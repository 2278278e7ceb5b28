"""The recruitment pipeline (發展黨員): applications as the caller may see them, their steps, the
pipeline's work lists and the recruits' statistics. The steps themselves are `recruitment_steps`."""

import uuid
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, and_, case, cast, extract, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.pagination import keyset_page, page_of
from services.kit.tree import within_node
from services.members.enums import (
    RecruitmentDueKind,
    RecruitmentStage,
    RecruitStatsDimension,
)
from services.members.errors import (
    NOT_FOUND,
)
from services.members.models import Application, RecruitmentStep, org_replica
from services.members.rules.common import age_band_labels, months_after, months_before
from services.members.rules.records import mask_id_number, mask_phone
from services.members.schemas.recruitment import Application as ApplicationOut
from services.members.schemas.recruitment import (
    RecruitmentDue,
    RecruitmentStepOut,
    RecruitStats,
    RecruitStatsRow,
)
from services.members.service.common import MembersContext, in_scope


def present_application(application: Application, ctx: MembersContext) -> ApplicationOut:
    id_number = ctx.cipher.decrypt("id_number", application.id_number_cipher)
    phone = ctx.cipher.decrypt("phone", application.phone_cipher) if application.phone_cipher else None
    if not ctx.unmasked:
        id_number = mask_id_number(id_number)
        phone = mask_phone(phone) if phone else None
    values = {name: getattr(application, name) for name in ApplicationOut.model_fields if hasattr(application, name)}
    shown = {"id_number": id_number, "phone": phone, "masked": not ctx.unmasked, "birth_year_month": application.birth_date}
    if ctx.by_month:
        shown["birth_date"] = None
    return ApplicationOut.model_validate(values | shown)


def _visible(ctx: MembersContext) -> Select[Application]:
    """Applications whose organization is in the caller's subtree, decided inside the query."""
    return select(Application).join(org_replica, org_replica.c.id == Application.org_id).where(in_scope(ctx.caller))


async def get_application(session: AsyncSession, ctx: MembersContext, application_id: uuid.UUID) -> ApplicationOut:
    return present_application(await application_for(session, ctx, application_id), ctx)


async def application_for(
    session: AsyncSession, ctx: MembersContext, application_id: uuid.UUID, *, for_update: bool = False
) -> Application:
    """The application if the caller may see it (locked for a change when `for_update`), else 404."""
    stmt = _visible(ctx).where(Application.id == application_id)
    if for_update:
        stmt = stmt.with_for_update(of=Application)
    application: Application | None = (await session.execute(stmt)).scalar_one_or_none()
    if application is None:
        raise NOT_FOUND(f"Application {application_id} was not found")
    return application


async def list_applications(
    session: AsyncSession,
    ctx: MembersContext,
    *,
    stage: RecruitmentStage | None,
    within: uuid.UUID | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[ApplicationOut], str | None]:
    stmt = _visible(ctx)
    if stage is not None:
        stmt = stmt.where(Application.stage == stage.value)
    if within is not None:
        stmt = stmt.where(within_node(within, org_replica.c.path, org_replica.c.id, org_replica.c.path))
    rows = (await session.execute(keyset_page(stmt, [Application.id], cursor, limit))).scalars().all()
    applications, next_cursor = page_of(rows, limit, lambda a: [a.id])
    return [present_application(a, ctx) for a in applications], next_cursor


async def steps(session: AsyncSession, ctx: MembersContext, application_id: uuid.UUID) -> list[RecruitmentStepOut]:
    """Every dated step, with its deciding body and documents, in order."""
    await application_for(session, ctx, application_id)
    stmt = select(RecruitmentStep).where(RecruitmentStep.application_id == application_id).order_by(RecruitmentStep.seq)
    return [RecruitmentStepOut.model_validate(step) for step in (await session.execute(stmt)).scalars().all()]


def _due_condition(kind: RecruitmentDueKind, ctx: MembersContext, as_of: date) -> tuple[ColumnElement[bool], Any]:
    """The SQL condition of a work list and the column its clock starts from."""
    policy = ctx.policy
    if kind == RecruitmentDueKind.talk:
        cutoff = months_before(as_of, policy.talk_within_months)
        condition = and_(
            Application.stage == RecruitmentStage.applicant, Application.talked_on.is_(None), Application.applied_on < cutoff
        )
        return condition, Application.applied_on
    if kind == RecruitmentDueKind.review:
        last_review = func.coalesce(Application.reviewed_on, Application.activist_on)
        cutoff = months_before(as_of, policy.activist_review_months)
        return and_(Application.stage == RecruitmentStage.activist, last_review <= cutoff), last_review
    if kind == RecruitmentDueKind.probation_ending:
        horizon = as_of + timedelta(days=policy.probation_ending_notice_days)
        condition = and_(Application.stage == RecruitmentStage.probationary, Application.probation_ends_on <= horizon)
        return condition, Application.meeting_on
    cutoff = months_before(as_of, policy.approval_months)
    condition = and_(
        Application.stage == RecruitmentStage.development_target,
        Application.meeting_on.is_not(None),
        Application.approved_on.is_(None),
        Application.meeting_on < cutoff,
    )
    return condition, Application.meeting_on


def _due_on(kind: RecruitmentDueKind, application: Application, since: date, ctx: MembersContext) -> date:
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
    ctx: MembersContext,
    kind: RecruitmentDueKind,
    *,
    as_of: date,
    within: uuid.UUID | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[RecruitmentDue], str | None]:
    condition, since_column = _due_condition(kind, ctx, as_of)
    stmt = _visible(ctx).add_columns(since_column.label("since")).where(condition)
    if within is not None:
        stmt = stmt.where(within_node(within, org_replica.c.path, org_replica.c.id, org_replica.c.path))
    rows = (await session.execute(keyset_page(stmt, [Application.id], cursor, limit))).all()
    page, next_cursor = page_of(rows, limit, lambda row: [row[0].id])
    due = [
        RecruitmentDue(
            application=present_application(row[0], ctx), kind=kind, since=row.since, due_on=_due_on(kind, row[0], row.since, ctx)
        )
        for row in page
    ]
    return due, next_cursor


def _age_at_meeting() -> ColumnElement[int]:
    """Whole years from the birth date to the branch meeting, in SQL (EXTRACT works on both databases)."""
    met, born = Application.meeting_on, Application.birth_date
    before_birthday = (extract("month", met) * 100 + extract("day", met)) < (extract("month", born) * 100 + extract("day", born))
    return cast(extract("year", met) - extract("year", born) - case((before_birthday, 1), else_=0), Integer)


async def recruit_stats(
    session: AsyncSession,
    ctx: MembersContext,
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
