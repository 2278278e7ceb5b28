"""Care programs (green channel, education upgrade) and young members' duty reports."""

import uuid
from datetime import date

from pydantic import ConfigDict, Field

from services.kit.schemas import InputSchema, Schema
from services.members.enums import CareGround, CareProgram, CareService, Education


class CareEnrolmentCreate(InputSchema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "program": CareProgram.green_channel,
                    "enrolled_on": "2026-03-01",
                    "grounds": [CareGround.elderly],
                    "services": [CareService.home_study_delivery, CareService.life_pairing],
                    "partner": "陳志強",
                }
            ]
        }
    )

    program: CareProgram
    enrolled_on: date
    grounds: list[CareGround] = Field(
        default=[], max_length=len(CareGround), description="green_channel: elderly (age from policy) and/or needy"
    )
    services: list[CareService] = Field(
        default=[], max_length=len(CareService), description="green_channel: what the member receives"
    )
    partner: str | None = Field(default=None, max_length=200, description="green_channel: the pairing partner (結對人)")
    target_level: Education | None = Field(default=None, description="education_upgrade: the level studied for")
    school: str | None = Field(default=None, max_length=200)


class CareEnrolmentUpdate(InputSchema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"services": [CareService.home_study_delivery, CareService.work_help], "partner": "李𠮷祥"}]
        }
    )

    services: list[CareService] | None = Field(default=None, max_length=len(CareService))
    partner: str | None = Field(default=None, max_length=200)
    school: str | None = Field(default=None, max_length=200)
    completed_on: date | None = Field(default=None, description="education_upgrade: finished; the record's education rises")
    ended_on: date | None = Field(default=None, description="the enrolment ends")


class CareEnrolment(Schema):
    id: uuid.UUID
    member_id: uuid.UUID
    program: CareProgram
    grounds: list[CareGround]
    services: list[CareService]
    partner: str | None
    target_level: Education | None
    school: str | None
    enrolled_on: date
    completed_on: date | None
    ended_on: date | None
    active: bool
    version: int  # the enrolment's ETag is `"<version>"` (If-Match of its PATCH)


class DutyReportCreate(InputSchema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "reported_on": "2026-06-30",
                    "topic": "上半年聯繫群眾情況",
                    "content": "走訪農戶二十三戶,收集意見六條,已辦結四條。",
                }
            ]
        }
    )

    reported_on: date
    topic: str = Field(min_length=1, max_length=200)
    content: str | None = Field(default=None, max_length=4000)


class DutyReport(Schema):
    id: uuid.UUID
    member_id: uuid.UUID
    reported_on: date
    topic: str
    content: str | None
