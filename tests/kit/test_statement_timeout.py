"""A runaway statement is stopped by the database itself (PostgreSQL's statement_timeout per
connection, from `db_statement_timeout_s`). SQLite has no statement timeout; it serves development."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from services.kit.db import Database
from tests.support import SuiteDatabase, on_postgres

pytestmark = pytest.mark.skipif(not on_postgres(), reason="PostgreSQL's statement_timeout")


async def test_each_connection_carries_the_timeout(test_db: SuiteDatabase) -> None:
    db = Database(test_db.urls["orgs"], "orgs", statement_timeout_s=2.5)
    try:
        async with db.engine.connect() as connection:
            assert await connection.scalar(text("SHOW statement_timeout")) == "2500ms"
    finally:
        await db.dispose()


async def test_a_statement_over_the_timeout_is_cancelled_by_the_server(test_db: SuiteDatabase) -> None:
    db = Database(test_db.urls["orgs"], "orgs", statement_timeout_s=0.3)
    try:
        async with db.engine.connect() as connection:
            with pytest.raises(DBAPIError, match="statement timeout"):
                await connection.execute(text("SELECT pg_sleep(2)"))
    finally:
        await db.dispose()
