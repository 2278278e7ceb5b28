"""Yearly evaluations of community organizations, residents' satisfaction, democratic review of members."""

import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.activities import errors
from services.activities.enums import MemberState, PartyStatus, ReviewGrade
from services.activities.models import Activity, Evaluation, Review, SatisfactionRating, member_replica, org_replica
from services.activities.rules import evaluations as rules
from services.activities.schemas.evaluations import EvaluationCreate, ReviewCreate, SatisfactionCreate, SatisfactionSummary
from services.activities.service import counties
from services.activities.service.common import ActivitiesContext, in_scope, referenced_org, scope_root
from services.kit.pagination import keyset_page, page_of
from services.kit.problems import NotFound
from services.kit.tree import subtree_of, within_node


async def create_evaluation(session: AsyncSession, ctx: ActivitiesContext, data: EvaluationCreate) -> Evaluation:
    policy = ctx.policy
    org = await referenced_org(session, ctx, data.org_id)
    if org.tier not in policy.evaluated_tiers:
        raise errors.NOT_EVALUATED.on("org_id", f"only {', '.join(policy.evaluated_tiers)} organizations are evaluated")
    indicators = {i.code: i for i in policy.evaluation_indicators}
    given: dict[str, int] = {}
    for index, score in enumerate(data.scores):
        indicator = indicators.get(score.indicator)
        if indicator is None:
            raise errors.UNKNOWN_INDICATOR.on(f"scores.{index}.indicator", "not an indicator of the set in force")
        if score.indicator in given:
            raise errors.DUPLICATE_INDICATOR.on(f"scores.{index}.indicator", "scored twice")
        given[score.indicator] = index
        if not indicator.min_score <= score.score <= indicator.max_score:
            raise errors.SCORE_OUT_OF_RANGE.on(
                f"scores.{index}.score", f"must be between {indicator.min_score} and {indicator.max_score}"
            )
    missing = [code for code in indicators if code not in given]
    if missing:
        raise errors.MISSING_INDICATOR.on("scores", f"missing indicators: {', '.join(missing)}")
    evidence = {e for s in data.scores for e in s.evidence}
    if evidence:
        found = set(
            await session.scalars(
                select(Activity.id)
                .join(org_replica, org_replica.c.id == Activity.org_id)
                .where(Activity.id.in_(evidence), subtree_of(org_replica.c.path, org.path))
            )
        )
        for index, score in enumerate(data.scores):
            if any(e not in found for e in score.evidence):
                raise errors.UNKNOWN_EVIDENCE.on(f"scores.{index}.evidence", "not an activity of this organization")
    if await session.scalar(select(Evaluation.id).where(Evaluation.org_id == data.org_id, Evaluation.year == data.year)):
        raise errors.EVALUATION_EXISTS(f"The organization is already evaluated for {data.year}")
    total = sum((s.score for s in data.scores), Decimal(0)).quantize(Decimal("0.01"))
    maximum = Decimal(sum(i.max_score for i in indicators.values()))
    scores: list[dict[str, Any]] = [
        {
            "indicator": s.indicator,
            "score": str(s.score),
            "max_score": indicators[s.indicator].max_score,
            "evidence": [str(e) for e in s.evidence],
        }
        for s in data.scores
    ]
    evaluation = Evaluation(
        org_id=data.org_id,
        county_id=await counties.of_org(session, data.org_id),
        year=data.year,
        scores=scores,
        total=total,
        grade=rules.evaluation_grade(total, maximum, policy),
        comment=data.comment,
    )
    session.add(evaluation)
    await session.flush()
    return evaluation


async def get_evaluation(session: AsyncSession, ctx: ActivitiesContext, evaluation_id: uuid.UUID) -> Evaluation:
    stmt = (
        select(Evaluation)
        .join(org_replica, org_replica.c.id == Evaluation.org_id)
        .where(Evaluation.id == evaluation_id, in_scope(ctx))
    )
    evaluation = (await session.execute(stmt)).scalar_one_or_none()
    if evaluation is None:
        raise NotFound("Evaluation", evaluation_id)
    return evaluation


