"""Target-based assessment (目標管理考核): an organization's scheme for a period scores the
townships or communities of its subtree on weighted indicators — computed from the records of the
system (this service's teams, terms, rectifications and diagnostics; the activities service's
compliance report, study summary and contacts summary; the members service's dues totals) or scored by hand by the
scheme's owner — and ranks them, and their secretaries as first responsible persons.

Every peer figure is one aggregate answer for the owner's whole subtree (the dues: one per month
of the period), so that an assessment asks a constant number of calls, never one per organization;
this service's tree says which target each organization's figures belong to.

Scope: a scheme is seen by callers whose scope holds its owner (the assessing side); anything
else is 404, the same as no scheme at all.
"""

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.pagination import keyset_page, page_of
from services.kit.peers import PeerClient
from services.kit.script import Script
from services.kit.sheets import write_xlsx
from services.kit.tree import subtree_of
from services.kit.versioning import Preconditions
from services.orgs import peers
from services.orgs.enums import (
    AssessmentIndicator,
    AssessmentLevel,
    DiagnosticRule,
    OrgStatus,
    OrgTier,
    RectificationStatus,
    Role,
)
from services.orgs.errors import RULE_VIOLATION
from services.orgs.models import AssessmentScheme, AssessmentScore, Organization, Position, Rectification
from services.orgs.rules import assessments as rules
from services.orgs.schemas.assessments import (
    IndicatorResult,
    ManualScore,
    ManualScoreIn,
    Results,
    Scheme,
    SchemeCreate,
    SecretaryRank,
    SecretaryRef,
    TargetResult,
    Trace,
)
from services.orgs.service import diagnostics
from services.orgs.service.common import OrgsContext, get_visible, in_scope, not_found, referenced_org

# The level a scheme's owner must be above (county → townships or communities; township → communities).
LEVEL_TIER = {AssessmentLevel.township: OrgTier.township, AssessmentLevel.community: OrgTier.community}
OWNER_TIERS = {AssessmentLevel.township: {OrgTier.county}, AssessmentLevel.community: {OrgTier.county, OrgTier.township}}


def visible_schemes(ctx: OrgsContext) -> Select[AssessmentScheme]:
    stmt = select(AssessmentScheme)
    if ctx.scope is None:
        return stmt
    return stmt.where(AssessmentScheme.owner_org_id.in_(select(Organization.id).where(in_scope(ctx))))


def shape(scheme: AssessmentScheme) -> Scheme:
    period = rules.parse_period(scheme.period)
    return Scheme.model_validate(
        {
            "id": scheme.id,
            "owner_org_id": scheme.owner_org_id,
            "title": scheme.title,
            "period": scheme.period,
            "starts_on": period.start,
            "ends_on": period.end - timedelta(days=1),
            "target_level": scheme.target_level,
            "indicators": scheme.indicators,
            "version": scheme.version,
        }
    )


async def _scheme(session: AsyncSession, ctx: OrgsContext, scheme_id: uuid.UUID, *, for_update: bool = False) -> AssessmentScheme:
    stmt = visible_schemes(ctx).where(AssessmentScheme.id == scheme_id)
    scheme = (await session.execute(stmt.with_for_update() if for_update else stmt)).scalar_one_or_none()
    if scheme is None:
        raise not_found("Assessment scheme", scheme_id)
    return scheme


async def create_scheme(session: AsyncSession, ctx: OrgsContext, data: SchemeCreate) -> Scheme:
    owner = await referenced_org(session, ctx, data.owner_org_id, "owner_org_id")
    if OrgTier(owner.tier) not in OWNER_TIERS[data.target_level]:
        raise RULE_VIOLATION.on(
            "target_level",
            "not below the owner",
            detail=f"A {owner.tier} organization does not assess {data.target_level.value}s",
        )
    error = rules.indicators_error([i.key for i in data.indicators])
    if error:
        raise RULE_VIOLATION.on("indicators", error, detail=error)
    scheme = AssessmentScheme(
        id=uuid.uuid4(),
        version=1,
        owner_org_id=owner.id,
        title=data.title,
        period=data.period,
        target_level=data.target_level.value,
        indicators=[
            {"key": i.key, "indicator": i.indicator.value, "name": i.name or i.indicator.zh_hant, "weight": i.weight}
            for i in data.indicators
        ],
        created_by=ctx.caller.subject,
    )
    session.add(scheme)
    await session.flush()
    return shape(scheme)


