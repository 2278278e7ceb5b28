"""Statistics of a large subtree read from the roll-ups (service/rollups.py) instead of its members.

A count on `as_of` over a rolled-up organization's subtree is the sum of four parts, read in one
statement (so that a fold committing between them cannot be seen half):
1. the organization's roll-up rows of the pair holding the dimensions asked for, leaving out the
   months an age edge, the reform date or `as_of` cuts in two (the "cut months");
2. the deltas not folded yet, outside the cut months;
3. the member rows of the subtree inside the cut months, counted exactly (the birth_date and
   joined_on indexes find them: a month of births is ~1/700 of the members), and, when the pair
   has no joining month, minus the members who joined after `as_of` (none for today);
4. the correction of `tallies_as_of` for the members changed since `as_of` (service/facts.py).
Today's figures come from parts 1-3; 4 turns them into the figures of a past day, as before.

Not served (the caller counts the rows as before, with the same answer): party_probation, a
community filter, a subtree not rolled up or the whole tree, more dimensions than a kept pair.
"""

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, Subquery, and_, exists, false, func, literal_column, or_, select, true, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.db import is_citus
from services.kit.tree import outside_subtree
from services.members.enums import StatsDimension, StatsPopulation
from services.members.models import Member, member_rollup_deltas, member_rollup_orgs, member_rollups, org_replica
from services.members.rules.common import born_on_or_before_for_age
from services.members.rules.rollups import (
    BIRTH,
    JOINED,
    MEMBER,
    NO_SETTING,
    NOT_TRANSFERRED,
    month_bounds,
    on_or_before,
    pair_for,
    pair_name,
)
from services.members.service.rollups import are_current

# What a statistic read from the roll-ups may ask of a member row: the columns the covering
# `birth_date` index holds, so that each cut month is read from that index alone. On Citus the
# cut months' subquery is sent to the shards as written (behind OFFSET 0, rows_subquery), so a
# column outside the index (residence_community_id: a community filter is never read from the
# roll-ups) would send every shard to the table.
FACT_COLUMNS = ("joined_on", "birth_date", "education", "occupation", "sex", "org_id", "state", "party_status", "whereabouts")
# Read by every statistic: the dates of the pivots, the organization, who counts as a member.
ROW_COLUMNS = ("joined_on", "birth_date", "org_id", "state", "whereabouts")


@dataclass(frozen=True)
class Plan:
    """How a statistics query is read from the roll-ups."""

    root: uuid.UUID
    pair: tuple[str, str]
    age_cuts: list[tuple[str, str | None]]  # per age cutoff: last whole month on or before, cut month
    joined_cut: tuple[str, str | None] | None  # joined_before - 1 day
    as_of_cut: tuple[str, str | None]
    whole_tree: bool = False  # no organization outside the root's subtree (a province's deployment)
    on_citus: bool = False  # the records may be distributed: rows_subquery reads them first

    def needs_tree(self, q: Any, plain: list[StatsDimension]) -> bool:
        """Whether the counts must look up the members' organizations: their setting, their
        community, or whether they lie in the subtree. A province's own deployment asked for the
        province needs none of it, and its cut months' rows are then read from the index alone
        (at 10 M members, hashing the 242 000 organizations to check the subtree took 220 ms)."""
        return not self.whole_tree or StatsDimension.setting in plain or q.setting is not None or q.community_id is not None

    @property
    def cut_months(self) -> dict[str, set[str]]:
        cuts: dict[str, set[str]] = {BIRTH: set(), JOINED: set()}
        if BIRTH in self.pair:
            cuts[BIRTH] = {cut for _, cut in self.age_cuts if cut}
        if JOINED in self.pair:
            cuts[JOINED] = {cut for held in (self.joined_cut, self.as_of_cut) if held is not None and (cut := held[1])}
        return cuts


