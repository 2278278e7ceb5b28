"""A file of an activity, as it is listed (the bytes are the body of the upload); where activities
and files named as evidence elsewhere belong (asked by the orgs service)."""

import uuid
from datetime import datetime

from pydantic import ConfigDict, Field

from services.activities.enums import AttachmentKind
from services.kit.schemas import InputSchema, Schema

EVIDENCE_MAX = 1000


class AttachmentOut(Schema):
    id: uuid.UUID
    activity_id: uuid.UUID
    kind: AttachmentKind
    filename: str
    media_type: str
    size: int
    sha256: str
    created_at: datetime


class EvidenceRequest(InputSchema):
    """Activities and attachments another service was given as evidence (a task's reply, a
    rectification's report): which exist, and the organization of each."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "activity_ids": ["5d6e7f80-9a1b-4c2d-8e3f-4a5b6c7d8e9f"],
                    "attachment_ids": ["5d1c9b1e-1f0a-4a3b-8c67-0f4d7e2a9b11"],
                }
            ]
        }
    )

    activity_ids: list[uuid.UUID] = Field(default_factory=list, max_length=EVIDENCE_MAX)
    attachment_ids: list[uuid.UUID] = Field(default_factory=list, max_length=EVIDENCE_MAX)


class EvidenceOrgs(Schema):
    """The organization of each activity and attachment (its activity's) that exists; unknown ids
    are left out."""

    activities: dict[uuid.UUID, uuid.UUID]
    attachments: dict[uuid.UUID, uuid.UUID]