async def get_scheme(session: AsyncSession, ctx: OrgsContext, scheme_id: uuid.UUID) -> Scheme:
    return shape(await _scheme(session, ctx, scheme_id))


async def list_schemes(
    session: AsyncSession, ctx: OrgsContext, *, within: uuid.UUID | None, cursor: str | None, limit: int
) -> tuple[list[Scheme], str | None]:
    """The schemes the caller sees by id order; `within`: owned inside that subtree."""
    stmt = visible_schemes(ctx)
    if within is not None:
        root = await get_visible(session, ctx, within)
        stmt = stmt.where(
            AssessmentScheme.owner_org_id.in_(select(Organization.id).where(subtree_of(Organization.tree_key, root.tree_key)))
        )
    rows = (await session.execute(keyset_page(stmt, [AssessmentScheme.id], cursor, limit))).scalars().all()
    schemes, next_cursor = page_of(rows, limit, lambda s: [s.id])
    return [shape(s) for s in schemes], next_cursor


async def _owner_and_targets(session: AsyncSession, scheme: AssessmentScheme) -> tuple[Organization, list[Organization]]:
    owner = (await session.execute(select(Organization).where(Organization.id == scheme.owner_org_id))).scalar_one()
    targets = (
        await session.execute(
            select(Organization)
            .where(
                subtree_of(Organization.tree_key, owner.tree_key),
                Organization.id != owner.id,
                Organization.tier == LEVEL_TIER[AssessmentLevel(scheme.target_level)].value,
                Organization.status == OrgStatus.active.value,
            )
            .order_by(Organization.tree_key)
        )
    ).scalars()
    return owner, list(targets)


async def set_score(
    session: AsyncSession,
    ctx: OrgsContext,
    scheme_id: uuid.UUID,
    *,
    org_id: uuid.UUID,
    key: str,
    data: ManualScoreIn,
    preconditions: Preconditions,
) -> tuple[ManualScore, bool]:
    """The owner's score of one target on one manual indicator (given again: replaced, against the
    version read last); with whether it is new."""
    # The scheme's row lock serializes two first scores of the same target and indicator too.
    scheme = await _scheme(session, ctx, scheme_id, for_update=True)
    if not any(i["key"] == key and i["indicator"] == AssessmentIndicator.manual.value for i in scheme.indicators):
        raise not_found("Manual indicator", key)
    _owner, targets = await _owner_and_targets(session, scheme)
    if org_id not in {t.id for t in targets}:
        raise not_found("Target organization", org_id)
    stmt = select(AssessmentScore).where(
        AssessmentScore.scheme_id == scheme.id, AssessmentScore.indicator_key == key, AssessmentScore.org_id == org_id
    )
    row = (await session.execute(stmt.with_for_update())).scalar_one_or_none()
    preconditions.check(row.version if row is not None else None)
    created = row is None
    if row is None:
        row = AssessmentScore(id=uuid.uuid4(), version=0, scheme_id=scheme.id, indicator_key=key, org_id=org_id)
        session.add(row)
    row.score = data.score
    row.note = data.note
    row.scored_on = ctx.today
    row.scored_by = ctx.caller.subject
    row.version += 1
    await session.flush()
    return ManualScore.model_validate(row), created


@dataclass
class Tally:
    """One target's figures on one computed indicator."""

    of: int = 0
    short: int = 0
    against: list[uuid.UUID] = field(default_factory=list)
    figures: Counter[str] = field(default_factory=Counter)

    def count(self, record_id: uuid.UUID, *, of: int = 1, short: int = 0) -> None:
        self.of += of
        self.short += short
        if short:
            self.against.append(record_id)


