"""Shapes of machine clients of other systems (`/api/v1/clients`)."""

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from gateway.enums import AccountStatus, ClientScope
from services.kit.schemas import InputSchema, Schema


class MachineClient(Schema):
    id: uuid.UUID
    client_id: str
    name: str
    scopes: list[ClientScope]
    scope_org_id: uuid.UUID | None
    expires_at: datetime | None
    status: AccountStatus
    created_at: datetime
    rotated_at: datetime | None
    previous_valid_until: datetime | None


class MachineClientWithSecret(MachineClient):
    client_secret: str


class ClientCreate(InputSchema):
    client_id: Annotated[str, StringConstraints(min_length=3, max_length=64, pattern=r"^[A-Za-z0-9._\-]+$")] | None = None
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    scopes: list[ClientScope] = Field(min_length=1, max_length=len(ClientScope))
    scope_org_id: uuid.UUID | None = None
    expires_at: datetime | None = None


class ClientUpdate(InputSchema):
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = None
    scopes: list[ClientScope] | None = Field(default=None, min_length=1, max_length=len(ClientScope))
    scope_org_id: uuid.UUID | None = None
    expires_at: datetime | None = None
    status: AccountStatus | None = None
