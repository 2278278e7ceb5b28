"""An activity: what is planned or logged, and the snapshot its events carry."""

import uuid
from datetime import date, datetime

from pydantic import AwareDatetime, Field

from services.activities.enums import ActivityStatus
from services.activities.schemas.common import Code
from services.kit.schemas import InputSchema, Schema


class ActivityCreate(InputSchema):
    org_id: uuid.UUID
    type: str = Code
    title: str = Field(min_length=1, max_length=200)
    starts_at: AwareDatetime
    ends_at: AwareDatetime | None = None
    location: str | None = Field(default=None, max_length=300)
    venue_id: uuid.UUID | None = None
    host_member_id: uuid.UUID | None = None
    content: str | None = Field(default=None, max_length=20000)
    decisions: str | None = Field(default=None, max_length=20000)
    campaign: str | None = Field(default=None, max_length=64)
    unit_ids: list[uuid.UUID] = Field(default_factory=list, max_length=500)
    served_member_id: uuid.UUID | None = None
    expected_member_ids: list[uuid.UUID] | None = Field(default=None, max_length=5000)
    status: ActivityStatus = ActivityStatus.planned


class ActivityUpdate(InputSchema):
    type: str | None = Field(default=None, min_length=1, max_length=64, pattern=r"^[a-z_]+$")
    title: str | None = Field(default=None, min_length=1, max_length=200)
    starts_at: AwareDatetime | None = None
    ends_at: AwareDatetime | None = None
    location: str | None = Field(default=None, max_length=300)
    venue_id: uuid.UUID | None = None
    host_member_id: uuid.UUID | None = None
    content: str | None = Field(default=None, max_length=20000)
    decisions: str | None = Field(default=None, max_length=20000)
    campaign: str | None = Field(default=None, max_length=64)
    unit_ids: list[uuid.UUID] | None = Field(default=None, max_length=500)
    served_member_id: uuid.UUID | None = None
    status: ActivityStatus | None = None


class Activity(Schema):
    id: uuid.UUID
    org_id: uuid.UUID
    type: str
    title: str
    starts_at: datetime
    ends_at: datetime | None
    starts_on: date | None
    location: str | None
    venue_id: uuid.UUID | None
    host_member_id: uuid.UUID | None
    content: str | None
    decisions: str | None
    campaign: str | None
    unit_ids: list[uuid.UUID]
    served_member_id: uuid.UUID | None
    expected_member_ids: list[uuid.UUID] | None
    status: ActivityStatus
    version: int
    created_at: datetime


class ActivitySnapshot(Schema):
    """What `activity.*` events carry (contracts.md)."""

    id: uuid.UUID
    version: int
    org_id: uuid.UUID
    type: str
    title: str
    starts_at: datetime
    ends_at: datetime | None
    status: ActivityStatus
