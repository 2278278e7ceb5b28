"""`kit.db.is_citus` and `distribution_column`: the suite's own databases (SQLite, the machine's
PostgreSQL) are not Citus coordinators and distribute nothing, so every statement keeps its
one-server form there; the Citus pass (`tests/members/test_rollups_distributed.py`,
`test_counties_distributed.py`) checks the other answers on a real cluster."""

from services.kit.db import Database, distribution_column, is_citus
from tests.support import SuiteDatabase


async def test_a_plain_database_is_not_a_citus_coordinator(test_db: SuiteDatabase) -> None:
    db = Database(test_db.urls["members"], "members")
    try:
        async with db.read_sessions() as session:
            assert await is_citus(session) is False
            assert await distribution_column(session, "members.members") is None
    finally:
        await db.dispose()
