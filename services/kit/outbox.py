"""Transactional outbox and the ordered feed that other services read it through.

`record_event` stages an event in the caller's session; the session writes it when it commits,
in the same transaction as the change, so an event exists exactly when the change does. Which
sessions do so is said where they are made: `kit.db.Database` registers `write_on_commit` on the
session class of the sessions it hands out (no listener is attached to SQLAlchemy's own `Session`).

The feed hands events out by sequence number, and sequence numbers are taken in commit order:
on PostgreSQL the staged events are written under a transaction-scoped advisory lock that is
held from the moment the numbers are taken until the commit is visible, so no transaction can
take a lower number and commit later — a reader's cursor never jumps past an event still to
come, however long some transaction takes to commit. (A reader-side "horizon" on the oldest
running transaction was tried first; PostgreSQL's horizon spans every database on the server,
so one long transaction anywhere stalled every feed.) On SQLite writers are serialized anyway.
Staging to the commit also keeps the lock short: it covers the insert and the commit only.
"""

import uuid
import zlib
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar, overload
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import BaseModel
from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    ColumnElement,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    Uuid,
    cast,
    event,
    func,
    insert,
    literal,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from services.kit.auth import SERVICE_ROLE, require_roles, require_scope
from services.kit.db import ReadSessionDep
from services.kit.problems import Problem

EVENTS_READ_SCOPE = "events:read"
FEED_MAX_LIMIT = 500


def outbox_table(metadata: MetaData) -> Table:
    table = Table(
        "outbox",
        metadata,
        Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
        Column("txid", BigInteger, nullable=False),
        Column("event_id", Uuid, nullable=False, unique=True),
        Column("type", String(100), nullable=False),
        Column("aggregate_id", Uuid, nullable=False),
        Column("payload", JSON, nullable=False),
        Column("occurred_at", DateTime(timezone=True), nullable=False),
    )
    Index("ix_outbox_txid_seq", table.c.txid, table.c.seq)
    return table


_STAGED = "kit.outbox.staged"


def _txid(session: Session) -> Any:
    # Kept for tracing an event to the transaction that wrote it; the feed orders by `seq`.
    if session.get_bind().dialect.name == "postgresql":
        return cast(cast(func.pg_current_xact_id(), Text), BigInteger)
    return literal(0)


async def record_event(session: AsyncSession, table: Table, *, type: str, aggregate_id: UUID, payload: dict[str, Any]) -> UUID:
    """Stage an event; it is written by the session's commit, in the same transaction."""
    event_id = uuid.uuid4()
    row = {
        "event_id": event_id,
        "type": type,
        "aggregate_id": aggregate_id,
        "payload": payload,
        "occurred_at": datetime.now(UTC),
    }
    session.sync_session.info.setdefault(_STAGED, []).append((table, row))
    return event_id


def _lock_key(table: Table) -> int:
    return zlib.crc32(f"outbox:{table.fullname}".encode())


async def hold_sequence_lock(session: AsyncSession, table: Table) -> None:
    """Take the outbox's sequence lock until the end of the transaction (PostgreSQL).

    For code that writes outbox rows itself (a bulk COPY) instead of through `record_event`:
    take it right before writing them, so their numbers too follow commit order.
    """
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(select(func.pg_advisory_xact_lock(_lock_key(table))))


def write_staged_events(session: Session) -> None:
    """Write the staged events now (the commit does this; tests call it to hold the lock)."""
    staged: list[tuple[Table, dict[str, Any]]] = session.info.pop(_STAGED, [])
    if not staged:
        return
    if session.get_bind().dialect.name == "postgresql":
        for key in sorted({_lock_key(table) for table, _ in staged}):
            session.execute(select(func.pg_advisory_xact_lock(key)))
    for table, row in staged:
        session.execute(insert(table).values(txid=_txid(session), **row))


def _drop_staged_events(session: Session, _previous_transaction: Any) -> None:
    session.info.pop(_STAGED, None)


def write_on_commit(session_class: type[Session]) -> None:
    """Make every session of `session_class` write its staged events when it commits (and drop
    them when it rolls back). `kit.db.Database` calls this for the session class of its sessions."""
    event.listen(session_class, "before_commit", write_staged_events)
    event.listen(session_class, "after_soft_rollback", _drop_staged_events)


class FeedEvent(BaseModel):
    cursor: str
    id: UUID
    type: str
    aggregate_id: UUID
    payload: dict[str, Any]
    occurred_at: datetime


class FeedPage(BaseModel):
    events: list[FeedEvent]
    next_cursor: str


START = "0"


def parse_feed_cursor(cursor: str) -> int:
    try:
        return int(cursor)
    except ValueError:
        raise Problem(400, "The feed cursor must be the sequence number of an event", slug="invalid-cursor") from None


PageT = TypeVar("PageT", bound=BaseModel)


@overload
async def read_feed(session: AsyncSession, table: Table, after: str, limit: int) -> FeedPage: ...


@overload
async def read_feed(
    session: AsyncSession, table: Table, after: str, limit: int, *, where: Sequence[ColumnElement[bool]], page: type[PageT]
) -> PageT: ...


async def read_feed(
    session: AsyncSession,
    table: Table,
    after: str,
    limit: int,
    *,
    where: Sequence[ColumnElement[bool]] = (),
    page: type[BaseModel] = FeedPage,
) -> BaseModel:
    """One page of a feed: the rows of `table` numbered (`seq`) after the cursor `after` that match
    `where`, in order, as `page`'s events — each row's columns with its `cursor` and its `id` (the
    `event_id`) — and the cursor to read on from, the same when nothing was new.

    A service's outbox is read so (`feed_router`), and the gateway's event log (filtered to what
    the caller may see, into its public shapes)."""
    stmt = select(table).where(table.c.seq > parse_feed_cursor(after), *where).order_by(table.c.seq).limit(limit)
    rows = (await session.execute(stmt)).mappings().all()
    events = [{**row, "cursor": str(row["seq"]), "id": row["event_id"]} for row in rows]
    return page.model_validate({"events": events, "next_cursor": events[-1]["cursor"] if events else after})


def feed_router(table: Table, *, include_in_schema: bool = True) -> APIRouter:
    """`GET /internal/events`: the service's events in order, for other services' consumers (left
    out of the OpenAPI document where that document is the public API's: the gateway's)."""
    router = APIRouter(tags=["internal"], include_in_schema=include_in_schema)

    @router.get(
        "/internal/events", response_model=FeedPage, dependencies=[require_roles(SERVICE_ROLE), require_scope(EVENTS_READ_SCOPE)]
    )
    async def events(
        session: ReadSessionDep,
        after: Annotated[str, Query(max_length=64)] = START,
        limit: Annotated[int, Query(ge=1, le=FEED_MAX_LIMIT)] = 100,
    ) -> FeedPage:
        return await read_feed(session, table, after, limit)

    return router
