"""An activity: what is planned or logged, and the snapshot its events carry."""

import uuid
from datetime import date, datetime

from pydantic import AwareDatetime, ConfigDict, Field

from services.activities.enums import ActivityStatus, ActivityType
from services.activities.schemas.common import Code
from services.kit.schemas import InputSchema, Schema


class ActivityCreate(InputSchema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "org_id": "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
                    "type": ActivityType.study_day,
                    "title": "三月主題黨日:學習村規民約修訂草案",
                    "starts_at": "2026-03-10T09:00:00+08:00",
                    "ends_at": "2026-03-10T11:30:00+08:00",
                    "location": "柳河社區黨群服務中心二樓會議室",
                    "venue_id": "3f2a1b0c-9d8e-4f7a-b6c5-d4e3f2a1b0c9",
                    "host_member_id": "5d6e7f80-9a1b-4c2d-8e3f-4a5b6c7d8e9f",
                    "content": "傳達鎮黨委會議精神,逐條討論村規民約修訂草案。",
                    "status": ActivityStatus.planned,
                }
            ]
        }
    )

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
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "status": ActivityStatus.held,
                    "decisions": "通過村規民約修訂草案,提交居民代表會議表決。",
                    "ends_at": "2026-03-10T11:45:00+08:00",
                }
            ]
        }
    )

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