async def plan(
    session: AsyncSession, paths: list[str], q: Any, plain: list[StatsDimension], pivots: list[StatsDimension]
) -> Plan | None:
    """The plan to read `q` from the roll-ups, or None when they do not serve it."""
    if StatsDimension.party_probation in pivots or q.community_id is not None or not paths or "" in paths:
        return None
    deepest = max(paths, key=len)
    if any(not deepest.startswith(path) for path in paths):
        return None
    wanted = {d.value for d in plain if d != StatsDimension.setting}
    wanted |= {BIRTH} if StatsDimension.age_band in pivots else set()
    wanted |= {JOINED} if StatsDimension.joined_before in pivots else set()
    pair = pair_for(wanted)
    if pair is None or not await are_current(session):
        return None
    root = await session.scalar(select(member_rollup_orgs.c.org_id).where(member_rollup_orgs.c.path == deepest))
    if root is None:
        return None
    cutoffs = (
        [born_on_or_before_for_age(q.as_of, edge, by_month=q.by_month) for edge in q.age_edges]
        if StatsDimension.age_band in pivots
        else []
    )
    joined = on_or_before(q.joined_before - timedelta(days=1)) if StatsDimension.joined_before in pivots else None
    beyond = await session.scalar(select(exists().where(outside_subtree(org_replica.c.path, deepest))))
    return Plan(
        root=root,
        pair=pair,
        age_cuts=[on_or_before(c) for c in cutoffs],
        joined_cut=joined,
        as_of_cut=on_or_before(q.as_of),
        whole_tree=not beyond,
        on_citus=await is_citus(session),
    )


def _key_column(plan: Plan, dimension: str) -> ColumnElement[Any]:
    if dimension == StatsDimension.setting:
        # The empty string written out, not bound: the GROUP BY must repeat the very expression.
        return func.nullif(member_rollups.c.setting, literal_column(f"'{NO_SETTING}'"))
    column: ColumnElement[Any] = member_rollups.c.a if plan.pair[0] == dimension else member_rollups.c.b
    return column


def _population(population: StatsPopulation) -> list[ColumnElement[bool]]:
    if population == StatsPopulation.members:
        return [member_rollups.c.population == MEMBER]
    if population == StatsPopulation.not_transferred:
        return [member_rollups.c.population == NOT_TRANSFERRED]
    return []


def _cells(plan: Plan, pivots: list[StatsDimension], edges: int) -> list[list[ColumnElement[bool]]]:
    """Each pivot cell's conditions on the month keys (in the order of stats._pivot's product)."""
    per_pivot: list[list[ColumnElement[bool]]] = []
    for dimension in pivots:
        if dimension == StatsDimension.age_band:
            month = _key_column(plan, BIRTH)
            bands = []
            for index in range(edges + 1):
                conditions = []
                if index < edges:
                    conditions.append(month > plan.age_cuts[index][0])
                if index > 0:
                    conditions.append(month <= plan.age_cuts[index - 1][0])
                bands.append(and_(true(), *conditions))
            per_pivot.append(bands)
        else:
            assert plan.joined_cut is not None
            month = _key_column(plan, JOINED)
            per_pivot.append([month <= plan.joined_cut[0], month > plan.joined_cut[0]])
    cells: list[list[ColumnElement[bool]]] = [[]]
    for options in per_pivot:
        cells = [[*cell, option] for cell in cells for option in options]
    return cells


def rollup_statement(plan: Plan, q: Any, plain: list[StatsDimension], pivots: list[StatsDimension]) -> Select[Any]:
    """Part 1: the root's roll-up rows, cut months left out."""
    where: list[ColumnElement[bool]] = [
        member_rollups.c.org_id == plan.root,
        member_rollups.c.pair == pair_name(plan.pair),
        *_population(q.population),
    ]
    if q.setting is not None:
        where.append(member_rollups.c.setting == q.setting)
    for dimension, months in plan.cut_months.items():
        if months:
            where.append(_key_column(plan, dimension).not_in(sorted(months)))
    if JOINED in plan.pair:
        where.append(_key_column(plan, JOINED) <= plan.as_of_cut[0])
    counts = [
        func.sum(member_rollups.c.count).filter(and_(true(), *cell)).label(f"c{i}")
        for i, cell in enumerate(_cells(plan, pivots, len(q.age_edges)))
    ]
    columns = [_key_column(plan, d.value).label(d.value) for d in plain]
    stmt = select(*columns, *counts).where(*where)
    return stmt.group_by(*[_key_column(plan, d.value) for d in plain]) if plain else stmt


