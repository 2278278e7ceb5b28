"""Shapes of community units, co-building agreements, responsibility zones and posts."""

import uuid
from datetime import date

from pydantic import ConfigDict, Field, model_validator

from services.kit.schemas import InputSchema, Schema
from services.orgs.enums import UnitCategory, ZoneKind
from services.orgs.schemas.common import NAME_MAX, TEXT_MAX, Name, check_range


class UnitCreate(InputSchema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "community_id": "3a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d",
                    "name": "青山镇柳河小学",
                    "category": UnitCategory.school,
                    "party_org_id": "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
                }
            ]
        }
    )

    community_id: uuid.UUID
    name: str = Name
    category: UnitCategory
    party_org_id: uuid.UUID | None = None


class UnitUpdate(InputSchema):
    model_config = ConfigDict(json_schema_extra={"examples": [{"name": "青山镇柳河中心小学"}]})

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
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "unit_id": "c4d5e6f7-a8b9-4c0d-9e1f-2a3b4c5d6e7f",
                    "community_id": "3a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d",
                    "started_on": "2025-09-01",
                    "ends_on": "2026-08-31",
                    "content": "共建党员活动室; 每月一次联合主题党日",
                }
            ]
        }
    )

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
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "org_id": "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
                    "kind": ZoneKind.resident_group_zone,
                    "name": "柳河一组责任区",
                    "description": "一、二村民小组",
                }
            ]
        }
    )

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
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"member_id": "5d6e7f80-9a1b-4c2d-8e3f-4a5b6c7d8e9f", "since": "2025-01-01"}]}
    )

    member_id: uuid.UUID
    since: date
    until: date | None = None

    @model_validator(mode="after")
    def _range(self) -> "PostHolderCreate":
        check_range(self.since, self.until, "until")
        return self


class PostCreate(InputSchema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "org_id": "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
                    "zone_id": "e7f80a1b-2c3d-4e5f-8a6b-7c8d9e0f1a2b",
                    "name": "环境卫生监督岗",
                    "duties": "每周巡查一次公共区域卫生",
                    "holders": [{"member_id": "5d6e7f80-9a1b-4c2d-8e3f-4a5b6c7d8e9f", "since": "2025-01-01"}],
                }
            ]
        }
    )

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
