"""The activities service's public shapes."""

import uuid
from datetime import datetime

from pydantic import Field

from services.kit.schemas import InputSchema, Schema


class ActivityCreate(InputSchema):
    org_id: uuid.UUID
    type: str = Field(min_length=1, max_length=64, pattern=r"^[a-z_]+$")
    title: str = Field(min_length=1, max_length=200)
    starts_at: datetime


class Activity(Schema):
    id: uuid.UUID
    org_id: uuid.UUID
    type: str
    title: str
    starts_at: datetime
    created_at: datetime
