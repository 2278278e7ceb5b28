"""Async engine and sessions: one schema per service, the same models on SQLite and PostgreSQL.

On SQLite the service's file is ATTACHed under the schema's name on every connection, so
`orgs.organizations` means the same table on both databases. Write sessions begin with
`BEGIN IMMEDIATE` on SQLite: a deferred transaction that reads and then writes can fail at once
with SQLITE_BUSY instead of waiting, and immediate transactions wait their turn instead.

One commit point per request: routes take `WriteSessionDep`, domain code only flushes, and the
dependency commits after the endpoint returns and before the response is sent (FastAPI's
function-scoped dependency), so a failed commit becomes an error response, never a lost 200.
"""

from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Annotated, Any
from weakref import WeakKeyDictionary

from fastapi import Depends, Request
from sqlalchemy import ColumnElement, MetaData, delete, event, insert, literal, select, text, true, update
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session
from sqlalchemy.pool import AsyncAdaptedQueuePool

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def make_metadata(schema: str) -> MetaData:
    """The one MetaData of a service: its schema and a naming convention for stable migrations."""
    return MetaData(schema=schema, naming_convention=NAMING_CONVENTION)


def is_sqlite(url: str | URL) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def make_engine(
    url: str, schema: str, *, pool_size: int = 10, statement_timeout_s: float = 10.0, search_path: str | None = None
) -> AsyncEngine:
    """An engine whose connections see the service's schema under its own name on both databases."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, schema, pool_size)
    return create_async_engine(
        parsed,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        pool_timeout=statement_timeout_s,
        connect_args={
            "timeout": statement_timeout_s,
            # A backstop a little after the server's own statement_timeout, which answers first.
            "command_timeout": statement_timeout_s + 1,
            "server_settings": {
                "search_path": search_path or str(schema),
                "application_name": f"dangjian-{schema}",
                # The server stops a runaway statement itself; command_timeout only stops waiting.
                "statement_timeout": str(int(statement_timeout_s * 1000)),
            },
        },
    )


def _sqlite_engine(parsed: URL, schema: str, pool_size: int) -> AsyncEngine:
    database = parsed.database or ""
    # The main database of each connection is a private in-memory one; the service's file is
    # attached under the schema name, which is what the models and migrations refer to.
    engine = create_async_engine(
        "sqlite+aiosqlite:///:memory:",
        poolclass=AsyncAdaptedQueuePool,
        pool_size=pool_size,
        max_overflow=0,
    )
    attached = database or ":memory:"

    @event.listens_for(engine.sync_engine, "connect")
    def _attach(dbapi_connection: Any, _record: Any) -> None:
        # Autocommit at the driver level; transactions are begun explicitly in `_begin`.
        dbapi_connection.isolation_level = None
        if attached != ":memory:":
            Path(attached).parent.mkdir(parents=True, exist_ok=True)
        cursor = dbapi_connection.cursor()
        cursor.execute(f"ATTACH DATABASE '{attached}' AS \"{schema}\"")
        cursor.execute("PRAGMA busy_timeout = 10000")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f'PRAGMA "{schema}".journal_mode = WAL')
        cursor.execute(f'PRAGMA "{schema}".synchronous = NORMAL')
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get("sqlite_immediate", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


# PostgreSQL's classes of "not reachable or gave up": connection exceptions (08), no connection
# slot left (53300), a statement cancelled by statement_timeout (57014), and the server shutting
# down or not yet up (57P01-57P03).
_UNAVAILABLE_SQLSTATES = ("08", "53300", "57014", "57P01", "57P02", "57P03")
# The exception classes among which `database_unavailable` picks (the problem handlers' keys).
DATABASE_ERRORS: tuple[type[Exception], ...] = (PoolTimeout, TimeoutError, ConnectionError, DBAPIError)


def database_unavailable(error: BaseException) -> bool:
    """Whether `error` means the database could not be reached or did not answer within its
    deadline (the pool wait, the connect timeout, the statement timeout) — for the caller a 503
    to retry, not a 500: nothing is wrong with the request or the code, and nothing was written."""
    if isinstance(error, PoolTimeout | TimeoutError | ConnectionError):
        return True
    if isinstance(error, DBAPIError):
        if error.connection_invalidated:
            return True
        original = error.orig
        if isinstance(original, TimeoutError | ConnectionError):
            return True
        sqlstate = str(getattr(original, "sqlstate", None) or getattr(original, "pgcode", None) or "")
        return sqlstate.startswith(_UNAVAILABLE_SQLSTATES)
    return False


async def is_citus(session: AsyncSession) -> bool:
    """Whether the session's database is a Citus coordinator (the extension is installed there):
    the few statements Citus cannot distribute as written take another form on it. Asked once
    per engine: the extension comes with the database, before the migrations, and statistics
    ask on every read."""
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        return False
    known = _CITUS_ENGINES.get(bind)
    if known is None:
        known = bool(await session.scalar(text("SELECT EXISTS (SELECT FROM pg_extension WHERE extname = 'citus')")))
        _CITUS_ENGINES[bind] = known
    return known


_CITUS_ENGINES: "WeakKeyDictionary[Any, bool]" = WeakKeyDictionary()


async def distribution_column(session: AsyncSession, table: str) -> str | None:
    """The column a Citus coordinator distributes `table` (schema-qualified) by, or None: not on
    Citus, a local or a reference table. Asked once per engine and table: a table is laid out
    before the services start (docs/scaling.md), and writes ask on every move."""
    if not await is_citus(session):
        return None
    bind = session.get_bind()
    held = _DISTRIBUTION_COLUMNS.setdefault(bind, {})
    if table not in held:
        held[table] = await session.scalar(
            text(
                "SELECT column_to_column_name(logicalrelid, partkey) FROM pg_dist_partition "
                "WHERE logicalrelid = to_regclass(:table) AND partkey IS NOT NULL"
            ),
            {"table": table},
        )
    return held[table]


_DISTRIBUTION_COLUMNS: "WeakKeyDictionary[Any, dict[str, str | None]]" = WeakKeyDictionary()


async def on_its_shard(session: AsyncSession, model: Any, row_id: Any) -> ColumnElement[bool]:
    """What a locking read of one row of `model` (a mapped class with an `id`) found by its id
    adds to its condition. Citus locks rows only in a query it routes to one shard, which takes
    the distribution column: where the table is distributed by another column than its id, that
    column's value (read first, without a lock); elsewhere nothing."""
    table = model.__table__
    column = await distribution_column(session, table.fullname)
    if column is None or column == "id":
        return true()
    value = await session.scalar(select(table.c[column]).where(table.c.id == row_id))
    return true() if value is None else table.c[column] == value


