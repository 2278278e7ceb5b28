"""The activity type dictionary and the venues (活動陣地)."""

import uuid
from typing import Annotated

from pydantic import ConfigDict, Field

from services.activities.enums import Frequency, OrgKind
from services.activities.schemas.common import Code
from services.kit.schemas import InputSchema, Schema


class ActivityTypeCreate(InputSchema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "code": "river_patrol",
                    "zh_hant": "黨員巡河",
                    "zh_hans": "党员巡河",
                    "org_kinds": [OrgKind.branch, OrgKind.joint_branch],
                    "frequency": Frequency.monthly,
                }
            ]
        }
    )

    code: str = Code
    zh_hant: str = Field(min_length=1, max_length=100)
    zh_hans: str = Field(min_length=1, max_length=100)
    org_kinds: list[Annotated[str, Field(max_length=32)]] = Field(min_length=1, max_length=10)
    frequency: Frequency | None = None


class ActivityTypeOut(Schema):
    code: str
    zh_hant: str
    zh_hans: str
    org_kinds: list[str]
    frequency: Frequency | None
    builtin: bool


# ---------------------------------------------------------------- venues


class VenueCreate(InputSchema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "org_id": "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
                    "name": "柳河社區黨群服務中心",
                    "address": "青山鎮柳河社區文化路8號",
                    "area_m2": 320,
                    "capacity": 80,
                }
            ]
        }
    )

    org_id: uuid.UUID
    name: str = Field(min_length=1, max_length=200)
    address: str | None = Field(default=None, max_length=300)
    area_m2: int | None = Field(default=None, ge=0)
    capacity: int | None = Field(default=None, ge=0)


class VenueOut(Schema):
    id: uuid.UUID
    org_id: uuid.UUID
    name: str
    address: str | None
    area_m2: int | None
    capacity: int | None