def _cut_ranges(plan: Plan, birth: Any, joined: Any) -> list[ColumnElement[bool]]:
    """One date range per cut month (the months of one dimension never overlap)."""
    ranges: list[ColumnElement[bool]] = []
    for dimension, months in plan.cut_months.items():
        column = birth if dimension == BIRTH else joined
        for month in sorted(months):
            first, after = month_bounds(month)
            ranges.append(and_(column >= first, column < after))
    return ranges


def _in_cut_months(plan: Plan, birth: Any, joined: Any) -> ColumnElement[bool]:
    return or_(false(), *_cut_ranges(plan, birth, joined))


def rows_subquery(plan: Plan, as_of: date, county: uuid.UUID | None = None) -> Subquery | None:
    """Part 3: the members in the cut months (+1, if they joined by `as_of`) and, when the pair
    has no joining month, those who joined after `as_of` outside them (-1).

    One SELECT per cut month, put together with UNION ALL: each is then a range of the
    birth_date (or joined_on) index, read index-only; one SELECT with the months OR-ed made
    PostgreSQL combine the ranges into a bitmap and read the rows from the table (measured at
    10 M members: 450 ms for the 37 000 rows of three cut months). `county`: as in
    `facts.tallies_as_of` (these are records as they are)."""
    # Only the columns this statistic reads: on Citus the rows travel from the shards (37 000 at
    # the province of 10 M; 5 MB with every column, measured).
    asked = [name for name in FACT_COLUMNS if name in ROW_COLUMNS or name in plan.pair]
    columns = [Member.id.label("id"), *[getattr(Member, name).label(name) for name in asked]]
    ranges = _cut_ranges(plan, Member.birth_date, Member.joined_on)
    on_shard = true() if county is None else Member.county_id == county
    # Constant weights written out, not bound: the planner can then flatten the UNION ALL and
    # read only the columns the statistic asks for.
    parts: list[Select[Any]] = [
        select(*columns, literal_column("1").label("weight"), (Member.joined_on <= as_of).label("joined_ok")).where(
            in_month, on_shard
        )
        for in_month in ranges
    ]
    if JOINED not in plan.pair:
        parts.append(
            select(*columns, literal_column("-1").label("weight"), true().label("joined_ok")).where(
                Member.joined_on > as_of, ~or_(false(), *ranges), on_shard
            )
        )
    if not parts:
        return None
    rows = (parts[0] if len(parts) == 1 else union_all(*parts)).subquery("cut_rows")
    if not plan.on_citus:
        return rows
    # Behind OFFSET 0 on Citus: with the records distributed it cannot join a UNION ALL of them to
    # the tree ("complex joins are only supported when all distributed tables are co-located"),
    # and reads the subquery on the shards first. Not on one server: the survey of a province of
    # 10 M took 256-279 ms with it against 204-219 ms without.
    return select(rows).offset(0).subquery("cut_rows")


def pending_subquery(plan: Plan, as_of: date) -> Subquery:
    """Part 2: the deltas not folded yet, outside the cut months."""
    d = member_rollup_deltas.c
    joined_ok = d.joined_on <= as_of if JOINED in plan.pair else true()
    return (
        select(
            d.member_id.label("id"),
            *[d[name].label(name) for name in FACT_COLUMNS],
            d.weight.label("weight"),
            joined_ok.label("joined_ok"),
        )
        .where(~_in_cut_months(plan, d.birth_date, d.joined_on))
        .subquery("unfolded")
    )


async def rolled_up_paths(session: AsyncSession, ids: list[uuid.UUID | None]) -> list[str]:
    """The paths of the subtree roots asked for ("" for one unknown)."""
    paths = []
    for org_id in ids:
        if org_id is not None:
            path = await session.scalar(select(org_replica.c.path).where(org_replica.c.id == org_id))
            paths.append(str(path or ""))
    return paths
