"""The members' half of the survey report: team, secretary and member structure and whereabouts,
counted in SQL per community setting (rural, urban) — a handful of grouped rows, never member rows.

Settings come from the org replica: a member's side is the setting of the community their
organization belongs to; a team's side is that of the community whose top organization it is;
a member whose relationship was never transferred in is counted by their residence community.
Members are counted by their facts on the report's day (`service/facts.py`: the records as they
are plus a correction for the members changed since, `tallies_as_of`), team positions by
their dates: a report for a past day comes out the same whenever it is asked.
"""

import uuid
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Executable, Select, Subquery, and_, case, false, func, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.db import is_citus
from services.kit.tree import subtree_of
from services.members.enums import PartyStatus, Setting, Whereabouts
from services.members.errors import NOT_FOUND
from services.members.models import Member, org_replica, position_replica
from services.members.rules.common import born_on_or_before_for_age
from services.members.rules.records import CLOSED_STATES
from services.members.rules.survey import COLLEGE_OR_ABOVE, JUNIOR_HIGH_OR_BELOW, TEAM_ROLES
from services.members.schemas.survey import MembersSurvey, MembersSurveyCounts, SurveyParameters
from services.members.service import counties, survey_rollups
from services.members.service.common import MembersContext
from services.members.service.discipline import on_probation_on
from services.members.service.facts import facts_as_of, in_one_statement, tallies_as_of, tally

SIDES = (Setting.rural, Setting.urban)


@dataclass(frozen=True)
class SurveyQuery:
    as_of: date
    team_age_min: int
    secretary_age_min: int
    member_age_min: int
    reform_date: date
    within: uuid.UUID | None = None
    by_month: bool = False  # ages reached by the end of as_of's month (a masked caller: MembersContext.by_month)

    def born_by(self, age: int) -> date:
        return born_on_or_before_for_age(self.as_of, age, by_month=self.by_month)


async def _scope_paths(session: AsyncSession, ctx: MembersContext, within: uuid.UUID | None) -> list[str]:
    """The literal paths of the caller's scope and of `within` ("" matches nothing); 404 when
    `within` is unknown or outside the caller's scope."""

    async def path_of(org_id: uuid.UUID) -> str:
        return str(await session.scalar(select(org_replica.c.path).where(org_replica.c.id == org_id)) or "")

    paths = [await path_of(ctx.caller.scope_org_id)] if ctx.caller.scope_org_id is not None else []
    if within is not None:
        path = await path_of(within)
        if not path or (paths and not path.startswith(paths[0])):
            raise NOT_FOUND(f"Organization {within} was not found")
        paths.append(path)
    return paths


def _scoped(stmt: Select[Any], path_column: Any, paths: list[str]) -> Select[Any]:
    for path in paths:
        stmt = stmt.where(subtree_of(path_column, path) if path else false())
    return stmt


def _counts(rows: list[Any], names: list[str], into: dict[str, MembersSurveyCounts]) -> None:
    """Add grouped rows (setting, count…) to each side and to the total."""
    for row in rows:
        setting, values = row[0], row[1:]
        targets = [into["total"]] + ([into[setting]] if setting in SIDES else [])
        for target in targets:
            for name, value in zip(names, values, strict=True):
                setattr(target, name, getattr(target, name) + int(value or 0))


def _teams_stmt(q: SurveyQuery, paths: list[str]) -> Select[Any]:
    """Team members and, among them, the secretaries: one pass over the members' records."""
    top = org_replica.alias("top")
    current = and_(
        position_replica.c.since <= q.as_of, or_(position_replica.c.until.is_(None), position_replica.c.until >= q.as_of)
    )
    # Each person once per community, however many roles they hold there. The records are joined
    # inside, table to table: joined to the grouped rows instead, PostgreSQL cannot tell how many
    # distinct people they hold and hashes all the records rather than the few holders.
    holders = _scoped(
        select(
            top.c.setting,
            Member.birth_date,
            Member.education,
            func.max(case((position_replica.c.role == "secretary", 1), else_=0)).label("secretary"),
        )
        .join(top, top.c.id == position_replica.c.org_id)
        .join(Member, Member.id == position_replica.c.member_id)
        .where(top.c.tier == "community", top.c.status == "active", position_replica.c.role.in_(TEAM_ROLES), current)
        .group_by(position_replica.c.org_id, position_replica.c.member_id, top.c.setting, Member.birth_date, Member.education),
        top.c.path,
        paths,
    ).subquery("holders")
    college = holders.c.education.in_(COLLEGE_OR_ABOVE)
    secretary = holders.c.secretary == 1
    return (
        select(
            holders.c.setting,
            func.count(),
            func.count().filter(holders.c.birth_date <= q.born_by(q.team_age_min)),
            func.count().filter(college),
            func.count().filter(secretary),
            func.count().filter(secretary, holders.c.birth_date <= q.born_by(q.secretary_age_min)),
            func.count().filter(secretary, college),
        )
        .select_from(holders)
        .group_by(holders.c.setting)
    )


