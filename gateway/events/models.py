"""Tables of the gateway's event log, its org replica and webhook subscriptions (gateway schema)."""

import uuid
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, ForeignKey, Index, Integer, String, Table, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from gateway.enums import DeliveryStatus
from gateway.models import Base
from services.kit.consumer import cursor_table
from services.kit.replica import tree_replica_table
from services.kit.scheduler import scheduler_tables
from services.kit.tree import path_type


def _now() -> datetime:
    return datetime.now(UTC)


class EventRecord(Base):
    """One event of a service as other systems see it; `seq` is the gateway's own order."""

    __tablename__ = "event_log"

    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    event_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    source: Mapped[str] = mapped_column(String(32))
    type: Mapped[str] = mapped_column(String(100))
    # The OAuth2 scope a reader needs (`members:read` …): decided once, when the event arrives.
    read_scope: Mapped[str] = mapped_column(String(32))
    aggregate_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    org_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    # Where in the tree the event happened when it happened; readers see it if it lies in their subtree.
    org_path: Mapped[str | None] = mapped_column(path_type(), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class Subscription(Base):
    __tablename__ = "subscriptions"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    owner: Mapped[str] = mapped_column(String(200), index=True)  # the token subject that made it
    url: Mapped[str] = mapped_column(String(2000))
    event_types: Mapped[list[str]] = mapped_column(JSON)
    # The owner's read rights when subscribing: deliveries never show more than a pull would.
    read_scopes: Mapped[list[str]] = mapped_column(JSON)
    scope_org_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    secret: Mapped[str] = mapped_column(String(128))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class Delivery(Base):
    """One event due to one subscription: pending until delivered, parked when retries ran out."""

    __tablename__ = "deliveries"
    __table_args__ = (Index("ix_deliveries_queue", "subscription_id", "status", "event_seq"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    subscription_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("subscriptions.id", ondelete="CASCADE"))
    event_seq: Mapped[int] = mapped_column(BigInteger, ForeignKey("event_log.seq"))
    status: Mapped[str] = mapped_column(String(16), default=DeliveryStatus.pending, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    first_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(200))
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


# The log as a table: read as a feed (`kit.outbox.read_feed`), like a service's outbox.
event_log = cast(Table, EventRecord.__table__)
org_replica = tree_replica_table(Base.metadata, "org_replica")
consumer_cursors = cursor_table(Base.metadata)
scheduler = scheduler_tables(Base.metadata)
