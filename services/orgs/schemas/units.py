"""Shapes of community units, co-building agreements, responsibility zones and posts."""

import uuid
from datetime import date

from pydantic import Field, model_validator

from services.kit.schemas import InputSchema, Schema
from services.orgs.enums import UnitCategory, ZoneKind
from services.orgs.schemas.common import NAME_MAX, TEXT_MAX, Name, check_range


class UnitCreate(InputSchema):
    community_id: uuid.UUID
    name: str = Name
    category: UnitCategory
    party_org_id: uuid.UUID | None = None


class UnitUpdate(InputSchema):
    name: str | None = Field(default=None, min_length=1, max_length=NAME_MAX)
    category: UnitCategory | None = None
    party_org_id: uuid.UUID | None = None


class Unit(Schema):
    id: uuid.UUID
    community_id: uuid.UUID
    name: str
    category: UnitCategory
    party_org_id: uuid.UUID | None
    version: int


class CoBuildingCreate(InputSchema):
    unit_id: uuid.UUID
    community_id: uuid.UUID
    started_on: date
    ends_on: date | None = None
    content: str = Field(min_length=1, max_length=TEXT_MAX)

    @model_validator(mode="after")
    def _range(self) -> "CoBuildingCreate":
        check_range(self.started_on, self.ends_on, "ends_on")
        return self


class CoBuilding(Schema):
    id: uuid.UUID
    unit_id: uuid.UUID
    community_id: uuid.UUID
    started_on: date
    ends_on: date | None
    content: str
    version: int


class ZoneCreate(InputSchema):
    org_id: uuid.UUID = Field(description="The organization responsible for the zone")
    kind: ZoneKind
    name: str = Name
    unit_id: uuid.UUID | None = None
    description: str | None = Field(default=None, max_length=TEXT_MAX)


class Zone(Schema):
    id: uuid.UUID
    org_id: uuid.UUID
    kind: ZoneKind
    name: str
    unit_id: uuid.UUID | None
    description: str | None
    version: int


class PostHolderCreate(InputSchema):
    member_id: uuid.UUID
    since: date
    until: date | None = None

    @model_validator(mode="after")
    def _range(self) -> "PostHolderCreate":
        check_range(self.since, self.until, "until")
        return self


class PostCreate(InputSchema):
    org_id: uuid.UUID
    zone_id: uuid.UUID | None = None
    name: str = Name
    duties: str | None = Field(default=None, max_length=TEXT_MAX)
    holders: list[PostHolderCreate] = Field(default_factory=list, max_length=100)


class PostHolder(Schema):
    member_id: uuid.UUID
    since: date
    until: date | None


class Post(Schema):
    id: uuid.UUID
    org_id: uuid.UUID
    zone_id: uuid.UUID | None
    name: str
    duties: str | None
    holders: list[PostHolder]
    version: int
