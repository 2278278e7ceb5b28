"""Organization-setup diagnostics for a subtree: each problem the seed report names in the setup of
organizations, with the figures behind it and the action it calls for.

Member counts come from the members service, as of the diagnostics' day (never copied here); the
subtree sums are made from the materialized paths.
"""

import uuid
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.peers import PeerClient, PeerUnavailable
from services.kit.tree import subtree_of
from services.orgs.enums import ConcurrentPost, DiagnosticRule, OrgKind, OrgStatus, OrgTier, Role, TermDue
from services.orgs.models import (
    Community,
    CommunityWorker,
    Cooperative,
    Organization,
    Position,
    ReserveCadre,
    Term,
    Unit,
    Venue,
)
from services.orgs.peers import community_latest_joined, community_service_activities, member_counts, subtree_totals
from services.orgs.rules import OrgsPolicy, teams, units
from services.orgs.rules import diagnostics as rules
from services.orgs.schemas.diagnostics import Diagnostic, Diagnostics
from services.orgs.service.common import OrgsContext, get_visible

FORM_TIERS = frozenset({OrgTier.community.value, OrgTier.unit.value})
TEAM_ROLE_CODES = frozenset(r.value for r in teams.TEAM_ROLES)
ID_BATCH = 1000


def _item(org: Organization, rule: DiagnosticRule, figures: dict[str, Any], action: str) -> Diagnostic:
    return Diagnostic(org_id=org.id, org_name=org.name, rule=rule, figures=figures, action=action)


async def diagnose(
    session: AsyncSession,
    ctx: OrgsContext,
    org_id: uuid.UUID,
    *,
    members: PeerClient,
    activities: PeerClient | None = None,
    as_of: date | None,
) -> Diagnostics:
    as_of = as_of or ctx.today
    root = await get_visible(session, ctx, org_id)
    in_subtree = subtree_of(Organization.tree_key, root.tree_key)
    orgs = list((await session.execute(select(Organization).where(in_subtree).order_by(Organization.tree_key))).scalars())
    paths = {org.id: org.path for org in orgs}
    totals = subtree_totals(paths, await member_counts(members, list(paths), as_of))

    positions: dict[uuid.UUID, list[Position]] = {}
    current = and_(Position.since <= as_of, or_(Position.until.is_(None), Position.until >= as_of))
    for position in (
        await session.execute(select(Position).join(Organization, Organization.id == Position.org_id).where(in_subtree, current))
    ).scalars():
        positions.setdefault(position.org_id, []).append(position)

    latest = select(Term.org_id, func.max(Term.number).label("number")).group_by(Term.org_id).subquery()
    terms = {
        term.org_id: term
        for term in (
            await session.execute(
                select(Term)
                .join(latest, and_(Term.org_id == latest.c.org_id, Term.number == latest.c.number))
                .join(Organization, Organization.id == Term.org_id)
                .where(in_subtree)
            )
        ).scalars()
    }

    joint_ids = [org.id for org in orgs if org.kind == OrgKind.joint_branch]
    joined: dict[uuid.UUID, int] = {}
    if joint_ids:
        unit_rows = await session.execute(
            select(Unit.party_org_id, func.count())
            .join(Organization, Organization.id == Unit.party_org_id)
            .where(in_subtree, Organization.kind == OrgKind.joint_branch.value)
            .group_by(Unit.party_org_id)
        )
        joined = {org_id: int(count) for org_id, count in unit_rows if org_id is not None}

    items: list[Diagnostic] = []
    for org in orgs:
        if org.status != OrgStatus.active:
            continue
        items += _org_problems(
            org,
            counts=totals[org.id],
            positions=positions.get(org.id, []),
            term=terms.get(org.id),
            unit_count=joined.get(org.id, 0),
            as_of=as_of,
            policy=ctx.policy,
        )
    items += await _communities_without_cadres(session, orgs, select(Organization.id).where(in_subtree), as_of)
    items += await _simply_combined_teams(session, orgs, positions, terms, as_of)
    latest_joined = await community_latest_joined(members, root.id, as_of)
    # Without the activities service the other rules still answer, and say which one could not.
    not_evaluated: list[DiagnosticRule] = []
    service_held: dict[uuid.UUID, int] | None = None
    try:
        if activities is None:
            raise PeerUnavailable("activities", "not configured")
        service_held = await community_service_activities(activities, root.id, *rules.service_window(as_of))
    except PeerUnavailable:
        not_evaluated.append(DiagnosticRule.few_service_activities)
    items += await _community_records_problems(
        session,
        orgs,
        select(Organization.id).where(in_subtree),
        as_of=as_of,
        policy=ctx.policy,
        latest_joined=latest_joined,
        service_held=service_held,
    )
    return Diagnostics(org_id=root.id, as_of=as_of, items=items, not_evaluated=not_evaluated)