# Ids per statement of a move: well under every database's parameter limit.
_MOVE_CHUNK = 1000


async def move_rows(session: AsyncSession, model: Any, key: str, ids: Sequence[Any], *, column: str, value: Any) -> None:
    """The rows of `model` (a mapped class) whose `key` is one of `ids` given `value` in `column`:
    an UPDATE, or, where `column` is the table's distribution column on a Citus coordinator
    (which does not update it in place), a copy with the new value and a delete of the old rows
    (the keys hold the column, so both copies may exist until the delete). The session's objects
    of `model` read `column` again when next asked."""
    table = model.__table__
    copy = await distribution_column(session, table.fullname) == column
    for start in range(0, len(ids), _MOVE_CHUNK):
        rows = table.c[key].in_(ids[start : start + _MOVE_CHUNK]), table.c[column] != value
        if copy:
            names = [c.name for c in table.c]
            values = [literal(value, table.c[column].type) if name == column else table.c[name] for name in names]
            await session.execute(insert(table).from_select(names, select(*values).where(*rows)))
            await session.execute(delete(table).where(*rows))
        else:
            await session.execute(update(table).where(*rows).values({column: value}))
    for obj in session.identity_map.values():
        if isinstance(obj, model):
            session.expire(obj, [column])


def _session_class_with_outbox(schema: str) -> type[Session]:
    """The session class of one `Database`: the outbox's writing of staged events is registered
    on it, so that it applies to that database's sessions and is said where they are made."""
    # Imported here: the outbox's feed imports the kit's auth and problems, which import this module.
    from services.kit import outbox

    session_class = type(f"{schema.title()}Session", (Session,), {})
    outbox.write_on_commit(session_class)
    return session_class


class Database:
    """A service's engine with its two kinds of session: read (no commit) and write (one commit)."""

    def __init__(self, url: str, schema: str, *, pool_size: int = 10, statement_timeout_s: float = 10.0) -> None:
        self.url = url
        self.schema = schema
        self.engine = make_engine(url, schema, pool_size=pool_size, statement_timeout_s=statement_timeout_s)
        self.is_sqlite = is_sqlite(url)
        write_engine = self.engine.execution_options(sqlite_immediate=True) if self.is_sqlite else self.engine
        # The transactional outbox: this database's sessions write the events staged with
        # `outbox.record_event` when they commit, in the same transaction as the change.
        session_class = _session_class_with_outbox(schema)
        self.read_sessions = async_sessionmaker(
            self.engine, sync_session_class=session_class, expire_on_commit=False, autoflush=False
        )
        self.write_sessions = async_sessionmaker(
            write_engine, sync_session_class=session_class, expire_on_commit=False, autoflush=False
        )

    async def ping(self) -> None:
        async with self.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()


def database_of(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


async def _read_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with database_of(request).read_sessions() as session:
        yield session


async def _write_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with database_of(request).write_sessions() as session:
        yield session
        # Function scope: this runs after the endpoint returns and before the response is sent.
        await session.commit()


ReadSessionDep = Annotated[AsyncSession, Depends(_read_session, scope="function")]
WriteSessionDep = Annotated[AsyncSession, Depends(_write_session, scope="function")]
