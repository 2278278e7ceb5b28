"""A contact with a member (聯繫)."""

import uuid
from datetime import date, datetime

from pydantic import ConfigDict, Field

from services.activities.enums import ContactChannel, ContactKind
from services.kit.schemas import InputSchema, Schema


class ContactCreate(InputSchema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "org_id": "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
                    "member_id": "5d6e7f80-9a1b-4c2d-8e3f-4a5b6c7d8e9f",
                    "contacted_on": "2026-03-18",
                    "kind": ContactKind.regular,
                    "channel": ContactChannel.phone,
                    "notes": "在東莞務工,身體健康,已線上參加三月主題黨日學習。",
                }
            ]
        }
    )

    org_id: uuid.UUID
    member_id: uuid.UUID
    contacted_on: date
    kind: ContactKind
    channel: ContactChannel
    notes: str | None = Field(default=None, max_length=5000)


class ContactOut(Schema):
    id: uuid.UUID
    org_id: uuid.UUID
    member_id: uuid.UUID
    contacted_on: date
    kind: ContactKind
    channel: ContactChannel
    notes: str | None
    created_at: datetime


class OrgContacts(Schema):
    org_id: uuid.UUID
    followed: int = Field(description="Living members of the organization away from it (floating, displaced …)")
    contacted: int = Field(description="Of those, contacted within the window before the day")


class ContactSummary(Schema):
    within: uuid.UUID
    as_of: date
    days: int
    organizations: list[OrgContacts] = Field(description="The organizations of the subtree with followed members")