def _members_stmt(q: SurveyQuery, paths: list[str], facts: Subquery, read_first: bool) -> Select[Any]:
    aged = facts.c.birth_date <= q.born_by(q.member_age_min)
    stmt = (
        select(
            org_replica.c.setting,
            tally(facts),
            tally(facts, aged),
            tally(facts, facts.c.education.in_(JUNIOR_HIGH_OR_BELOW)),
            tally(facts, facts.c.joined_on < q.reform_date),
            tally(facts, facts.c.whereabouts == Whereabouts.floating_out),
            tally(facts, facts.c.whereabouts == Whereabouts.displaced),
            tally(facts, on_probation_on(facts.c.id, q.as_of, read_first=read_first)),
        )
        .select_from(facts)
        .join(org_replica, org_replica.c.id == facts.c.org_id)
        .where(*_open_on(q.as_of, facts), facts.c.whereabouts != Whereabouts.not_transferred)
        .group_by(org_replica.c.setting)
    )
    return _scoped(stmt, org_replica.c.path, paths)


def _not_transferred_stmt(q: SurveyQuery, paths: list[str], facts: Subquery) -> Select[Any]:
    # Counted where they live: the residence community's top organization decides scope and side
    # (without a residence, the community of the organization that keeps their record). Grouped
    # by community first, so the community's top organization is looked up once per community.
    own = org_replica.alias("own")
    top = org_replica.alias("residence")
    community_id = func.coalesce(facts.c.residence_community_id, own.c.community_id)
    by_community = (
        select(community_id.label("community_id"), tally(facts).label("members"))
        .select_from(facts)
        .join(own, own.c.id == facts.c.org_id)
        .where(*_open_on(q.as_of, facts), facts.c.whereabouts == Whereabouts.not_transferred)
        .group_by(community_id)
        .subquery(Whereabouts.not_transferred.value)
    )
    stmt = (
        select(top.c.setting, func.sum(by_community.c.members))
        .select_from(by_community)
        .join(top, and_(top.c.community_id == by_community.c.community_id, top.c.tier == "community"))
        .where(top.c.status == "active")
        .group_by(top.c.setting)
    )
    return _scoped(stmt, top.c.path, paths)


def _open_on(as_of: date, facts: Subquery) -> list[ColumnElement[bool]]:
    # The same population as the statistics: joined by then, record not closed on that day.
    return [facts.c.joined_on <= as_of, facts.c.state.not_in(CLOSED_STATES)]


async def community_member_counts(session: AsyncSession, within: uuid.UUID | None, as_of: date) -> dict[str, dict[str, int]]:
    """Members of each community's organizations on `as_of` (open records whose relationship is
    there, by party status), for the communities under `within`: one scan for the orgs service's
    form rule and diagnostics.

    Every organization inside a community carries that community's id, so this is the member
    count of the community's top organization's subtree.
    """
    paths = []
    if within is not None:
        path = await session.scalar(select(org_replica.c.path).where(org_replica.c.id == within))
        paths.append(str(path or ""))
    statements = [
        _scoped(
            select(org_replica.c.community_id, facts.c.party_status, tally(facts))
            .select_from(facts)
            .join(org_replica, org_replica.c.id == facts.c.org_id)
            .where(
                org_replica.c.community_id.is_not(None),
                *_open_on(as_of, facts),
                facts.c.whereabouts != Whereabouts.not_transferred,
            )
            .group_by(org_replica.c.community_id, facts.c.party_status),
            org_replica.c.path,
            paths,
        )
        for facts in await tallies_as_of(session, as_of)
    ]
    counts: dict[str, dict[str, int]] = {}
    for community_id, party_status, count in (await session.execute(in_one_statement(statements))).all():
        held = counts.setdefault(str(community_id), {"members": 0, PartyStatus.full: 0, PartyStatus.probationary: 0})
        held[party_status] += int(count)
        held["members"] += int(count)
    # A community whose members all changed after `as_of` nets to none (the correction took them back).
    return {community_id: held for community_id, held in counts.items() if held["members"]}


