"""Attendance of an activity: the records sent, one changed, and the sheet with its counts."""

import uuid
from decimal import Decimal

from pydantic import ConfigDict, Field

from services.activities.enums import AttendanceStatus
from services.kit.schemas import InputSchema, Schema


class AttendanceRecord(InputSchema):
    member_id: uuid.UUID
    status: AttendanceStatus
    reason: str | None = Field(default=None, max_length=300)
    hours: Decimal | None = Field(default=None, ge=0, max_digits=6, decimal_places=2)
    guest: bool = False


class AttendanceCreate(InputSchema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "records": [
                        {"member_id": "5d6e7f80-9a1b-4c2d-8e3f-4a5b6c7d8e9f", "status": AttendanceStatus.present, "hours": "2.5"},
                        {
                            "member_id": "7c1e9a52-3b4d-4f6a-8e2c-9d0b1a2c3e4f",
                            "status": AttendanceStatus.excused,
                            "reason": "外出務工",
                        },
                    ]
                }
            ]
        }
    )

    records: list[AttendanceRecord] = Field(min_length=1, max_length=5000)


class AttendanceChange(InputSchema):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"status": AttendanceStatus.excused, "reason": "住院治療,會前已向書記請假。"}]}
    )

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
