"""Transactional outbox and the ordered feed that other services read it through.

`record_event` adds an event row in the caller's transaction, so an event exists exactly when
the change does. The feed orders events by (transaction id, sequence) and, on PostgreSQL, only
hands out events of transactions older than every transaction still running: a transaction that
took a lower sequence number but commits late is therefore never overtaken, and a reader's
cursor never jumps past it. On SQLite writers are serialized, so the sequence alone is the
commit order and the transaction id is 0.
"""

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import BaseModel
from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    Uuid,
    cast,
    func,
    insert,
    literal,
    select,
    tuple_,
)
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.auth import require_scope
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


def _current_txid(session: AsyncSession) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        return cast(cast(func.pg_current_xact_id(), Text), BigInteger)
    return literal(0)


async def record_event(session: AsyncSession, table: Table, *, type: str, aggregate_id: UUID, payload: dict[str, Any]) -> UUID:
    """Add an event to the outbox inside the caller's transaction (never commits)."""
    event_id = uuid.uuid4()
    await session.execute(
        insert(table).values(
            txid=_current_txid(session),
            event_id=event_id,
            type=type,
            aggregate_id=aggregate_id,
            payload=payload,
            occurred_at=datetime.now(UTC),
        )
    )
    return event_id


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


START = "0.0"


def parse_feed_cursor(cursor: str) -> tuple[int, int]:
    try:
        txid, seq = cursor.split(".")
        return int(txid), int(seq)
    except ValueError:
        raise Problem(400, "The feed cursor must look like '<txid>.<seq>'", slug="invalid-cursor") from None


async def read_feed(session: AsyncSession, table: Table, after: str, limit: int) -> FeedPage:
    after_txid, after_seq = parse_feed_cursor(after)
    stmt = select(table).where(tuple_(table.c.txid, table.c.seq) > tuple_(literal(after_txid), literal(after_seq)))
    if session.get_bind().dialect.name == "postgresql":
        # Only transactions that can no longer commit: older than the oldest one still running.
        horizon = cast(cast(func.pg_snapshot_xmin(func.pg_current_snapshot()), Text), BigInteger)
        stmt = stmt.where(table.c.txid < horizon)
    rows = (await session.execute(stmt.order_by(table.c.txid, table.c.seq).limit(limit))).all()
    events = [
        FeedEvent(
            cursor=f"{row.txid}.{row.seq}",
            id=row.event_id,
            type=row.type,
            aggregate_id=row.aggregate_id,
            payload=row.payload,
            occurred_at=row.occurred_at,
        )
        for row in rows
    ]
    return FeedPage(events=events, next_cursor=events[-1].cursor if events else after)


def feed_router(table: Table) -> APIRouter:
    """`GET /internal/events`: the service's events in order, for other services' consumers."""
    router = APIRouter(tags=["internal"])

    @router.get("/internal/events", response_model=FeedPage, dependencies=[require_scope(EVENTS_READ_SCOPE)])
    async def events(
        session: ReadSessionDep,
        after: Annotated[str, Query(max_length=64)] = START,
        limit: Annotated[int, Query(ge=1, le=FEED_MAX_LIMIT)] = 100,
    ) -> FeedPage:
        return await read_feed(session, table, after, limit)

    return router
