"""The survey report's member figures of a rolled-up subtree, from the statistics' roll-ups
(service/rollup_reads.py) instead of a scan of its members.

Each figure is a statistic of the same population (open records with the relationship here, on
the report's day) per community setting: members and those aged at least `member_age_min` (an
age band), junior high or below (education), joined before the reform date (joined_before),
floating out and displaced (whereabouts). Those under 留黨察看 on the day are few: counted from
their rows, found through the disciplinary measures. When any figure is not served by the
roll-ups the caller counts the rows as before (`survey._members_stmt`), with the same answer.
"""

from dataclasses import replace
from typing import Any

from sqlalchemy import Select, false, select

from services.kit.db import is_citus
from services.kit.tree import subtree_of
from services.members.enums import StatsDimension, StatsPopulation, Whereabouts
from services.members.models import org_replica
from services.members.rules.records import CLOSED_STATES
from services.members.rules.survey import JUNIOR_HIGH_OR_BELOW
from services.members.service import counties, rollup_reads
from services.members.service.common import MembersContext
from services.members.service.discipline import on_probation_on
from services.members.service.facts import in_one_statement, tallies_as_of, tally
from services.members.service.stats import StatsQuery, member_stats

SETTING, AGE, EDUCATION, JOINED, WHEREABOUTS = (
    StatsDimension.setting,
    StatsDimension.age_band,
    StatsDimension.education,
    StatsDimension.joined_before,
    StatsDimension.whereabouts,
)


async def members_counts(session: Any, ctx: MembersContext, q: Any, paths: list[str]) -> list[tuple[Any, ...]] | None:
    """Rows (setting, members, aged, junior high or below, joined before reform, floating out,
    displaced, on party probation) like `survey._members_stmt`'s, or None when not served."""
    if not ctx.policy.rollups_maintained:
        return None
    base = StatsQuery(
        group_by=[],
        as_of=q.as_of,
        age_edges=[q.member_age_min],
        joined_before=q.reform_date,
        within=q.within,
        population=StatsPopulation.members,
        by_month=ctx.by_month,
    )
    queries = {dim: replace(base, group_by=[SETTING, dim]) for dim in (AGE, EDUCATION, JOINED, WHEREABOUTS)}
    for query in queries.values():
        pivots = [d for d in query.group_by if d in (AGE, JOINED)]
        plain = [d for d in query.group_by if d not in pivots]
        if await rollup_reads.plan(session, paths, query, plain, pivots) is None:
            return None
    rows: dict[Any, list[int]] = {}

    def add(setting: Any, at: int, count: int) -> None:
        rows.setdefault(setting, [0] * 7)[at] += count

    for name, query in queries.items():
        for group in (await member_stats(session, ctx, query)).groups:
            setting, value, count = group.key[SETTING.value], group.key[query.group_by[1].value], group.count
            if name == AGE:
                add(setting, 0, count)
                add(setting, 1, count if value == f"{q.member_age_min}+" else 0)
            elif name == EDUCATION:
                add(setting, 2, count if value in JUNIOR_HIGH_OR_BELOW else 0)
            elif name == JOINED:
                add(setting, 3, count if value is True else 0)
            else:
                add(setting, 4, count if value == Whereabouts.floating_out else 0)
                add(setting, 5, count if value == Whereabouts.displaced else 0)
    county = await counties.on_one_shard(session, [ctx.caller.scope_org_id, q.within])
    read_first = await is_citus(session)
    statements = [_on_probation(q, paths, facts, read_first) for facts in await tallies_as_of(session, q.as_of, county=county)]
    for setting, count in (await session.execute(in_one_statement(statements))).all():
        add(setting, 6, int(count or 0))
    return [(setting, *counts) for setting, counts in rows.items()]


def _on_probation(q: Any, paths: list[str], facts: Any, read_first: bool) -> Select[Any]:
    stmt = (
        select(org_replica.c.setting, tally(facts))
        .select_from(facts)
        .join(org_replica, org_replica.c.id == facts.c.org_id)
        .where(
            on_probation_on(facts.c.id, q.as_of, read_first=read_first),
            facts.c.joined_on <= q.as_of,
            facts.c.state.not_in(CLOSED_STATES),
            facts.c.whereabouts != Whereabouts.not_transferred,
        )
        .group_by(org_replica.c.setting)
    )
    for path in paths:
        stmt = stmt.where(subtree_of(org_replica.c.path, path) if path else false())
    return stmt
