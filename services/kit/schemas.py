"""The project base models: inputs forbid unknown fields, outputs read from ORM objects."""

import types
from datetime import UTC, datetime
from typing import Any, ClassVar, Self, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, field_validator, model_validator


class Schema(BaseModel):
    """A response shape (`X`)."""

    model_config = ConfigDict(from_attributes=True)
    # The fields holding an instant (a `datetime`, optional or not), found once per class.
    _instants: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        cls._instants = tuple(name for name, field in cls.model_fields.items() if _holds_datetime(field.annotation))

    @model_validator(mode="after")
    def _instants_with_offset(self) -> Self:
        # SQLite gives back the UTC instants it stored without their offset; an answer's
        # date-time always carries one (RFC 3339, as the OpenAPI description says).
        for name in self._instants:
            value = self.__dict__[name]
            if isinstance(value, datetime) and value.tzinfo is None:
                self.__dict__[name] = value.replace(tzinfo=UTC)
        return self


def _holds_datetime(annotation: Any) -> bool:
    if annotation is datetime:
        return True
    return get_origin(annotation) in (Union, types.UnionType) and datetime in get_args(annotation)


class InputSchema(BaseModel):
    """A request shape (`XCreate`, `XUpdate`): an unknown field is an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul_character(cls, value: Any) -> Any:
        # PostgreSQL's text and jsonb hold no NUL character (it was a 500 there, and stored on SQLite).
        if _holds_nul(value):
            raise ValueError("a NUL character (U+0000) is not allowed")
        return value


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, (list, tuple, set, frozenset)):
        return any(_holds_nul(item) for item in value)
    if isinstance(value, dict):
        return any(_holds_nul(key) or _holds_nul(item) for key, item in value.items())
    return False