@dataclass
class Figures:
    """Every computed indicator's tallies per target, and the source each came from."""

    tallies: dict[AssessmentIndicator, dict[uuid.UUID, Tally]] = field(default_factory=dict)
    sources: dict[AssessmentIndicator, str] = field(default_factory=dict)

    def tally(self, indicator: AssessmentIndicator, target: uuid.UUID) -> Tally:
        return self.tallies.setdefault(indicator, {}).setdefault(target, Tally())


class Targets:
    """Which target an organization of the owner's subtree belongs to, from the paths."""

    def __init__(self, targets: list[Organization], orgs: list[Organization]) -> None:
        by_hex = {t.id.hex: t.id for t in targets}
        self.of: dict[uuid.UUID, uuid.UUID] = {}
        self.orgs = {o.id: o for o in orgs}
        for org in orgs:
            for part in org.path.strip("/").split("/"):
                if part in by_hex:
                    self.of[org.id] = by_hex[part]
                    break


async def _own_figures(
    session: AsyncSession,
    ctx: OrgsContext,
    owner: Organization,
    *,
    where: Targets,
    wanted: set[AssessmentIndicator],
    figures: Figures,
    members: PeerClient,
    activities: PeerClient,
    as_of: date,
) -> None:
    setup = {AssessmentIndicator.team_completeness, AssessmentIndicator.terms_on_time, AssessmentIndicator.diagnostics}
    if wanted & setup:
        found = await diagnostics.diagnose(session, ctx, owner.id, members=members, activities=activities, as_of=as_of)
        problems: dict[uuid.UUID, set[DiagnosticRule]] = {}
        for item in found.items:
            if rules.is_problem(item.rule):
                problems.setdefault(item.org_id, set()).add(item.rule)
        source = f"orgs GET /api/v1/orgs/{owner.id}/diagnostics?as_of={as_of.isoformat()}"
        for indicator in wanted & setup:
            figures.sources[indicator] = source
        for org_id, target in where.of.items():
            org = where.orgs[org_id]
            if org.status != OrgStatus.active.value:
                continue
            has = problems.get(org_id, set())
            if not rules.holds_a_team(org.tier, org.kind):
                continue
            figures.tally(AssessmentIndicator.team_completeness, target).count(org_id, short=int(bool(has & rules.TEAM_PROBLEMS)))
            figures.tally(AssessmentIndicator.terms_on_time, target).count(org_id, short=int(bool(has & rules.TERM_PROBLEMS)))
            tally = figures.tally(AssessmentIndicator.diagnostics, target)
            tally.count(org_id, short=int(bool(has)))
            tally.figures.update(rule.value for rule in has)
    if AssessmentIndicator.rectifications in wanted:
        figures.sources[AssessmentIndicator.rectifications] = (
            f"orgs GET /api/v1/rectifications?within={owner.id}: those with a deadline on or before {as_of.isoformat()}"
        )
        rows = await session.execute(
            select(Rectification.id, Rectification.org_id, Rectification.status)
            .join(Organization, Organization.id == Rectification.org_id)
            .where(subtree_of(Organization.tree_key, owner.tree_key), Rectification.deadline <= as_of)
            .order_by(Rectification.id)
        )
        for rectification_id, org_id, status in rows:
            owning = where.of.get(org_id)
            if owning is not None:
                tally = figures.tally(AssessmentIndicator.rectifications, owning)
                tally.count(rectification_id, short=int(status != RectificationStatus.closed.value))
                tally.figures[status] += 1


