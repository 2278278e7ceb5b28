"""A floating member's periodic reports (定期匯報) and the work list of reports due."""

import uuid
from datetime import date, datetime

from pydantic import ConfigDict, Field

from services.kit.schemas import InputSchema, Schema


class FloatingReportCreate(InputSchema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "reported_on": "2026-03-31",
                    "location": "廣東省東莞市長安鎮",
                    "work": "電子廠裝配工",
                    "organizational_life": "3月參加長安鎮流動黨員黨支部主題黨日。",
                }
            ]
        }
    )

    reported_on: date | None = Field(default=None, description="default: today")
    location: str = Field(min_length=1, max_length=200, description="where the member is")
    work: str = Field(min_length=1, max_length=500, description="what work the member does there")
    organizational_life: str | None = Field(default=None, max_length=1000, description="organizational life attended there")


class FloatingReport(Schema):
    id: uuid.UUID
    member_id: uuid.UUID
    org_id: uuid.UUID
    reported_on: date
    location: str
    work: str
    organizational_life: str | None
    reported_by: str
    created_at: datetime


class FloatingReportEvent(Schema):
    """What `floating_report.submitted` carries: which member reported on which day (not what they
    wrote); the activities service counts it as a contact with the member."""

    id: uuid.UUID
    version: int = Field(description="always 1: a report is not changed once filed")
    member_id: uuid.UUID
    org_id: uuid.UUID
    reported_on: date


class FloatingReportDue(Schema):
    """A floating member with their reports: the last one, how many this year, when the next is due."""

    member_id: uuid.UUID
    name: str
    org_id: uuid.UUID
    floating_since: date | None
    last_report_on: date | None
    reports_this_year: int
    due_on: date | None
    missing: bool = Field(description="no report by the due day (定期匯報缺失)")
