"""The project base models: inputs forbid unknown fields, outputs read from ORM objects."""

import types
from datetime import UTC, datetime
from typing import Any, ClassVar, Self, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError


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
    # The fields holding other input models, which look at their own input (found once per class).
    _nested_inputs: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        cls._nested_inputs = frozenset(name for name, field in cls.model_fields.items() if _holds_input(field.annotation))

    @model_validator(mode="before")
    @classmethod
    def _no_nul_character(cls, data: Any) -> Any:
        # PostgreSQL's text and jsonb hold no NUL character (it was a 500 there, and stored on
        # SQLite). One look at the whole input, not a validator per field: an import validates
        # a hundred thousand rows, and fifteen calls a row were half of their validation.
        if isinstance(data, dict):
            with_nul = [
                name
                for name, value in data.items()
                if ("\x00" in value if isinstance(value, str) else value is not None and _holds_nul(value))
                and name not in cls._nested_inputs
            ]
            if with_nul:
                raise ValidationError.from_exception_data(
                    cls.__name__,
                    [InitErrorDetails(type=_NUL_ERROR, loc=(name,), input=data[name]) for name in with_nul],
                )
        return data


def _holds_input(annotation: Any) -> bool:
    if isinstance(annotation, type) and issubclass(annotation, InputSchema):
        return True
    return any(_holds_input(arg) for arg in get_args(annotation))


_NUL_ERROR = PydanticCustomError("nul_character", "a NUL character (U+0000) is not allowed")


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, (list, tuple, set, frozenset)):
        return any(_holds_nul(item) for item in value)
    if isinstance(value, dict):
        return any(_holds_nul(key) or _holds_nul(item) for key, item in value.items())
    return False
