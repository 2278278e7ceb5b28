"""A member's own view (`/api/v1/me/...`), the activities part: the activities they were recorded
at with their attendance, and the self-study they submit."""

import uuid
from datetime import date, datetime
from decimal import Decimal

from pydantic import ConfigDict, Field

from services.activities.enums import ActivityStatus, AttendanceStatus
from services.kit.schemas import InputSchema, Schema


class OwnAttendance(Schema):
    status: AttendanceStatus
    reason: str | None
    hours: Decimal | None


class OwnActivity(Schema):
    """An activity the caller's attendance was recorded at, with that attendance."""

    id: uuid.UUID
    org_id: uuid.UUID
    type: str
    title: str
    starts_at: datetime
    starts_on: date | None
    location: str | None
    status: ActivityStatus
    attendance: OwnAttendance


class OwnStudyRecordCreate(InputSchema):
    """A self-study record of the caller's own; the branch (an administrator whose scope holds the
    member's organization) approves or rejects it at `POST /api/v1/study/records/{id}/decision`."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"studied_on": "2026-03-15", "hours": "2", "title": "自學《中國共產黨章程》", "content": "學習總綱並寫心得。"}
            ]
        }
    )

    studied_on: date
    hours: Decimal = Field(gt=0, max_digits=5, decimal_places=2)
    title: str = Field(min_length=1, max_length=200)
    content: str | None = Field(default=None, max_length=5000)
