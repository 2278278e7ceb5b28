"""Search by ID number is an index look-up on both databases, for open and closed records alike.

The only index on the keyed hash used to be the partial unique one (open records only); a search,
which also finds members who left, cannot use a partial index whose condition it does not repeat,
so at 10 million members (benchmarks/members_10m.py) every search read the whole table: 1.3 s.
"""

from sqlalchemy import text

from services.kit.db import Database
from tests.support import CITUS_WORKERS, SuiteDatabase, on_postgres


async def test_the_id_number_search_reads_an_index(test_db: SuiteDatabase) -> None:
    db = Database(test_db.urls["members"], "members")
    try:
        async with db.read_sessions() as session:
            if on_postgres():
                # With sequential scans priced out, the planner scans an index whenever one can serve.
                # On a Citus coordinator the shards' plans are the workers': the setting goes with the query.
                if CITUS_WORKERS:
                    await session.execute(text("SET LOCAL citus.propagate_set_commands = 'local'"))
                await session.execute(text("SET LOCAL enable_seqscan = off"))
                plan = "\n".join(
                    (await session.execute(text("EXPLAIN SELECT id FROM members.members WHERE id_number_index = 'x'"))).scalars()
                )
            else:
                rows = await session.execute(
                    text("EXPLAIN QUERY PLAN SELECT id FROM members.members WHERE id_number_index = 'x'")
                )
                plan = "\n".join(str(row[-1]) for row in rows)
    finally:
        await db.dispose()

    assert "ix_members_members_id_number_index" in plan, plan
