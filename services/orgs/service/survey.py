"""The organization-setup half of the survey report: communities, community units, reserve cadres
and form mismatches, counted per community setting (rural, urban).

A community counts in a scope when its top party organization lies in it (DOMAIN.md). The form
rule is the diagnostics' one (`rules.diagnostics.form_matches` over the members of the top organization's
subtree), with the members service counting per community in one call.
"""

import asyncio
import uuid
from datetime import date
from typing import Any

from sqlalchemy import Executable, Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.peers import PeerClient
from services.kit.tree import within_node
from services.orgs.enums import OrgKind, OrgStatus, OrgTier, Setting
from services.orgs.models import Community, Organization, ReserveCadre, Unit
from services.orgs.peers import Counts, community_member_counts
from services.orgs.rules import OrgsPolicy
from services.orgs.rules.communities import COLLEGE_OR_ABOVE
from services.orgs.rules.diagnostics import expected_form, form_matches
from services.orgs.schemas.survey import CommunitiesSurvey, CommunitiesSurveyCounts, FormMismatch
from services.orgs.service.common import OrgsContext, get_visible, in_scope

SIDES = (Setting.rural.value, Setting.urban.value)


def _communities(ctx: OrgsContext, within: uuid.UUID | None) -> Select[Any]:
    """Communities whose active top organization is in the caller's scope (and under `within`)."""
    stmt = (
        select(Community.id)
        .join(Organization, Organization.id == Community.party_org_id)
        .where(Organization.status == OrgStatus.active, in_scope(ctx))
    )
    if within is not None:
        stmt = stmt.where(within_node(within, Organization.path, Organization.id, Organization.path))
    return stmt


async def _scope_names(session: AsyncSession, root: uuid.UUID | None) -> dict[str, str | None]:
    """The scope's name and its county's (the county tier at or above it), for the report's header."""
    if root is None:
        return {"scope_name": None, "county_name": None}
    org = await session.get(Organization, root)
    if org is None:
        return {"scope_name": None, "county_name": None}
    ancestors = [uuid.UUID(part) for part in org.path.strip("/").split("/") if part]
    county = await session.scalar(
        select(Organization.name).where(Organization.id.in_(ancestors), Organization.tier == OrgTier.county).limit(1)
    )
    return {"scope_name": org.name, "county_name": county}


async def _grouped(session: AsyncSession, stmt: Executable, names: list[str], sides: dict[str, CommunitiesSurveyCounts]) -> None:
    for row in (await session.execute(stmt)).all():
        setting, values = row[0], row[1:]
        for target in [sides["total"]] + ([sides[setting]] if setting in SIDES else []):
            for name, value in zip(names, values, strict=True):
                setattr(target, name, getattr(target, name) + int(value or 0))


async def communities_survey(
    session: AsyncSession, ctx: OrgsContext, *, within: uuid.UUID | None, as_of: date | None, members: PeerClient
) -> CommunitiesSurvey:
    as_of = as_of or ctx.today
    if within is not None:
        await get_visible(session, ctx, within)  # unknown or out of scope: 404
    names = await _scope_names(session, within or ctx.scope)
    # The members service counts while this one does: one wait instead of two.
    counts = asyncio.create_task(community_member_counts(members, within or ctx.scope, as_of))
    try:
        survey = await _survey(session, ctx, within=within, as_of=as_of, policy=ctx.policy, counts=counts)
        return survey.model_copy(update=names)
    finally:
        if not counts.done():
            counts.cancel()
        elif not counts.cancelled():
            counts.exception()  # retrieved, so a failure after an earlier error is not logged as lost


async def _survey(
    session: AsyncSession,
    ctx: OrgsContext,
    *,
    within: uuid.UUID | None,
    as_of: date,
    policy: OrgsPolicy,
    counts: "asyncio.Task[dict[uuid.UUID, Counts]]",
) -> CommunitiesSurvey:
    sides = {name: CommunitiesSurveyCounts() for name in (*SIDES, "total")}
    scoped = _communities(ctx, within).subquery()
    in_report = Community.id.in_(select(scoped.c.id))
    await _grouped(
        session,
        select(Community.setting, func.count()).where(in_report).group_by(Community.setting),
        ["communities"],
        sides,
    )
    await _grouped(
        session,
        select(Community.setting, func.count())
        .join(Unit, Unit.community_id == Community.id)
        .where(in_report)
        .group_by(Community.setting),
        ["community_units"],
        sides,
    )
    current = and_(ReserveCadre.since <= as_of, or_(ReserveCadre.until.is_(None), ReserveCadre.until >= as_of))
    await _grouped(
        session,
        select(Community.setting, func.count(), func.count().filter(ReserveCadre.education.in_(COLLEGE_OR_ABOVE)))
        .join(ReserveCadre, ReserveCadre.community_id == Community.id)
        .where(in_report, current)
        .group_by(Community.setting),
        ["reserve_cadres", "reserve_cadres_college_or_above"],
        sides,
    )
    mismatches = await _form_mismatches(session, in_report, policy, counts)
    for mismatch in mismatches:
        sides[mismatch.setting.value].form_mismatches += 1
        sides["total"].form_mismatches += 1
    return CommunitiesSurvey(within=within, as_of=as_of, form_mismatches=mismatches, **sides)


async def _form_mismatches(
    session: AsyncSession, in_report: Any, policy: OrgsPolicy, member_counts: "asyncio.Task[dict[uuid.UUID, Counts]]"
) -> list[FormMismatch]:
    tops = (
        await session.execute(
            # Columns, not entities: building thousands of ORM objects cost more than the queries.
            select(Community.id, Community.name, Community.setting, Organization.id, Organization.name, Organization.kind)
            .join(Organization, Organization.id == Community.party_org_id)
            .where(in_report)
            .order_by(Community.name, Community.id)
        )
    ).all()
    counts = await member_counts
    if not tops:
        return []
    found = []
    for community_id, name, setting, org_id, org_name, org_kind in tops:
        held = counts.get(community_id, Counts())
        kind = OrgKind(org_kind)
        if form_matches(kind, held.members, held.full, policy):
            continue
        found.append(
            FormMismatch(
                community_id=community_id,
                community_name=name,
                setting=Setting(setting),
                org_id=org_id,
                org_name=org_name,
                kind=kind,
                expected_kind=expected_form(held.members, held.full, policy),
                members=held.members,
                full_members=held.full,
            )
        )
    return found
