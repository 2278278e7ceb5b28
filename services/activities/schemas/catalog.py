"""The activity type dictionary and the venues (活動陣地)."""

import uuid
from typing import Annotated

from pydantic import Field

from services.activities.enums import Frequency
from services.activities.schemas.common import Code
from services.kit.schemas import InputSchema, Schema


class ActivityTypeCreate(InputSchema):
    code: str = Code
    zh_hant: str = Field(min_length=1, max_length=100)
    zh_hans: str = Field(min_length=1, max_length=100)
    org_kinds: list[Annotated[str, Field(max_length=32)]] = Field(min_length=1, max_length=10)
    frequency: Frequency | None = None


class ActivityTypeOut(Schema):
    code: str
    zh_hant: str
    zh_hans: str
    org_kinds: list[str]
    frequency: Frequency | None
    builtin: bool


# ---------------------------------------------------------------- venues


class VenueCreate(InputSchema):
    org_id: uuid.UUID
    name: str = Field(min_length=1, max_length=200)
    address: str | None = Field(default=None, max_length=300)
    area_m2: int | None = Field(default=None, ge=0)
    capacity: int | None = Field(default=None, ge=0)


class VenueOut(Schema):
    id: uuid.UUID
    org_id: uuid.UUID
    name: str
    address: str | None
    area_m2: int | None
    capacity: int | None
