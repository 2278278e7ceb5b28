"""The organization tree's shapes: create, update, move, merge, dissolve; an organization, the
whole state its `org.*` events carry, and a row of its history."""

import uuid
from datetime import date, datetime
from typing import Any

from pydantic import Field

from services.kit.schemas import InputSchema, Schema
from services.orgs.enums import HistoryChange, OrgKind, OrgStatus, OrgTier, Setting
from services.orgs.schemas.common import NAME_MAX, Name


class OrgCreate(InputSchema):
    name: str = Name
    code: str | None = Field(default=None, min_length=1, max_length=64)
    kind: OrgKind
    tier: OrgTier
    parent_id: uuid.UUID | None = None
    community_id: uuid.UUID | None = None
    established_on: date | None = None


class OrgUpdate(InputSchema):
    name: str | None = Field(default=None, min_length=1, max_length=NAME_MAX)
    code: str | None = Field(default=None, min_length=1, max_length=64)
    kind: OrgKind | None = None
    established_on: date | None = None


class OrgMove(InputSchema):
    parent_id: uuid.UUID


class OrgMerge(InputSchema):
    into_id: uuid.UUID


class OrgDissolve(InputSchema):
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
