"""PostgreSQL setup for the services: one database, one schema and one login role per process.

Each role owns its schema and nothing else; no role (and not PUBLIC) may use another's schema,
so a service that tried to read another service's tables would get "permission denied".
"""

import asyncpg

from stack.processes import PROCESSES

ROLE_PREFIX = "dangjian_"


def role_name(process: str) -> str:
    return ROLE_PREFIX + process


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


async def provision(admin_dsn: str, database: str, passwords: dict[str, str]) -> None:
    """Create (or bring up to date) the database, the roles and the schemas. Idempotent."""
    admin = await asyncpg.connect(admin_dsn)
    try:
        if not await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", database):
            await admin.execute(f'CREATE DATABASE "{database}"')
        for process in PROCESSES:
            role = role_name(process)
            password = passwords.get(process)
            secret = f"PASSWORD {_literal(password)}" if password else "PASSWORD NULL"
            if await admin.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", role):
                await admin.execute(f'ALTER ROLE "{role}" LOGIN {secret}')
            else:
                await admin.execute(f'CREATE ROLE "{role}" LOGIN {secret}')
    finally:
        await admin.close()

    db = await asyncpg.connect(admin_dsn, database=database)
    try:
        await db.execute(f'REVOKE ALL ON DATABASE "{database}" FROM PUBLIC')
        await db.execute("REVOKE ALL ON SCHEMA public FROM PUBLIC")
        for process in PROCESSES:
            role = role_name(process)
            await db.execute(f'GRANT CONNECT, TEMPORARY ON DATABASE "{database}" TO "{role}"')
            await db.execute(f'CREATE SCHEMA IF NOT EXISTS "{process}" AUTHORIZATION "{role}"')
            await db.execute(f'ALTER SCHEMA "{process}" OWNER TO "{role}"')
            await db.execute(f'REVOKE ALL ON SCHEMA "{process}" FROM PUBLIC')
            await db.execute(f'ALTER ROLE "{role}" IN DATABASE "{database}" SET search_path = "{process}"')
    finally:
        await db.close()


async def drop_database(admin_dsn: str, database: str) -> None:
    admin = await asyncpg.connect(admin_dsn)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    finally:
        await admin.close()


def service_url(host: str, port: int, database: str, process: str, password: str | None = None) -> str:
    credentials = role_name(process) + (f":{password}" if password else "")
    return f"postgresql+asyncpg://{credentials}@{host}:{port}/{database}"
