"""Work lists of a subtree's communities for the diagnostics report: teams against the 三個60%
standard, thin or poorly educated reserve pools, units without a co-building agreement, and the
seed's own form alarm (over 150 members and no committee).

A community is in the subtree when its top party organization is (DOMAIN.md, the survey report).
Team members' birth dates and education, and member counts, come from the members service at
the time of asking, in batches, never one call per community.
"""

import uuid
from datetime import date
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.peers import PeerClient
from services.kit.tree import subtree_of
from services.orgs.enums import OrgKind, OrgStatus
from services.orgs.models import CoBuilding, Community, Organization, Position, ReserveCadre, Unit
from services.orgs.peers import lookup_members, member_counts, subtree_totals
from services.orgs.rules import worklists as rules
from services.orgs.rules.communities import COLLEGE_OR_ABOVE, TeamPerson, leading_goose
from services.orgs.rules.teams import TEAM_ROLES
from services.orgs.schemas.communities import LeadingGooseShare
from services.orgs.schemas.worklists import CoBuildingGap, FormAlarm, LeadingGooseGap, OrgWorkLists, ReservePoolGap
from services.orgs.service.common import OrgsContext, get_visible


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _current(since: Any, until: Any, as_of: date) -> Any:
    return and_(since <= as_of, or_(until.is_(None), until >= as_of))


async def work_lists(
    session: AsyncSession, ctx: OrgsContext, org_id: uuid.UUID, *, members: PeerClient, as_of: date | None
) -> OrgWorkLists:
    as_of = as_of or ctx.today
    policy = ctx.policy
    root = await get_visible(session, ctx, org_id)
    in_subtree = subtree_of(Organization.path, root.path)
    rows = (
        await session.execute(
            select(Community, Organization)
            .join(Organization, Organization.id == Community.party_org_id)
            .where(in_subtree, Organization.status == OrgStatus.active)
            .order_by(Organization.path)
        )
    ).all()
    communities: list[tuple[Community, Organization]] = [(c, o) for c, o in rows]
    ids = [c.id for c, _ in communities]
    top_ids = [o.id for _, o in communities]

    def ref(community: Community, org: Organization) -> dict[str, Any]:
        return {
            "community_id": community.id,
            "community_name": community.name,
            "setting": community.setting,
            "party_org_id": org.id,
            "org_name": org.name,
        }

    # 三個60%: the current team positions of each top organization.
    positions = (
        await session.execute(
            select(Position).where(
                Position.org_id.in_(top_ids),
                Position.role.in_([r.value for r in TEAM_ROLES]),
                _current(Position.since, Position.until, as_of),
            )
        )
    ).scalars()
    crossed: dict[uuid.UUID, dict[uuid.UUID, bool]] = {}
    for position in positions:
        team = crossed.setdefault(position.org_id, {})
        team[position.member_id] = team.get(position.member_id, False) or bool(position.concurrent_posts)
    records = await lookup_members(members, [m for team in crossed.values() for m in team]) if crossed else {}
    below: list[LeadingGooseGap] = []
    for community, org in communities:
        team = crossed.get(org.id, {})
        if not team:
            continue
        people = [
            TeamPerson(
                birth_date=_day(records.get(m, {}).get("birth_date")),
                education=records.get(m, {}).get("education"),
                cross_appointed=cross,
            )
            for m, cross in team.items()
        ]
        shares = leading_goose(people, as_of, policy)
        if all(s.met for s in shares.values()):
            continue
        below.append(
            LeadingGooseGap(
                **ref(community, org),
                team_size=len(people),
                age_limit=policy.leading_goose_age_limit,
                college_or_above=LeadingGooseShare.model_validate(shares["college_or_above"]),
                under_age_limit=LeadingGooseShare.model_validate(shares["under_age_limit"]),
                cross_appointed=LeadingGooseShare.model_validate(shares["cross_appointed"]),
            )
        )

    # Reserve pools: current cadres and those with college or above, per community.
    college = func.sum(case((ReserveCadre.education.in_(sorted(COLLEGE_OR_ABOVE)), 1), else_=0))
    pool_rows = await session.execute(
        select(ReserveCadre.community_id, func.count(), college)
        .where(ReserveCadre.community_id.in_(ids), _current(ReserveCadre.since, ReserveCadre.until, as_of))
        .group_by(ReserveCadre.community_id)
    )
    pools = {community_id: (int(n), int(c or 0)) for community_id, n, c in pool_rows}
    reserve: list[ReservePoolGap] = []
    for community, org in communities:
        cadres, educated = pools.get(community.id, (0, 0))
        thin, poorly = rules.reserve_pool_problems(cadres, educated, policy)
        if thin or poorly:
            reserve.append(
                ReservePoolGap(
                    **ref(community, org),
                    cadres=cadres,
                    college_or_above=educated,
                    thin=thin,
                    poorly_educated=poorly,
                    min_size=policy.reserve_pool_min_size,
                    min_college_share=policy.reserve_pool_min_college_share,
                )
            )

    # Units with no current co-building agreement in their community.
    units_stmt = select(Unit.community_id, func.count()).where(Unit.community_id.in_(ids)).group_by(Unit.community_id)
    unit_counts = dict((await session.execute(units_stmt)).all())
    agreement_counts = dict(
        (
            await session.execute(
                select(CoBuilding.community_id, func.count())
                .where(
                    CoBuilding.community_id.in_(ids),
                    _current(CoBuilding.started_on, CoBuilding.ends_on, as_of),
                    or_(CoBuilding.ended_on.is_(None), CoBuilding.ended_on >= as_of),  # ended early: no longer in force
                )
                .group_by(CoBuilding.community_id)
            )
        ).all()
    )
    no_co_building = [
        CoBuildingGap(**ref(community, org), units=int(unit_counts[community.id]), agreements=0)
        for community, org in communities
        if unit_counts.get(community.id) and not agreement_counts.get(community.id)
    ]

    # The form alarm: members of each top organization's subtree, from the members service.
    alarms: list[FormAlarm] = []
    if communities:
        active = select(Organization.id, Organization.path).where(in_subtree, Organization.status == OrgStatus.active)
        paths: dict[uuid.UUID, str] = {row.id: row.path for row in (await session.execute(active)).all()}
        totals = subtree_totals(paths, await member_counts(members, list(paths), as_of))
        for community, org in communities:
            kind = OrgKind(org.kind)
            count = totals[org.id].members
            if rules.form_called_out(kind, count, policy):
                alarms.append(FormAlarm(**ref(community, org), kind=kind, members=count, threshold=policy.form_alarm_members))

    return OrgWorkLists(
        org_id=root.id,
        as_of=as_of,
        below_leading_goose=below,
        reserve_pools=reserve,
        units_without_co_building=no_co_building,
        form_called_out=alarms,
    )
