"""The organization tree's shapes: create, update, move, merge, dissolve; an organization, the
whole state its `org.*` events carry, and a row of its history."""

import uuid
from datetime import date, datetime
from typing import Any

from pydantic import ConfigDict, Field

from services.kit.schemas import InputSchema, Schema
from services.orgs.enums import HistoryChange, OrgKind, OrgStatus, OrgTier, Setting
from services.orgs.schemas.common import NAME_MAX, Name


class OrgCreate(InputSchema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "中共青山镇柳河村委员会",
                    "code": "LH01",
                    "kind": OrgKind.committee,
                    "tier": OrgTier.community,
                    "parent_id": "0e5a2c1b-7d3f-4b8e-9c6a-2f1d3e4b5a60",
                    "community_id": "3a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d",
                    "established_on": "2021-03-15",
                }
            ]
        }
    )

    name: str = Name
    code: str | None = Field(default=None, min_length=1, max_length=64)
    kind: OrgKind
    tier: OrgTier
    parent_id: uuid.UUID | None = None
    community_id: uuid.UUID | None = None
    established_on: date | None = None


class OrgUpdate(InputSchema):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"name": "中共青山镇柳河社区委员会", "established_on": "2021-04-01"}]}
    )

    name: str | None = Field(default=None, min_length=1, max_length=NAME_MAX)
    code: str | None = Field(default=None, min_length=1, max_length=64)
    kind: OrgKind | None = None
    established_on: date | None = None


class OrgMove(InputSchema):
    model_config = ConfigDict(json_schema_extra={"examples": [{"parent_id": "0e5a2c1b-7d3f-4b8e-9c6a-2f1d3e4b5a60"}]})

    parent_id: uuid.UUID


class OrgMerge(InputSchema):
    model_config = ConfigDict(json_schema_extra={"examples": [{"into_id": "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"}]})

    into_id: uuid.UUID


class OrgDissolve(InputSchema):
    model_config = ConfigDict(json_schema_extra={"examples": [{"dissolved_on": "2026-06-30"}]})

    dissolved_on: date | None = None


class Org(Schema):
    id: uuid.UUID
    name: str
    code: str | None
    kind: OrgKind
    tier: OrgTier
    parent_id: uuid.UUID | None
    community_id: uuid.UUID | None
    setting: Setting | None
    status: OrgStatus
    merged_into_id: uuid.UUID | None
    established_on: date | None
    dissolved_on: date | None
    version: int


class OrgSnapshot(Schema):
    """What `org.*` events carry: the node's whole state, for replicas elsewhere."""

    id: uuid.UUID
    parent_id: uuid.UUID | None
    path: str
    version: int
    name: str
    code: str | None
    kind: OrgKind
    tier: OrgTier
    status: OrgStatus
    community_id: uuid.UUID | None
    setting: Setting | None
    merged_into_id: uuid.UUID | None
    established_on: date | None
    dissolved_on: date | None


class OrgHistoryEntry(Schema):
    id: int
    org_id: uuid.UUID
    at: datetime
    actor: str
    change: HistoryChange
    before: dict[str, Any] | None
    after: dict[str, Any] | None
