"""A member's requests to change their own record, and the organization's review of them."""

# ruff: noqa: RUF001 - the example is in Chinese, with full-width punctuation

import uuid
from datetime import date, datetime

from pydantic import ConfigDict, Field

from services.kit.schemas import InputSchema, Schema
from services.members.enums import ChangeDecision, ChangeRequestStatus, Education
from services.members.schemas.records import PHONE_PATTERN


class ChangeRequestCreate(InputSchema):
    """What the member asks to change (at least one of phone, address, education). A change of
    education carries its evidence: a note (the school, the certificate's number) and/or the
    certificate's scan as a file (base64, PDF, PNG or JPEG)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "phone": "13912345678",
                    "education": Education.college,
                    "evidence_note": "2025年7月畢業於四川廣播電視大學，畢業證書編號 51234520250600123。",
                }
            ]
        }
    )

    phone: str | None = Field(default=None, max_length=20, pattern=PHONE_PATTERN)
    address: str | None = Field(default=None, min_length=1, max_length=300)
    education: Education | None = None
    evidence_note: str | None = Field(default=None, min_length=1, max_length=1000)
    evidence_filename: str | None = Field(default=None, min_length=1, max_length=200)
    evidence_base64: str | None = Field(
        default=None, max_length=2_800_000, description="the evidence file, base64 (at most about 2 MB decoded)"
    )
    reason: str | None = Field(default=None, max_length=500)


class ChangeRequestDecision(InputSchema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"decision": ChangeDecision.approve}, {"decision": ChangeDecision.reject, "note": "證書與學歷不符"}]
        }
    )

    decision: ChangeDecision
    note: str | None = Field(default=None, min_length=1, max_length=500, description="required when rejecting: the reason")


class ChangeRequest(Schema):
    id: uuid.UUID
    member_id: uuid.UUID
    member_name: str
    org_id: uuid.UUID
    status: ChangeRequestStatus
    fields: list[str] = Field(description="the record's fields asked to change, of: phone, address, education")
    phone: str | None = Field(description="the asked phone; masked unless the caller may see phones")
    address: str | None = Field(description="the asked address; null when masked")
    education: Education | None
    evidence_note: str | None
    evidence_filename: str | None
    evidence_media_type: str | None
    has_evidence_file: bool
    reason: str | None
    requested_by: str
    requested_on: date
    reviewed_by: str | None
    reviewed_on: date | None
    review_note: str | None
    version: int
    created_at: datetime
