"""What the areas' shapes share: the pattern of a dictionary code, and the work lists."""

from datetime import date
from typing import Generic, TypeVar

from pydantic import Field

from services.kit.schemas import Schema

T = TypeVar("T")
# A code of a dictionary that may grow (activity types, indicators): lower-case words.
Code = Field(min_length=1, max_length=64, pattern=r"^[a-z_]+$")


class WorkList(Schema, Generic[T]):
    as_of: date
    items: list[T]
    next_cursor: str | None = None
