"""Tables of the activities schema, with the local replica of the organization tree."""

import uuid
from datetime import UTC, datetime

from sqlalchemy import Column, DateTime, String, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.activities.settings import SCHEMA
from services.kit.consumer import cursor_table
from services.kit.db import make_metadata
from services.kit.outbox import outbox_table
from services.kit.replica import tree_replica_table


def _now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = make_metadata(SCHEMA)


class Activity(Base):
    """An activity held by an organization; its full set of fields comes with the activities work."""

    __tablename__ = "activities"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    org_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    type: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


# The organization tree as the orgs service publishes it (see events.py).
org_replica = tree_replica_table(
    Base.metadata,
    "org_replica",
    Column("name", String(200), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("tier", String(32), nullable=False),
    Column("status", String(16), nullable=False),
    Column("community_id", Uuid, nullable=True),
)
outbox = outbox_table(Base.metadata)
consumer_cursors = cursor_table(Base.metadata)