async def list_evaluations(
    session: AsyncSession, ctx: ActivitiesContext, *, within: uuid.UUID | None, year: int | None, cursor: str | None, limit: int
) -> tuple[list[Evaluation], str | None]:
    stmt = select(Evaluation).join(org_replica, org_replica.c.id == Evaluation.org_id).where(in_scope(ctx))
    if within is not None:
        stmt = stmt.where(within_node(within, org_replica.c.path, org_replica.c.id, org_replica.c.path))
    if year is not None:
        stmt = stmt.where(Evaluation.year == year)
    rows = (await session.execute(keyset_page(stmt, [Evaluation.year, Evaluation.id], cursor, limit))).scalars().all()
    return page_of(rows, limit, lambda e: [e.year, e.id])


async def rate_satisfaction(session: AsyncSession, ctx: ActivitiesContext, data: SatisfactionCreate) -> SatisfactionSummary:
    policy = ctx.policy
    await referenced_org(session, ctx, data.org_id)
    if not policy.satisfaction_min <= data.rating <= policy.satisfaction_max:
        raise errors.RATING_OUT_OF_RANGE.on("rating", f"must be between {policy.satisfaction_min} and {policy.satisfaction_max}")
    session.add(SatisfactionRating(**data.model_dump()))
    await session.flush()
    return await satisfaction(session, ctx, data.org_id, data.year)


async def satisfaction(session: AsyncSession, ctx: ActivitiesContext, org_id: uuid.UUID, year: int) -> SatisfactionSummary:
    await scope_root(session, ctx, org_id)
    count, average = (
        await session.execute(
            select(func.count(), func.avg(SatisfactionRating.rating)).where(
                SatisfactionRating.org_id == org_id, SatisfactionRating.year == year
            )
        )
    ).one()
    return SatisfactionSummary(
        org_id=org_id, year=year, ratings=count, average=round(float(average), 2) if average is not None else None
    )


async def grade_members(session: AsyncSession, ctx: ActivitiesContext, data: ReviewCreate) -> list[Review]:
    """Grade members of one organization for a year (new grades replace a member's earlier one).

    Every grade is checked before anything is written: members of the organization only, no
    probationary member, and at most a third (policy) of the organization's graded members
    excellent once these grades are in.
    """
    await referenced_org(session, ctx, data.org_id)
    ids = [g.member_id for g in data.grades]
    members = {
        row.id: row
        for row in (
            await session.execute(
                select(member_replica.c.id, member_replica.c.party_status).where(
                    member_replica.c.id.in_(ids),
                    member_replica.c.org_id == data.org_id,
                    member_replica.c.state == MemberState.normal,
                )
            )
        ).all()
    }
    seen: set[uuid.UUID] = set()
    for index, grade in enumerate(data.grades):
        field = f"grades.{index}.member_id"
        if grade.member_id in seen:
            raise errors.DUPLICATE_GRADE.on(field, "graded twice")
        seen.add(grade.member_id)
        member = members.get(grade.member_id)
        if member is None:
            raise errors.NOT_A_MEMBER.on(field, "not a member of the organization")
        if member.party_status == PartyStatus.probationary:
            raise errors.PROBATIONARY_NOT_GRADED.on(field, "probationary members are not graded")
    held = dict(
        (
            await session.execute(
                select(Review.member_id, Review.grade).where(Review.org_id == data.org_id, Review.year == data.year)
            )
        ).all()
    )
    merged = {**held, **{g.member_id: g.grade.value for g in data.grades}}
    excellent = sum(1 for grade in merged.values() if grade == ReviewGrade.excellent)
    allowed = rules.excellent_limit(len(merged), ctx.policy)
    if excellent > allowed:
        raise errors.TOO_MANY_EXCELLENT.on("grades", f"{excellent} of {len(merged)} graded excellent; at most {allowed} may be")
    await session.execute(delete(Review).where(Review.member_id.in_(ids), Review.year == data.year))
    county_id = await counties.of_org(session, data.org_id)
    session.add_all(
        Review(org_id=data.org_id, county_id=county_id, member_id=g.member_id, year=data.year, grade=g.grade.value)
        for g in data.grades
    )
    await session.flush()
    return await list_reviews(session, ctx, org_id=data.org_id, year=data.year)


async def list_reviews(session: AsyncSession, ctx: ActivitiesContext, *, org_id: uuid.UUID, year: int) -> list[Review]:
    stmt = (
        select(Review)
        .join(org_replica, org_replica.c.id == Review.org_id)
        .where(Review.org_id == org_id, Review.year == year, in_scope(ctx))
        .order_by(Review.member_id)
    )
    return list((await session.execute(stmt)).scalars().all())