def _org_problems(
    org: Organization,
    *,
    counts: Any,
    positions: list[Position],
    term: Term | None,
    unit_count: int,
    as_of: date,
    policy: OrgsPolicy,
) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    kind = OrgKind(org.kind)
    if org.tier in FORM_TIERS and not rules.form_matches(kind, counts.members, counts.full, policy):
        expected = rules.expected_form(counts.members, counts.full, policy)
        by_approval = rules.committee_by_approval(counts.members, policy)
        found.append(
            _item(
                org,
                DiagnosticRule.form_mismatch,
                {
                    "members": counts.members,
                    "full_members": counts.full,
                    "kind": kind.value,
                    "expected_kind": expected.value,
                    # Only where it applies: a committee is possible with the county's approval.
                    **({"committee_with_approval": True} if by_approval else {}),
                },
                f"Re-form the organization as a {expected.value} at the next term change"
                + (" (or, with the county's approval, as a committee)" if by_approval else ""),
            )
        )
    if org.tier == OrgTier.community.value and rules.needs_representatives_congress(counts.members, policy):
        found.append(
            _item(
                org,
                DiagnosticRule.representatives_congress,
                {"members": counts.members, "from_members": policy.representatives_congress_members},
                "With the county's approval, hold a members' representative congress instead of a general meeting",
            )
        )
    if kind is OrgKind.joint_branch:
        error = units.joint_branch_units_error(unit_count, policy)
        if error:
            found.append(
                _item(
                    org,
                    DiagnosticRule.joint_branch_too_many_units,
                    {"units": unit_count, "maximum": policy.joint_branch_max_units},
                    "Split the joint branch, or give units with 3 or more full members their own branch",
                )
            )
    if kind is OrgKind.group or org.tier in (OrgTier.county.value, OrgTier.township.value):
        return found
    team = {p.member_id for p in positions if p.role in TEAM_ROLE_CODES}
    # The seed's rule is about community organizations: an inner branch under 7 full members has
    # by rule no more than a secretary and a deputy, so it cannot reach a team of 3.
    if org.tier == OrgTier.community.value and teams.team_too_small(len(team), counts.members, policy):
        found.append(
            _item(
                org,
                DiagnosticRule.team_too_small,
                {"team_size": len(team), "members": counts.members, "minimum": policy.team_min_size},
                "Strengthen the team: nominate, recommend and vet members, or dispatch or second cadres",
            )
        )
    if teams.committee_above_usual_size(len(team), policy):
        found.append(
            _item(
                org,
                DiagnosticRule.committee_above_usual_size,
                {"team_size": len(team), "usual_maximum": policy.committee_usual_max_size, "maximum": policy.committee_max_size},
                "Keep the committee to its usual size at the next term change unless the work needs more",
            )
        )
    secretaries = [p for p in positions if p.role == Role.secretary.value]
    if not secretaries:
        found.append(_item(org, DiagnosticRule.no_secretary, {}, "Appoint or elect a secretary"))
    elif org.tier == OrgTier.community.value and not any(
        ConcurrentPost.residents_committee_director.value in p.concurrent_posts for p in secretaries
    ):
        found.append(
            _item(
                org,
                DiagnosticRule.secretary_not_director,
                {"secretary_member_id": str(secretaries[0].member_id)},
                "Have the secretary also serve as residents' committee director where conditions allow",
            )
        )
    if term is not None:
        due = teams.term_due(term.ends_on, as_of, policy)
        if due:
            rule = DiagnosticRule.term_overdue if due is TermDue.overdue else DiagnosticRule.term_ending_soon
            found.append(
                _item(
                    org,
                    rule,
                    {"term_number": term.number, "ends_on": term.ends_on.isoformat(), "days_left": (term.ends_on - as_of).days},
                    "Hold the election for the next term" if due is TermDue.overdue else "Prepare the election for the next term",
                )
            )
    if kind in rules.BRANCH_KINDS and counts.members > policy.branch_max_members:
        found.append(
            _item(
                org,
                DiagnosticRule.branch_too_large,
                {"members": counts.members, "maximum": policy.branch_max_members},
                "Split the branch or form a general branch",
            )
        )
    return found


