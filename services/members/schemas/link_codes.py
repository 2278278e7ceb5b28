"""One-time codes linking a member's account to their record: issued by the community, redeemed
by the gateway for the member's account."""

import uuid
from datetime import datetime

from pydantic import ConfigDict, Field

from services.kit.schemas import InputSchema, Schema


class LinkCodeIssued(Schema):
    code: str = Field(description="shown once: give it to the member; only its keyed hash is kept")
    member_id: uuid.UUID
    expires_at: datetime


class LinkCodeRedeem(InputSchema):
    model_config = ConfigDict(json_schema_extra={"examples": [{"id_number": "11010519491231002X", "code": "40392817"}]})

    id_number: str = Field(min_length=15, max_length=24)
    code: str = Field(min_length=1, max_length=20)


class LinkCodeRedeemed(Schema):
    """The member the code links to; null when the ID number and the code do not match an open
    code (one answer whatever the reason: unknown number, wrong, expired, used or dead code)."""

    member_id: uuid.UUID | None
