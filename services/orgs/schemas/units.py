"""Shapes of community units, co-building agreements, responsibility zones and posts."""

import uuid
from datetime import date, datetime
from typing import Any

from pydantic import ConfigDict, Field, model_validator

from services.kit.schemas import InputSchema, Schema
from services.orgs.enums import CoBuildingChange, UnitCategory, ZoneKind
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
    ended_on: date | None = None
    end_reason: str | None = None
    version: int


class CoBuildingAmend(InputSchema):
    """An amendment: the fields given replace the agreement's (the version before is kept)."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"ends_on": "2027-08-31", "content": "共建党员活动室; 结对帮扶困难党员"}]}
    )

    started_on: date | None = None
    ends_on: date | None = None
    content: str | None = Field(default=None, min_length=1, max_length=TEXT_MAX)


class CoBuildingEnd(InputSchema):
    model_config = ConfigDict(json_schema_extra={"examples": [{"ended_on": "2026-05-31", "reason": "单位搬迁出社区"}]})

    ended_on: date = Field(description="The agreement's last day")
    reason: str = Field(min_length=1, max_length=TEXT_MAX)


class CoBuildingRevision(Schema):
    """The agreement as it stood in `version`, before the `change` that made the next version."""

    version: int
    change: CoBuildingChange
    before: dict[str, Any]
    after: dict[str, Any]
    at: datetime
    actor: str


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
    closed_on: date | None = None
    close_reason: str | None = None
    version: int


class PostHolderChange(InputSchema):
    """A new holder from `since`; the holding of `replaces_member_id` (if named) ends the day before."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "member_id": "7b8c9d0e-1f2a-4b3c-9d4e-5f6a7b8c9d0e",
                    "since": "2026-04-01",
                    "replaces_member_id": "5d6e7f80-9a1b-4c2d-8e3f-4a5b6c7d8e9f",
                }
            ]
        }
    )

    member_id: uuid.UUID
    since: date
    replaces_member_id: uuid.UUID | None = Field(
        default=None, description="The holder whose holding ends the day before `since`; left out: held alongside"
    )


class PostClose(InputSchema):
    model_config = ConfigDict(json_schema_extra={"examples": [{"closed_on": "2026-06-30", "reason": "责任区调整后合并"}]})

    closed_on: date = Field(description="The post's last day: every holding still open ends on it")
    reason: str | None = Field(default=None, max_length=TEXT_MAX)


class PostHolding(Schema):
    """A post a member holds or held (`GET /posts/holdings`)."""

    post_id: uuid.UUID
    org_id: uuid.UUID
    zone_id: uuid.UUID | None
    name: str
    duties: str | None
    post_closed_on: date | None
    member_id: uuid.UUID
    since: date
    until: date | None
