"""The orgs schema's declarative base, and what every versioned row carries."""

from datetime import UTC, datetime

from sqlalchemy import (
    DateTime,
    Integer,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.kit.db import make_metadata
from services.orgs.settings import SCHEMA


def _now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = make_metadata(SCHEMA)


class Versioned:
    """Every row another service may hold a copy of carries a version, +1 on each change."""

    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, onupdate=_now)
