"""Attendance of an activity: the records sent, one changed, and the sheet with its counts."""

import uuid
from decimal import Decimal

from pydantic import Field

from services.activities.enums import AttendanceStatus
from services.kit.schemas import InputSchema, Schema


class AttendanceRecord(InputSchema):
    member_id: uuid.UUID
    status: AttendanceStatus
    reason: str | None = Field(default=None, max_length=300)
    hours: Decimal | None = Field(default=None, ge=0, max_digits=6, decimal_places=2)
    guest: bool = False


class AttendanceCreate(InputSchema):
    records: list[AttendanceRecord] = Field(min_length=1, max_length=5000)


class AttendanceChange(InputSchema):
    status: AttendanceStatus | None = None
    reason: str | None = Field(default=None, max_length=300)
    hours: Decimal | None = Field(default=None, ge=0, max_digits=6, decimal_places=2)


class AttendanceOut(Schema):
    member_id: uuid.UUID
    status: AttendanceStatus
    reason: str | None
    hours: Decimal | None
    guest: bool
    version: int  # the ETag of this record is `"<version>"` (If-Match of its PATCH)


class AttendanceSheet(Schema):
    activity_id: uuid.UUID
    expected: int
    present: int
    excused: int
    absent: int
    unrecorded: int
    guests: int
    rate: float | None
    volunteer_hours: Decimal
    items: list[AttendanceOut]
