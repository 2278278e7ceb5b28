"""Keyset (cursor) pagination: stable at any depth, unlike OFFSET.

A list orders by a unique tuple of columns; the cursor is that tuple of the last row, opaque to
clients (base64 of JSON). `keyset_page` adds the WHERE, ORDER BY and LIMIT; `Page` is the one
response shape of every list: `{"items": [...], "next_cursor": "..." | null}`.
"""

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Annotated, Any, Generic, TypeVar
from uuid import UUID

from fastapi import Query
from pydantic import BaseModel
from sqlalchemy import Select, tuple_

from services.kit.problems import Problem
from services.kit.tree import ColumnLike

T = TypeVar("T")

DEFAULT_LIMIT = 50
MAX_LIMIT = 200

LimitQuery = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page")]
CursorQuery = Annotated[str | None, Query(max_length=512, description="`next_cursor` of the previous page")]


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


class InvalidCursor(Problem):
    def __init__(self) -> None:
        super().__init__(400, "The cursor is not one this list gave out", slug="invalid-cursor")


def encode_cursor(values: Sequence[Any]) -> str:
    raw = json.dumps([_plain(v) for v in values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, columns: Sequence[ColumnLike]) -> list[Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (binascii.Error, ValueError):
        raise InvalidCursor() from None
    if not isinstance(values, list) or len(values) != len(columns):
        raise InvalidCursor()
    try:
        return [_typed(value, column) for value, column in zip(values, columns, strict=True)]
    except (ValueError, TypeError):
        raise InvalidCursor() from None


def keyset_page(
    stmt: Select[Any], columns: Sequence[ColumnLike], cursor: str | None, limit: int, *, descending: bool = False
) -> Select[Any]:
    """One page of `stmt` in the order of `columns` (ascending, or all descending), one row more
    to see if it goes on. A cursor continues the walk in the order it was made in."""
    if cursor:
        after = decode_cursor(cursor, columns)
        beyond = tuple_(*columns) < tuple_(*after) if descending else tuple_(*columns) > tuple_(*after)
        stmt = stmt.where(beyond)
    return stmt.order_by(*(column.desc() if descending else column for column in columns)).limit(limit + 1)


def page_of(rows: Sequence[T], limit: int, key: Callable[[T], Sequence[Any]]) -> tuple[list[T], str | None]:
    """Split the extra row off and make the cursor of the last row shown."""
    items = list(rows[:limit])
    next_cursor = encode_cursor(key(items[-1])) if len(rows) > limit and items else None
    return items, next_cursor


def _plain(value: Any) -> Any:
    if isinstance(value, (UUID, date, datetime)):
        return value.isoformat() if not isinstance(value, UUID) else str(value)
    return value


def _typed(value: Any, column: ColumnLike) -> Any:
    python_type = column.type.python_type
    if value is None or isinstance(value, python_type):
        return value
    if python_type is UUID:
        return UUID(str(value))
    if python_type is datetime:
        return datetime.fromisoformat(str(value))
    if python_type is date:
        return date.fromisoformat(str(value))
    return python_type(value)
