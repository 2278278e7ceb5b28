"""The body of every service's Alembic `env.py`: its own schema, its own version table.

The include filter admits only the service's schema, so autogenerate never proposes to drop
another service's tables that share the PostgreSQL database. The schema is created before
Alembic configures itself (Alembic does not create `version_table_schema`); on SQLite the
service file is attached under the schema name by `kit.db.make_engine`, and batch mode is on.
"""

import asyncio
from typing import Any

from alembic import context
from sqlalchemy import MetaData, text
from sqlalchemy.engine import Connection

from services.kit.db import make_engine


def run_migrations(metadata: MetaData, url: str) -> None:
    schema = metadata.schema
    assert schema, "a service's metadata must name its schema"
    config = context.config
    url = config.attributes.get("database_url") or url

    def include_name(name: str | None, type_: str, _parents: Any) -> bool:
        return name == schema if type_ == "schema" else True

    def configure_and_run(connection: Connection) -> None:
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
