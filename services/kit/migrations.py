"""The body of every service's Alembic `env.py`: its own schema, its own version table.

The include filter admits only the service's schema, so autogenerate never proposes to drop
another service's tables that share the PostgreSQL database. The schema is created before
Alembic configures itself (Alembic does not create `version_table_schema`); on SQLite the
service file is attached under the schema name by `kit.db.make_engine`, and batch mode is on.

On PostgreSQL some tables are partitioned (`kit.partitions`): their partitions are not models,
and a unique constraint there must also hold the partition key, so the database's has one column
more than the model's. The comparison leaves out exactly those two differences.
"""

import asyncio
from typing import Any

from alembic import context
from sqlalchemy import MetaData, text
from sqlalchemy.engine import Connection

from services.kit.db import make_engine
from services.kit.partitions import is_partition_name


def _partition_keys(connection: Connection, schema: str) -> dict[str, set[str]]:
    """The schema's partitioned tables and their partition key columns (PostgreSQL)."""
    if connection.dialect.name != "postgresql":
        return {}
    rows = connection.execute(
        text(
            "SELECT c.relname, a.attname FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY(p.partattrs) WHERE n.nspname = :schema"
        ),
        {"schema": schema},
    )
    keys: dict[str, set[str]] = {}
    for table, column in rows:
        keys.setdefault(table, set()).add(column)
    return keys


def _widened_for_partitioning(model: Any, reflected: Any, keys: dict[str, set[str]]) -> bool:
    """A unique constraint the database holds with the partition key added."""
    key = keys.get(model.table.name)
    if not key or reflected is None:
        return False
    return {c.name for c in reflected.columns} == {c.name for c in model.columns} | key


def run_migrations(metadata: MetaData, url: str) -> None:
    schema = metadata.schema
    assert schema, "a service's metadata must name its schema"
    config = context.config
    url = config.attributes.get("database_url") or url

    def include_name(name: str | None, type_: str, _parents: Any) -> bool:
        return name == schema if type_ == "schema" else True

    def configure_and_run(connection: Connection) -> None:
        keys = _partition_keys(connection, str(schema))

        def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
            if type_ == "table" and reflected and compare_to is None and name and is_partition_name(name):
                return False
            widened = type_ == "unique_constraint" and not reflected and _widened_for_partitioning(obj, compare_to, keys)
            return not widened

        if connection.dialect.name == "postgresql":
            # Provisioned deployments hand each role its schema and no CREATE on the database,
            # so look before creating (IF NOT EXISTS still needs the privilege).
            exists = connection.scalar(text("SELECT 1 FROM pg_namespace WHERE nspname = :name"), {"name": str(schema)})
            if not exists:
                connection.execute(text(f'CREATE SCHEMA "{schema}"'))
            connection.commit()
        context.configure(
            connection=connection,
            target_metadata=metadata,
            version_table_schema=schema,
            include_schemas=True,
            include_name=include_name,
            include_object=include_object,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()

    async def run() -> None:
        # With the service's schema on the search path Alembic would reflect it as the unnamed
        # default schema and no longer match it to the models; pg_catalog keeps it named.
        engine = make_engine(url, schema, pool_size=1, search_path="pg_catalog")
        try:
            async with engine.connect() as connection:
                await connection.run_sync(configure_and_run)
        finally:
            await engine.dispose()

    if context.is_offline_mode():
        context.configure(
            url=url, target_metadata=metadata, version_table_schema=schema, include_schemas=True, include_name=include_name
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    asyncio.run(run())