async def members_survey(session: AsyncSession, ctx: MembersContext, q: SurveyQuery) -> MembersSurvey:
    q = replace(q, by_month=ctx.by_month)
    paths = await _scope_paths(session, ctx, q.within)
    sides = {name: MembersSurveyCounts() for name in (*SIDES, "total")}
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SET LOCAL jit = off"))  # compiling costs more than running (stats.py)
        await session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))  # no generic plan (stats.py)
    teams = [
        "team_members",
        "team_members_aged_46_plus",
        "team_members_college_or_above",
        "secretaries",
        "secretaries_aged_45_plus",
        "secretaries_college_or_above",
    ]
    members = [
        "members",
        "members_aged_46_plus",
        "members_junior_high_or_below",
        "members_joined_before_reform",
        # the figures of the members away are named by their whereabouts
        Whereabouts.floating_out.value,
        Whereabouts.displaced.value,
        "members_on_party_probation",
    ]
    # The records as they are, and the correction for the members changed since (`tallies_as_of`).
    # Counted twice, not shared in a CTE: materialized, it was no faster for 30 June at full size,
    # and a large correction (a day years back) spilled to disk (measured, benchmarks/README.md).
    county = await counties.on_one_shard(session, [ctx.caller.scope_org_id, q.within])
    tallies = await tallies_as_of(session, q.as_of, county=county)
    # The not-transferred are counted where they live, and a record kept in another county's
    # community counts here too: their tally is never narrowed to the subtree's county.
    everywhere = tallies if county is None else await tallies_as_of(session, q.as_of)
    queries: list[tuple[Executable, list[str]]] = [
        (_teams_stmt(q, paths), teams),
        (in_one_statement([_not_transferred_stmt(q, paths, facts) for facts in everywhere]), [Whereabouts.not_transferred.value]),
    ]
    # A rolled-up subtree's member figures from the roll-ups (survey_rollups.py), else from the rows.
    rolled = await survey_rollups.members_counts(session, ctx, q, paths)
    if rolled is None:
        read_first = await is_citus(session)
        queries.append((in_one_statement([_members_stmt(q, paths, facts, read_first) for facts in tallies]), members))
    else:
        _counts(rolled, members, sides)
    for stmt, names in queries:
        _counts(list((await session.execute(stmt)).all()), names, sides)
    return MembersSurvey(
        within=q.within,
        as_of=q.as_of,
        parameters=SurveyParameters(
            team_age_min=q.team_age_min,
            secretary_age_min=q.secretary_age_min,
            member_age_min=q.member_age_min,
            reform_date=q.reform_date,
            college_or_above=list(COLLEGE_OR_ABOVE),
            junior_high_or_below=list(JUNIOR_HIGH_OR_BELOW),
        ),
        **sides,
    )


async def community_latest_joined(session: AsyncSession, within: uuid.UUID | None, as_of: date) -> dict[str, date]:
    """The latest day anyone joined the party (`joined_on`, up to `as_of`) among the members of
    each community's organizations on `as_of`, for the communities under `within`, keyed by
    community id: one scan for the orgs service's 入黨無門 diagnostic. Every record counts, closed
    ones too (someone admitted here who has since died was admitted). A community with no member
    records is absent."""
    paths = []
    if within is not None:
        path = await session.scalar(select(org_replica.c.path).where(org_replica.c.id == within))
        paths.append(str(path or ""))
    facts = await facts_as_of(session, as_of)
    stmt = _scoped(
        select(org_replica.c.community_id, func.max(facts.c.joined_on))
        .select_from(facts)
        .join(org_replica, org_replica.c.id == facts.c.org_id)
        .where(org_replica.c.community_id.is_not(None), facts.c.joined_on <= as_of)
        .group_by(org_replica.c.community_id),
        org_replica.c.path,
        paths,
    )
    return {str(community_id): latest for community_id, latest in (await session.execute(stmt)).all() if latest is not None}
