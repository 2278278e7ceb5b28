"""Shapes of rectifications (整改): demanded from an inspection's finding or from a diagnostic,
reported on by the organization, closed or reopened by the issuer."""

import uuid
from datetime import date
from typing import Any

from pydantic import ConfigDict, Field, model_validator

from services.kit.schemas import InputSchema, Schema
from services.orgs.enums import DiagnosticRule, Evidence, RectificationSource, RectificationStatus, RectificationStep
from services.orgs.schemas.common import TEXT_MAX
from services.orgs.schemas.tasks import MAX_REFERENCES


class RectificationDemand(InputSchema):
    """What a finding demands: the deadline, the action, the evidence the report must carry."""

    deadline: date
    required_action: str | None = Field(default=None, max_length=TEXT_MAX)
    evidence_required: list[Evidence] = Field(default_factory=list, max_length=len(Evidence))


class FromDiagnosticCreate(InputSchema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "org_id": "7c0e1f5a-2b7d-4c1e-9a0b-3d5e6f7a8b90",
                    "rule": DiagnosticRule.no_secretary,
                    "issuer_org_id": "0b5f6a8e-4f7e-4a59-9a53-2f3c0a6f1b10",
                    "deadline": "2027-01-31",
                    "evidence_required": [Evidence.text],
                }
            ]
        }
    )

    org_id: uuid.UUID = Field(description="The organization the diagnostic is about")
    rule: DiagnosticRule
    issuer_org_id: uuid.UUID = Field(description="The higher organization demanding it (in the caller's scope)")
    deadline: date
    required_action: str | None = Field(default=None, max_length=TEXT_MAX, description="Default: the diagnostic's action")
    evidence_required: list[Evidence] = Field(default_factory=list, max_length=len(Evidence))


class ReportCreate(InputSchema):
    """What the organization did. Activity and attachment ids are references to the activities
    service's records, kept as given (this service has no replica of activities)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"text": "已召開支委會選舉書記,會議記錄見附件。", "attachment_ids": [], "activity_ids": []}]
        }
    )

    text: str | None = Field(default=None, max_length=TEXT_MAX)
    activity_ids: list[uuid.UUID] = Field(default_factory=list, max_length=MAX_REFERENCES)
    attachment_ids: list[uuid.UUID] = Field(default_factory=list, max_length=MAX_REFERENCES)

    @model_validator(mode="after")
    def _something(self) -> "ReportCreate":
        if not (self.text or self.activity_ids or self.attachment_ids):
            raise ValueError("a report carries text, attachments or activities")
        return self


class VerdictCreate(InputSchema):
    """The issuer closes (note optional) or reopens (note required: what is still wrong)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"note": "經實地核查,已整改到位。"}]})

    note: str | None = Field(default=None, max_length=TEXT_MAX)


class Step(Schema):
    step: RectificationStep
    text: str | None
    activity_ids: list[uuid.UUID]
    attachment_ids: list[uuid.UUID]
    on: date


class Rectification(Schema):
    id: uuid.UUID
    org_id: uuid.UUID
    issuer_org_id: uuid.UUID
    source: RectificationSource
    inspection_id: uuid.UUID | None
    finding_id: uuid.UUID | None
    diagnostic_rule: DiagnosticRule | None
    figures: dict[str, Any] | None
    issue: str
    required_action: str | None
    evidence_required: list[Evidence]
    deadline: date
    status: RectificationStatus
    overdue: bool
    version: int


class RectificationDetail(Rectification):
    steps: list[Step]
