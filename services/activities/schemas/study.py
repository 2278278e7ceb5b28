"""Study hours: self-study records and their decision, standings per member, organization and subtree."""

import uuid
from datetime import date, datetime
from decimal import Decimal

from pydantic import ConfigDict, Field

from services.activities.enums import StudyDecisionStatus, StudyRecordStatus
from services.kit.schemas import InputSchema, Schema


class StudyRecordCreate(InputSchema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "member_id": "5d6e7f80-9a1b-4c2d-8e3f-4a5b6c7d8e9f",
                    "studied_on": "2026-03-15",
                    "hours": "2",
                    "title": "自學《中國共產黨農村基層組織工作條例》",
                    "content": "通讀全文並摘抄第三章。",
                }
            ]
        }
    )

    member_id: uuid.UUID
    studied_on: date
    hours: Decimal = Field(gt=0, max_digits=5, decimal_places=2)
    title: str = Field(min_length=1, max_length=200)
    content: str | None = Field(default=None, max_length=5000)


class StudyDecision(InputSchema):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"status": StudyDecisionStatus.approved, "note": "學習筆記已核實。"}]}
    )

    status: StudyDecisionStatus
    note: str | None = Field(default=None, max_length=300)


class StudyRecordOut(Schema):
    id: uuid.UUID
    member_id: uuid.UUID
    org_id: uuid.UUID
    studied_on: date
    hours: Decimal
    title: str
    content: str | None
    status: StudyRecordStatus
    recorded_by: str
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str | None
    created_at: datetime


class MemberStudy(Schema):
    """One member's study hours in the year of `as_of`, up to that day, against what is owed so far."""

    member_id: uuid.UUID
    name: str
    org_id: uuid.UUID | None
    year: int
    as_of: date
    months_owed: int = Field(description="months of the year so far the member owes hours for")
    team_months: int = Field(description="of those, months with a team position (the higher requirement)")
    activity_hours: Decimal = Field(description="present at study activities (training, lectures, study days)")
    home_study_hours: Decimal = Field(description="home-delivered study (elderly and needy members only)")
    self_study_hours: Decimal = Field(description="approved self-study")
    training_hours: Decimal = Field(
        default=Decimal("0.00"), description="courses of the training register (黨校, 社區黨校, 進修班) ending in the year"
    )
    hours: Decimal
    required: Decimal
    shortfall: Decimal


class OrgStudy(Schema):
    org_id: uuid.UUID
    name: str
    members: int
    hours: Decimal
    required: Decimal
    shortfall: Decimal = Field(description="the sum of its members' shortfalls")
    below: int = Field(description="members below their requirement so far")


class StudySummary(Schema):
    within: uuid.UUID
    year: int
    as_of: date
    members: int
    hours: Decimal
    required: Decimal
    shortfall: Decimal
    below: int
    organizations: list[OrgStudy]


class StudyClockEvent(MemberStudy):
    """What the study-hours clock announces: the member's standing (without the name)."""

    name: str | None = None  # type: ignore[assignment]