async def _peer_figures(
    owner: Organization,
    *,
    where: Targets,
    wanted: set[AssessmentIndicator],
    figures: Figures,
    period: rules.Period,
    members: PeerClient,
    activities: PeerClient,
    as_of: date,
) -> None:
    asked: list[tuple[AssessmentIndicator, str, dict[uuid.UUID, peers.OrgFigures]]] = []
    if AssessmentIndicator.meeting_compliance in wanted:
        source = f"activities GET /api/v1/compliance?within={owner.id}&period={period.label}"
        asked.append((AssessmentIndicator.meeting_compliance, source, await peers.compliance(activities, owner.id, period.label)))
    if AssessmentIndicator.study_hours in wanted:
        source = f"activities GET /api/v1/study/summary?within={owner.id}&as_of={as_of.isoformat()}"
        asked.append((AssessmentIndicator.study_hours, source, await peers.study(activities, owner.id, as_of)))
    if AssessmentIndicator.floating_contacts in wanted:
        source = f"activities GET /api/v1/contacts/summary?within={owner.id}&as_of={as_of.isoformat()}"
        asked.append((AssessmentIndicator.floating_contacts, source, await peers.contacts(activities, owner.id, as_of)))
    if AssessmentIndicator.dues in wanted:
        months = rules.months_through(period, as_of)
        figures.sources[AssessmentIndicator.dues] = f"members GET /api/v1/dues/totals?within={owner.id}&month=" + ",".join(months)
        for month in months:
            asked.append(
                (AssessmentIndicator.dues, figures.sources[AssessmentIndicator.dues], await peers.dues(members, owner.id, month))
            )
    for indicator, source, per_org in asked:
        figures.sources[indicator] = source
        for org_id, counts in per_org.items():
            target = where.of.get(org_id)
            if target is None:
                continue
            tally = figures.tally(indicator, target)
            if counts.short and org_id not in tally.against:
                tally.against.append(org_id)
            tally.of += counts.of
            tally.short += counts.short


async def _secretaries(
    session: AsyncSession, targets: list[Organization], as_of: date, members: PeerClient
) -> dict[uuid.UUID, SecretaryRef]:
    """The secretary of each target's team on the day (the first responsible person), by name."""
    current = and_(Position.since <= as_of, or_(Position.until.is_(None), Position.until >= as_of))
    rows = (
        await session.execute(
            select(Position.org_id, Position.member_id)
            .where(Position.org_id.in_([t.id for t in targets]), Position.role == Role.secretary.value, current)
            .order_by(Position.since)
        )
    ).all()
    held: dict[uuid.UUID, uuid.UUID] = dict(rows)
    names = await peers.lookup_members(members, list(held.values())) if held else {}
    return {
        org_id: SecretaryRef(member_id=member_id, name=(names.get(member_id) or {}).get("name"))
        for org_id, member_id in held.items()
    }


def _indicator(
    item: dict[str, Any], tally: Tally | None, source: str, manual: AssessmentScore | None, *, full: float
) -> IndicatorResult:
    indicator = AssessmentIndicator(item["indicator"])
    base = {"key": item["key"], "indicator": indicator, "name": item["name"], "weight": item["weight"]}
    if indicator is AssessmentIndicator.manual:
        figures: dict[str, Any] = {"scored": manual is not None}
        if manual is not None:
            figures |= {"note": manual.note, "scored_on": manual.scored_on.isoformat(), "scored_by": manual.scored_by}
        trace = Trace(source=f"orgs assessment_scores (manual: {item['key']})", against=[])
        return IndicatorResult(**base, score=manual.score if manual else 0.0, counted=None, of=None, figures=figures, trace=trace)
    tally = tally or Tally()
    counted = tally.of - tally.short
    return IndicatorResult(
        **base,
        score=rules.share_score(counted, tally.of, full=full),
        counted=counted,
        of=tally.of,
        figures=dict(tally.figures),
        trace=Trace(source=source, against=tally.against),
    )