async def _communities_without_cadres(
    session: AsyncSession, orgs: list[Organization], subtree_ids: Select[uuid.UUID], as_of: date
) -> list[Diagnostic]:
    # The subtree as a subquery, never as a list of ids: a province has more organizations than
    # a statement may carry parameters (32,767 on PostgreSQL).
    by_id = {org.id: org for org in orgs}
    if not by_id:
        return []
    communities = list(
        (
            await session.execute(
                select(Community).where(
                    or_(
                        Community.party_org_id.in_(subtree_ids),
                        and_(Community.party_org_id.is_(None), Community.township_org_id.in_(subtree_ids)),
                    )
                )
            )
        ).scalars()
    )
    if not communities:
        return []
    cadre_rows = await session.execute(
        select(ReserveCadre.community_id, func.count())
        .join(Community, Community.id == ReserveCadre.community_id)
        .where(
            or_(
                Community.party_org_id.in_(subtree_ids),
                and_(Community.party_org_id.is_(None), Community.township_org_id.in_(subtree_ids)),
            ),
            ReserveCadre.since <= as_of,
            or_(ReserveCadre.until.is_(None), ReserveCadre.until >= as_of),
        )
        .group_by(ReserveCadre.community_id)
    )
    cadres: dict[uuid.UUID, int] = {community_id: int(count) for community_id, count in cadre_rows}
    found = []
    for community in communities:
        if cadres.get(community.id, 0):
            continue
        org = by_id[community.party_org_id or community.township_org_id]
        if org.status != OrgStatus.active:
            continue
        found.append(
            _item(
                org,
                DiagnosticRule.no_reserve_cadres,
                {"community_id": str(community.id), "community_name": community.name, "reserve_cadres": 0},
                "Build a pool of reserve cadres for the community",
            )
        )
    return found


async def _community_records_problems(
    session: AsyncSession,
    orgs: list[Organization],
    subtree_ids: Select[uuid.UUID],
    *,
    as_of: date,
    policy: OrgsPolicy,
    latest_joined: dict[uuid.UUID, date],
    service_held: dict[uuid.UUID, int] | None,
) -> list[Diagnostic]:
    """The problems judged on a community's small records: a cooperative merged with the
    community's party organization, an ageing or under-educated workforce, venues without the
    basic facilities; and on its members' latest admission (`latest_joined`, from the members
    service): no one admitted for years. Each is listed under the community's top organization (its township's
    while it has none)."""
    by_id = {org.id: org for org in orgs}
    in_subtree = or_(
        Community.party_org_id.in_(subtree_ids),
        and_(Community.party_org_id.is_(None), Community.township_org_id.in_(subtree_ids)),
    )
    communities = {c.id: c for c in (await session.execute(select(Community).where(in_subtree))).scalars()}
    if not communities:
        return []
    cooperatives = (await session.execute(select(Cooperative).join(Community).where(in_subtree))).scalars().all()
    workers: dict[uuid.UUID, list[tuple[date, str]]] = {}
    employed = and_(CommunityWorker.since <= as_of, or_(CommunityWorker.until.is_(None), CommunityWorker.until >= as_of))
    for worker in (await session.execute(select(CommunityWorker).join(Community).where(in_subtree, employed))).scalars():
        workers.setdefault(worker.community_id, []).append((worker.birth_date, worker.education))
    # Judged only where venues are on record (one closed since counts: its community had one):
    # a community nobody has recorded venues for is unknown, not bare.
    venues: dict[uuid.UUID, list[list[str]]] = {}
    for venue in (await session.execute(select(Venue).join(Community).where(in_subtree))).scalars():
        open_facilities = venues.setdefault(venue.community_id, [])
        if venue.closed_on is None or venue.closed_on > as_of:
            open_facilities.append(list(venue.facilities))

    found: list[Diagnostic] = []

    def add(community: Community, rule: DiagnosticRule, figures: dict[str, Any], action: str) -> None:
        org = by_id[community.party_org_id or community.township_org_id]
        if org.status == OrgStatus.active:
            found.append(
                _item(org, rule, {"community_id": str(community.id), "community_name": community.name, **figures}, action)
            )

    for cooperative in sorted(cooperatives, key=lambda c: str(c.id)):
        community = communities[cooperative.community_id]
        if rules.cooperative_merged(cooperative.party_org_id, community.party_org_id):
            add(
                community,
                DiagnosticRule.cooperative_merged,
                {"cooperative_id": str(cooperative.id), "cooperative_name": cooperative.name},
                "Separate the cooperative's party organization from the community's party organization",
            )
    for community in communities.values():
        held = service_held.get(community.id, 0) if service_held is not None else None
        if held is not None and rules.few_service_activities(held, policy):
            add(
                community,
                DiagnosticRule.few_service_activities,
                {"held": held, "minimum": policy.service_activities_min, "months": 12},
                "Hold more service activities: volunteer service, home visits, study delivered at home",
            )
        latest = latest_joined.get(community.id)
        if rules.no_admissions(latest, as_of, policy):
            add(
                community,
                DiagnosticRule.no_admissions,
                {"latest_joined_on": latest.isoformat() if latest else None, "years": policy.admission_gap_years},
                "Develop members in the community: identify, train and admit young people with education",
            )
        workforce = rules.workforce(workers.get(community.id, []), as_of, policy)
        if workforce is not None:
            add(
                community,
                DiagnosticRule.workers_ageing,
                {
                    "workers": workforce.workers,
                    "old": workforce.old,
                    "old_share": workforce.old_share,
                    "old_age": policy.worker_old_age,
                    "college_or_above": workforce.college_or_above,
                    "college_share": workforce.college_share,
                    "ageing": workforce.ageing,
                    "under_educated": workforce.under_educated,
                },
                "Recruit younger and better-educated community workers and train those in post",
            )
        missing = rules.missing_facilities(venues[community.id], policy) if community.id in venues else []
        if missing:
            add(
                community,
                DiagnosticRule.venue_facilities_missing,
                {"venues": len(venues[community.id]), "missing": missing},
                "Provide the community's venues with the basic facilities and equipment",
            )
    return found


