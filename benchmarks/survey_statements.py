"""Server-side time of every statement one as-of request runs, on a database kept by
`survey_report --keep`: the members' half of the survey, `/members/stats` (age band x education)
and the member counts per community that orgs asks for. Each statement is run under
`EXPLAIN (ANALYZE, TIMING OFF)` and its median execution time printed, so that two versions of
the code can be compared on the same data on a machine whose load moves the wall clock:

    .venv/bin/python -m benchmarks.survey_statements dangjian_bench_survey_12345 2026-06-30
    PYTHONPATH=/path/to/old/checkout .venv/bin/python -m benchmarks.survey_statements dangjian_bench_survey_12345 2026-06-30

The statements are captured from the service functions themselves (whichever checkout is first
on the path), so nothing here restates their SQL.
"""

import argparse
import asyncio
import os
import re
import types
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

import asyncpg
from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.sql.selectable import CompoundSelect

from services.members.enums import StatsDimension
from services.members.models import org_replica
from services.members.service import stats, survey

REFORM = date(1978, 12, 18)


class Capture:
    """A session that records the selects it runs (and runs them)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session, self.statements = session, list[Any]()

    def get_bind(self) -> Any:
        return self.session.get_bind()

    async def scalar(self, statement: Any) -> Any:
        return await self.session.scalar(statement)

    async def execute(self, statement: Any) -> Any:
        if isinstance(statement, Select | CompoundSelect):
            self.statements.append(statement)
        return await self.session.execute(statement)


async def server_time(conn: asyncpg.Connection, dialect: Any, statement: Any, runs: int) -> float:
    compiled = statement.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    params = [compiled.params[name] for name in compiled.positiontup]
    times = []
    for _ in range(runs):
        plan = "\n".join(row[0] for row in await conn.fetch("EXPLAIN (ANALYZE, TIMING OFF) " + str(compiled), *params))
        found = re.search(r"Execution Time: ([\d.]+)", plan)
        assert found, plan
        times.append(float(found.group(1)))
    return sorted(times)[len(times) // 2]


async def main(database: str, day: date, runs: int) -> None:
    url = f"dangjian_members@127.0.0.1:5432/{database}"
    engine = create_async_engine(f"postgresql+asyncpg://{url}")
    conn = await asyncpg.connect(f"postgresql://{url}")
    await conn.execute("SET jit = off")  # as the services do
    ctx: Any = types.SimpleNamespace(by_month=False, caller=types.SimpleNamespace(scope_org_id=None))
    async with AsyncSession(engine) as session:
        county = await session.scalar(select(org_replica.c.id).where(org_replica.c.tier == "county"))
        the_survey = survey.SurveyQuery(
            as_of=day, team_age_min=46, secretary_age_min=45, member_age_min=46, reform_date=REFORM, within=county
        )
        the_stats = stats.StatsQuery(
            group_by=[StatsDimension.age_band, StatsDimension.education],
            as_of=day,
            age_edges=[35, 46, 60],
            joined_before=REFORM,
            within=county,
        )
        requests: dict[str, Callable[[Any], Awaitable[Any]]] = {
            "members /members/survey": lambda s: survey.members_survey(s, ctx, the_survey),
            "members /members/stats (age band x education)": lambda s: stats.member_stats(s, ctx, the_stats),
            "members /internal/community-member-counts": lambda s: survey.community_member_counts(s, county, day),
        }
        for label, call in requests.items():
            captured = Capture(session)
            await call(captured)
            await session.rollback()
            times = [await server_time(conn, session.get_bind().dialect, s, runs) for s in captured.statements]
            parts = " + ".join(f"{t:.0f}" for t in times)
            print(f"{label:48s} {sum(times):7.1f} ms  ({parts})  load {os.getloadavg()[0]:.1f}", flush=True)
    await conn.close()
    await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database", help="a database kept by survey_report --keep")
    parser.add_argument("day", type=date.fromisoformat, help="the as_of day, e.g. 2026-06-30")
    parser.add_argument("--runs", type=int, default=3, help="runs per statement (the median is printed)")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.database, arguments.day, arguments.runs))
