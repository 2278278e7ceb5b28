"""The training register's shapes: a course, its attendees, a member's training history."""

import uuid
from datetime import date
from decimal import Decimal

from pydantic import ConfigDict, Field

from services.activities.enums import TrainingKind
from services.kit.schemas import InputSchema, Schema

MAX_COURSE_HOURS = Decimal("2000")


class CourseCreate(InputSchema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "org_id": "5d6e7f80-9a1b-4c2d-8e3f-4a5b6c7d8e9f",
                    "kind": TrainingKind.party_school,
                    "title": "社區黨組織書記培訓班",
                    "organizer": "區委黨校",
                    "started_on": "2026-03-02",
                    "ended_on": "2026-03-06",
                    "hours": "32",
                }
            ]
        }
    )

    org_id: uuid.UUID = Field(description="The organization that registers the course (its scope sees it)")
    kind: TrainingKind
    title: str = Field(min_length=1, max_length=200)
    organizer: str | None = Field(default=None, max_length=200)
    started_on: date
    ended_on: date
    hours: Decimal = Field(gt=0, le=MAX_COURSE_HOURS, decimal_places=2)


class AttendeeIn(InputSchema):
    member_id: uuid.UUID
    hours: Decimal | None = Field(default=None, ge=0, le=MAX_COURSE_HOURS, decimal_places=2)


class AttendeesAdd(InputSchema):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"attendees": [{"member_id": "5d6e7f80-9a1b-4c2d-8e3f-4a5b6c7d8e9f"}]}]}
    )

    attendees: list[AttendeeIn] = Field(min_length=1, max_length=500)


class Attendee(Schema):
    member_id: uuid.UUID
    hours: Decimal


class Course(Schema):
    id: uuid.UUID
    org_id: uuid.UUID
    kind: TrainingKind
    title: str
    organizer: str | None
    started_on: date
    ended_on: date
    hours: Decimal
    attendees: list[Attendee] = Field(default_factory=list)


class TrainingEntry(Schema):
    """One course in a member's (a cadre's) training history."""

    course_id: uuid.UUID
    kind: TrainingKind
    title: str
    organizer: str | None
    started_on: date
    ended_on: date
    hours: Decimal
