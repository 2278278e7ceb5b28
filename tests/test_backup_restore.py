"""The documented backup and restore of docs/operations.md on the local PostgreSQL server, with
the host's pg_dump and pg_restore: the same arguments as `make test-compose` (tests/compose/drill.py,
held against the document by tests/test_operations_doc.py), so that a schema the restore cannot
take back (the partitioned tables did: "cannot drop inherited constraint") fails here, in the
PostgreSQL pass, and not only in the container drill."""

import asyncio
import shutil
import subprocess
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from stack.citus import database_dsn
from tests.compose import drill
from tests.support import POSTGRES_ADMIN_URL, create_test_database, drop_test_database, on_postgres

pytestmark = [
    pytest.mark.skipif(not on_postgres(), reason="the documented backup is of the PostgreSQL deployment"),
    pytest.mark.skipif(shutil.which("pg_restore") is None, reason="needs the PostgreSQL client tools"),
]


def documented(tool: str) -> list[str]:
    """The drill's (and the document's) arguments of `tool`, run in the postgres container there."""
    commands = [args for args, _ in (*drill.BACKUP, *drill.RESTORE)]
    (args,) = [args for args in commands if tool in args]
    return list(args[args.index(tool) :])


def with_server(args: list[str], database: str) -> list[str]:
    """The container's command aimed at the local server; the compose database's name replaced
    by the test's own."""
    url = make_url(POSTGRES_ADMIN_URL)
    named = [database if arg == "dangjian" else arg for arg in args]
    return [*named, "-h", url.host or "127.0.0.1", "-p", str(url.port or 5432)]


async def contents(dsn: str) -> dict[str, object]:
    connection = await asyncpg.connect(dsn)
    try:
        tables = await connection.fetch(
            "SELECT n.nspname, c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname IN ('gateway', 'orgs', 'members', 'activities') AND c.relkind IN ('r', 'p', 'i', 'I') "
            "ORDER BY 1, 2"
        )
        inherited = await connection.fetchval("SELECT count(*) FROM pg_inherits")
        versions = [
            await connection.fetchval(f"SELECT version_num FROM {schema}.alembic_version")
            for schema in ("gateway", "orgs", "members", "activities")
        ]
        return {"tables": [tuple(row) for row in tables], "partitions attached": inherited, "versions": versions}
    finally:
        await connection.close()


def test_the_documented_restore_takes_back_a_dump_of_every_schema(tmp_path: Path) -> None:
    db = create_test_database(tmp_path)
    assert db.postgres_database is not None
    try:
        dsn = database_dsn(POSTGRES_ADMIN_URL, db.postgres_database)
        before = asyncio.run(contents(dsn))
        assert before["partitions attached"], "the migrated schemas hold partitioned tables (the case this pins)"
        dump = tmp_path / "dangjian.dump"
        with dump.open("wb") as out:
            made = subprocess.run(
                with_server(documented("pg_dump"), db.postgres_database), check=False, stdout=out, stderr=subprocess.PIPE
            )
        assert made.returncode == 0, made.stderr.decode()

        with dump.open("rb") as into:
            restored = subprocess.run(
                with_server(documented("pg_restore"), db.postgres_database),
                check=False,
                stdin=into,
                capture_output=True,
                text=True,
            )
        assert restored.returncode == 0, restored.stderr
        assert restored.stderr == ""
        assert asyncio.run(contents(dsn)) == before
        # The services' roles still reach their schemas: the database's grants came back with it.
        members = asyncio.run(_count_as_service(db.urls["members"]))
        assert members == 0
    finally:
        drop_test_database(db)


async def _count_as_service(url: str) -> int:
    connection = await asyncpg.connect(make_url(url).set(drivername="postgresql").render_as_string(hide_password=False))
    try:
        return int(await connection.fetchval("SELECT count(*) FROM members.members"))
    finally:
        await connection.close()
