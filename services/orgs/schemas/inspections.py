"""Shapes of inspections (督查): who inspected which organization when, in which round, and what
they found; a finding may demand a rectification."""

import uuid
from datetime import date
from typing import Annotated

from pydantic import ConfigDict, Field, StringConstraints

from services.kit.schemas import InputSchema, Schema
from services.orgs.enums import Evidence, RectificationStatus
from services.orgs.schemas.common import TEXT_MAX, Name
from services.orgs.schemas.rectifications import RectificationDemand

InspectorName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class FindingCreate(InputSchema):
    text: str = Field(min_length=1, max_length=TEXT_MAX)
    rectification: RectificationDemand | None = Field(default=None, description="Demand a rectification of this finding")


class InspectionCreate(InputSchema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "inspector_org_id": "0b5f6a8e-4f7e-4a59-9a53-2f3c0a6f1b10",
                    "org_id": "7c0e1f5a-2b7d-4c1e-9a0b-3d5e6f7a8b90",
                    "inspected_on": "2026-11-20",
                    "round": "2026年第四季度基層黨建督查",
                    "inspectors": ["王建國", "𠮷田"],
                    "findings": [
                        {
                            "text": "三會一課記錄不全",
                            "rectification": {"deadline": "2026-12-31", "evidence_required": [Evidence.text]},
                        },
                        {"text": "黨員活動室制度上牆"},
                    ],
                }
            ]
        }
    )

    inspector_org_id: uuid.UUID = Field(description="The inspecting organization (in the caller's scope)")
    org_id: uuid.UUID = Field(description="The organization inspected, below the inspector")
    inspected_on: date
    round: str = Name
    inspectors: list[InspectorName] = Field(min_length=1, max_length=30)
    summary: str | None = Field(default=None, max_length=TEXT_MAX)
    findings: list[FindingCreate] = Field(default_factory=list, max_length=100)


class Finding(Schema):
    id: uuid.UUID
    number: int
    text: str
    rectification_id: uuid.UUID | None
    rectification_status: RectificationStatus | None


class Inspection(Schema):
    id: uuid.UUID
    inspector_org_id: uuid.UUID
    org_id: uuid.UUID
    org_name: str
    inspected_on: date
    round: str
    inspectors: list[str]
    summary: str | None
    findings: list[Finding]
    version: int
