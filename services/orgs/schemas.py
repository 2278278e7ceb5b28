"""The orgs service's public shapes."""

import uuid
from datetime import date
from enum import StrEnum

from pydantic import Field

from services.kit.schemas import InputSchema, Schema


class OrgKind(StrEnum):
    committee = "committee"
    general_branch = "general_branch"
    branch = "branch"
    joint_branch = "joint_branch"
    group = "group"


class OrgTier(StrEnum):
    county = "county"
    township = "township"
    community = "community"
    inner = "inner"
    unit = "unit"


class OrgStatus(StrEnum):
    active = "active"
    dissolved = "dissolved"


class OrgCreate(InputSchema):
    name: str = Field(min_length=1, max_length=200)
    code: str | None = Field(default=None, min_length=1, max_length=64)
    kind: OrgKind
    tier: OrgTier
    parent_id: uuid.UUID | None = None
    community_id: uuid.UUID | None = None
    established_on: date | None = None


class OrgMove(InputSchema):
    parent_id: uuid.UUID


class Org(Schema):
    id: uuid.UUID
    name: str
    code: str | None
    kind: OrgKind
    tier: OrgTier
    parent_id: uuid.UUID | None
    community_id: uuid.UUID | None
    status: OrgStatus
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
    kind: OrgKind
    tier: OrgTier
    status: OrgStatus
    community_id: uuid.UUID | None