async def _simply_combined_teams(
    session: AsyncSession,
    orgs: list[Organization],
    positions: dict[uuid.UUID, list[Position]],
    terms: dict[uuid.UUID, Term],
    as_of: date,
) -> list[Diagnostic]:
    """Community organizations that villages' organizations were merged into (on or before the
    day) whose team is still the old teams put together (`rules.simply_combined`)."""
    survivors = {
        org.id: org
        for org in orgs
        if org.tier == OrgTier.community.value and org.status == OrgStatus.active and positions.get(org.id)
    }
    if not survivors:
        return []
    # In batches of ids, never one list: a province has more communities than a statement may
    # carry parameters.
    survivor_ids = list(survivors)
    predecessors: dict[uuid.UUID, dict[uuid.UUID, date]] = {}
    for start in range(0, len(survivor_ids), ID_BATCH):
        rows = await session.execute(
            select(Organization.id, Organization.merged_into_id, Organization.dissolved_on).where(
                Organization.status == OrgStatus.merged.value,
                Organization.merged_into_id.in_(survivor_ids[start : start + ID_BATCH]),
                Organization.dissolved_on <= as_of,
            )
        )
        for org_id, into_id, merged_on in rows:
            if into_id is not None and merged_on is not None:
                predecessors.setdefault(into_id, {})[org_id] = merged_on
    if not predecessors:
        return []
    merged_on_of = {org_id: on for by_org in predecessors.values() for org_id, on in by_org.items()}
    merged_ids = list(merged_on_of)
    held: dict[uuid.UUID, set[uuid.UUID]] = {}
    for start in range(0, len(merged_ids), ID_BATCH):
        posts = await session.execute(
            select(Position.org_id, Position.member_id, Position.since).where(
                Position.org_id.in_(merged_ids[start : start + ID_BATCH]), Position.role.in_(TEAM_ROLE_CODES)
            )
        )
        for post_org_id, member_id, since in posts:
            if since <= merged_on_of[post_org_id]:
                held.setdefault(post_org_id, set()).add(member_id)
    found = []
    for survivor_id, by_org in predecessors.items():
        team_posts = [p for p in positions[survivor_id] if p.role in TEAM_ROLE_CODES]
        merged_on = max(by_org.values())
        predecessor_team = {member for org_id in by_org for member in held.get(org_id, set())}
        term = terms.get(survivor_id)
        if rules.simply_combined(
            {p.member_id for p in team_posts},
            predecessor_team,
            merged_on,
            max((p.since for p in team_posts), default=None),
            term.started_on if term else None,
        ):
            found.append(
                _item(
                    survivors[survivor_id],
                    DiagnosticRule.simply_combined_team,
                    {
                        "merged_organizations": len(by_org),
                        "merged_on": merged_on.isoformat(),
                        "team_size": len({p.member_id for p in team_posts}),
                    },
                    "Adjust the team: choose the new community's team by election and vetting, not by adding up the old teams",
                )
            )
    return found
