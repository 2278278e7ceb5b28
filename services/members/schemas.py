"""The members service's public shapes."""

import uuid
from datetime import datetime

from pydantic import Field

from services.kit.schemas import InputSchema, Schema


class MemberCreate(InputSchema):
    name: str = Field(min_length=1, max_length=100)
    org_id: uuid.UUID


class Member(Schema):
    id: uuid.UUID
    name: str
    org_id: uuid.UUID
    created_at: datetime
