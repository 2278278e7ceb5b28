"""Each process owns its schema: migrations match the models, and on PostgreSQL each role can
touch only its own schema."""

import asyncio
import os
import subprocess
import sys

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from stack.processes import PROCESSES, PROJECT_ROOT
from tests.support import SuiteDatabase, on_postgres


def test_alembic_check_is_clean_for_every_process(test_db: SuiteDatabase) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "stack", "check"],
        env={**os.environ, **test_db.env()},
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]


def test_every_process_keeps_its_version_table_in_its_own_schema(test_db: SuiteDatabase) -> None:
    async def versions() -> dict[str, bool]:
        found = {}
        for name, url in test_db.urls.items():
            from sqlalchemy import text

            from services.kit.db import make_engine

            engine = make_engine(url, name, pool_size=1)
            async with engine.connect() as connection:
                found[name] = bool(await connection.scalar(text(f'SELECT version_num FROM "{name}".alembic_version')))
            await engine.dispose()
        return found

    assert asyncio.run(versions()) == dict.fromkeys(PROCESSES, True)


@pytest.mark.skipif(not on_postgres(), reason="roles exist only on PostgreSQL; on SQLite each service has its own file")
def test_the_members_role_cannot_read_orgs_tables(test_db: SuiteDatabase) -> None:
    url = make_url(test_db.urls["members"])

    async def attempt() -> str:
        connection = await asyncpg.connect(host=url.host, port=url.port, user=url.username, database=url.database)
        try:
            own = await connection.fetchval("SELECT count(*) FROM members.org_replica")
            assert own >= 0
            try:
                await connection.fetchval("SELECT count(*) FROM orgs.organizations")
            except asyncpg.InsufficientPrivilegeError as error:
                return str(error)
            return "read allowed"
        finally:
            await connection.close()

    assert "permission denied" in asyncio.run(attempt())


@pytest.mark.skipif(on_postgres(), reason="the file layout is the embedded default's")
def test_on_sqlite_each_process_has_its_own_file(test_db: SuiteDatabase) -> None:
    assert {p.name for p in test_db.data_dir.glob("*.db")} == {f"{name}.db" for name in PROCESSES}
