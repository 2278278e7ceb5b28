"""A contact with a member (聯繫)."""

import uuid
from datetime import date, datetime

from pydantic import Field

from services.activities.enums import ContactChannel, ContactKind
from services.kit.schemas import InputSchema, Schema


class ContactCreate(InputSchema):
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
