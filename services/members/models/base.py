"""The members schema's declarative base, and the helpers its tables share."""

from collections.abc import Iterable
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy.orm import DeclarativeBase

from services.kit.db import make_metadata
from services.members.settings import SCHEMA


def sql_codes(codes: Iterable[StrEnum]) -> str:
    """Codes as an SQL list (`'left', 'deceased'`), for the conditions of partial indexes."""
    return ", ".join(f"'{code.value}'" for code in codes)


def now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = make_metadata(SCHEMA)