async def results(
    session: AsyncSession, ctx: OrgsContext, scheme_id: uuid.UUID, *, members: PeerClient, activities: PeerClient
) -> Results:
    """Every target's score (the weighted mean of its indicators), ranked, and its secretary's rank."""
    scheme = await _scheme(session, ctx, scheme_id)
    period = rules.parse_period(scheme.period)
    as_of = rules.evaluation_day(period, ctx.today)
    owner, targets = await _owner_and_targets(session, scheme)
    orgs = list((await session.execute(select(Organization).where(subtree_of(Organization.tree_key, owner.tree_key)))).scalars())
    where = Targets(targets, orgs)
    wanted = {AssessmentIndicator(i["indicator"]) for i in scheme.indicators}
    figures = Figures()
    if targets:
        own, asked = wanted & rules.OWN, wanted - rules.OWN
        await _own_figures(
            session, ctx, owner, where=where, wanted=own, figures=figures, members=members, activities=activities, as_of=as_of
        )
        await _peer_figures(
            owner, where=where, wanted=asked, figures=figures, period=period, members=members, activities=activities, as_of=as_of
        )
    manual = {
        (row.indicator_key, row.org_id): row
        for row in (await session.execute(select(AssessmentScore).where(AssessmentScore.scheme_id == scheme.id))).scalars()
    }
    secretaries = await _secretaries(session, targets, as_of, members) if targets else {}
    unranked = []
    for target in targets:
        indicators = [
            _indicator(
                item,
                figures.tallies.get(AssessmentIndicator(item["indicator"]), {}).get(target.id),
                figures.sources.get(AssessmentIndicator(item["indicator"]), ""),
                manual.get((item["key"], target.id)),
                full=ctx.policy.assessment_full_score,
            )
            for item in scheme.indicators
        ]
        unranked.append(
            TargetResult(
                org_id=target.id,
                org_name=target.name,
                score=rules.weighted_total((i.weight, i.score) for i in indicators),
                rank=0,
                complete=all(i.figures.get("scored", True) for i in indicators),
                secretary=secretaries.get(target.id),
                indicators=indicators,
            )
        )
    for result, rank in zip(unranked, rules.ranks([u.score for u in unranked]), strict=True):
        result.rank = rank
    ranked = sorted(unranked, key=lambda u: (u.rank, u.org_name))
    led = [t for t in ranked if t.secretary is not None]
    return Results(
        scheme=shape(scheme),
        as_of=as_of,
        targets=ranked,
        secretaries=[
            SecretaryRank(
                rank=rank,
                member_id=t.secretary.member_id,
                name=t.secretary.name,
                org_id=t.org_id,
                org_name=t.org_name,
                score=t.score,
            )
            for t, rank in zip(led, rules.ranks([t.score for t in led]), strict=True)
            if t.secretary is not None
        ],
    )


async def target_result(
    session: AsyncSession,
    ctx: OrgsContext,
    scheme_id: uuid.UUID,
    org_id: uuid.UUID,
    *,
    members: PeerClient,
    activities: PeerClient,
) -> TargetResult:
    """One target's result with, per indicator, the raw figures and the records behind them."""
    found = await results(session, ctx, scheme_id, members=members, activities=activities)
    for target in found.targets:
        if target.org_id == org_id:
            return target
    raise not_found("Target organization", org_id)


def workbook(found: Results, script: Script) -> bytes:
    """The results as xlsx: both rankings, every indicator's figures with its query and records (in the reader's script)."""
    scheme = found.scheme
    indicators = scheme.indicators
    ranking: list[list[object]] = [
        ["名次", "黨組織", "書記", "總分", "評分完整", *[f"{i.name}({i.weight:g})" for i in indicators]]
    ]
    for t in found.targets:
        scores = {i.key: i.score for i in t.indicators}
        secretary = t.secretary.name if t.secretary else None
        ranking.append(
            [t.rank, t.org_name, secretary, t.score, "是" if t.complete else "否", *[scores[i.key] for i in indicators]]
        )
    secretaries: list[list[object]] = [["名次", "書記", "黨組織", "總分"]]
    secretaries += [[s.rank, s.name, s.org_name, s.score] for s in found.secretaries]
    details: list[list[object]] = [["黨組織", "指標", "類別", "權重", "達標數", "總數", "得分", "來源", "不達標記錄"]]
    for t in found.targets:
        for i in t.indicators:
            against = ", ".join(str(x) for x in i.trace.against)
            details.append(
                [
                    t.org_name,
                    i.name,
                    AssessmentIndicator(i.indicator).zh_hant,
                    i.weight,
                    i.counted,
                    i.of,
                    i.score,
                    i.trace.source,
                    against,
                ]
            )
    about: list[list[object]] = [
        ["方案", scheme.title],
        ["考核期", scheme.period],
        ["統計日期", found.as_of.isoformat()],
        ["計分方法", "各指標得分 = 100 * 達標數 / 總數(無可計數者為100);總分 = Σ權重*得分 / Σ權重"],
    ]
    return write_xlsx([("考核結果", ranking), ("書記排名", secretaries), ("指標明細", details), ("說明", about)], script)
