"""Shapes of a community's small records the diagnostics judge: its joint-stock economic
cooperative, its community workers and its activity venues."""

import uuid
from datetime import date

from pydantic import ConfigDict, Field, model_validator

from services.kit.schemas import InputSchema, Schema
from services.orgs.enums import Education, Facility
from services.orgs.schemas.common import NAME_MAX, Name, check_range

PERSON_NAME_MAX = 100
PAY_BAND_MAX = 40
AREA_MAX_M2 = 1_000_000


class CooperativeCreate(InputSchema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "community_id": "3a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d",
                    "name": "柳河村股份经济合作社",
                    "party_org_id": "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
                }
            ]
        }
    )

    community_id: uuid.UUID
    name: str = Name
    party_org_id: uuid.UUID | None = Field(default=None, description="The cooperative's own party organization, if any")


class CooperativeUpdate(InputSchema):
    model_config = ConfigDict(json_schema_extra={"examples": [{"party_org_id": "b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e"}]})

    name: str | None = Field(default=None, min_length=1, max_length=NAME_MAX)
    party_org_id: uuid.UUID | None = None


class Cooperative(Schema):
    id: uuid.UUID
    community_id: uuid.UUID
    name: str
    party_org_id: uuid.UUID | None
    version: int


class CommunityWorkerCreate(InputSchema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "community_id": "3a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d",
                    "name": "王秀兰",
                    "birth_date": "1968-04-02",
                    "education": Education.secondary,
                    "pay_band": "二级",
                    "since": "2015-03-01",
                }
            ]
        }
    )

    community_id: uuid.UUID
    name: str = Field(min_length=1, max_length=PERSON_NAME_MAX)
    birth_date: date
    education: Education
    pay_band: str | None = Field(default=None, min_length=1, max_length=PAY_BAND_MAX, description="The local pay band")
    since: date
    until: date | None = None

    @model_validator(mode="after")
    def _range(self) -> "CommunityWorkerCreate":
        check_range(self.birth_date, self.since, "since")
        check_range(self.since, self.until, "until")
        return self


class CommunityWorkerUpdate(InputSchema):
    model_config = ConfigDict(json_schema_extra={"examples": [{"education": Education.college, "until": "2026-12-31"}]})

    name: str | None = Field(default=None, min_length=1, max_length=PERSON_NAME_MAX)
    birth_date: date | None = None
    education: Education | None = None
    pay_band: str | None = Field(default=None, min_length=1, max_length=PAY_BAND_MAX)
    since: date | None = None
    until: date | None = None


class CommunityWorker(Schema):
    id: uuid.UUID
    community_id: uuid.UUID
    name: str
    birth_date: date
    education: Education
    pay_band: str | None
    since: date
    until: date | None
    version: int


class VenueCreate(InputSchema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "community_id": "3a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d",
                    "name": "柳河社区党群服务中心",
                    "area_m2": 450,
                    "facilities": [Facility.meeting_room, Facility.activity_room, Facility.service_hall],
                }
            ]
        }
    )

    community_id: uuid.UUID
    name: str = Name
    area_m2: int | None = Field(default=None, gt=0, le=AREA_MAX_M2)
    facilities: list[Facility] = Field(default_factory=list, max_length=len(Facility))
    closed_on: date | None = Field(default=None, description="The day the venue stopped being used")


class VenueUpdate(InputSchema):
    model_config = ConfigDict(json_schema_extra={"examples": [{"facilities": [Facility.meeting_room, Facility.reading_room]}]})

    name: str | None = Field(default=None, min_length=1, max_length=NAME_MAX)
    area_m2: int | None = Field(default=None, gt=0, le=AREA_MAX_M2)
    facilities: list[Facility] | None = Field(default=None, max_length=len(Facility))
    closed_on: date | None = None


class Venue(Schema):
    id: uuid.UUID
    community_id: uuid.UUID
    name: str
    area_m2: int | None
    facilities: list[Facility]
    closed_on: date | None
    version: int
