"""Compliance (三會一課): exemptions, the report per organization, and the work lists' entries."""

import uuid
from datetime import date

from pydantic import ConfigDict, Field

from services.activities.enums import ActivityType, Frequency
from services.activities.schemas.common import Code
from services.kit.schemas import InputSchema, Schema


class ExemptionCreate(InputSchema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "org_id": "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
                    "type": ActivityType.group_meeting,
                    "starts_on": "2026-01-01",
                    "ends_on": "2026-03-31",
                    "reason": "拆遷安置期間黨員分散居住,經鎮黨委同意暫停。",
                }
            ]
        }
    )

    org_id: uuid.UUID
    type: str = Code
    starts_on: date
    ends_on: date | None = None
    reason: str = Field(min_length=1, max_length=300)


class ExemptionOut(Schema):
    id: uuid.UUID
    org_id: uuid.UUID
    type: str
    starts_on: date
    ends_on: date | None
    reason: str


class TypeCompliance(Schema):
    type: str
    frequency: Frequency
    expected: int
    held: int
    exempt: bool
    met: bool


class OrgCompliance(Schema):
    org_id: uuid.UUID
    name: str
    kind: str
    groups: int
    items: list[TypeCompliance]
    met: bool


class ComplianceReport(Schema):
    within: uuid.UUID
    period: str
    starts_on: date
    ends_on: date
    organizations: list[OrgCompliance]


class OrgRef(Schema):
    org_id: uuid.UUID
    name: str
    held: int


class MemberRef(Schema):
    member_id: uuid.UUID
    name: str
    org_id: uuid.UUID | None
    whereabouts: str | None = None
    last: date | None = None


class ServiceActivityCounts(Schema):
    """Held service activities per community, keyed by community id (for the orgs diagnostics)."""

    counts: dict[str, int]
