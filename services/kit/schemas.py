"""The project base models: inputs forbid unknown fields, outputs read from ORM objects."""

from pydantic import BaseModel, ConfigDict


class Schema(BaseModel):
    """A response shape (`X`)."""

    model_config = ConfigDict(from_attributes=True)


class InputSchema(BaseModel):
    """A request shape (`XCreate`, `XUpdate`): an unknown field is an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
