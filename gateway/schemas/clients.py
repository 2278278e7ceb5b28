"""Shapes of machine clients of other systems (`/api/v1/clients`)."""

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import ConfigDict, Field, StringConstraints

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
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "client_id": "county-archive",
                    "name": "县档案馆党员档案系统",
                    "scopes": [ClientScope.orgs_read, ClientScope.members_read],
                    "scope_org_id": "6f1c1f0e-3c56-4d0f-9a8e-1b9e2f0c7d41",
                    "expires_at": "2027-06-30T23:59:59+08:00",
                }
            ]
        }
    )

    client_id: Annotated[str, StringConstraints(min_length=3, max_length=64, pattern=r"^[A-Za-z0-9._\-]+$")] | None = None
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    scopes: list[ClientScope] = Field(min_length=1, max_length=len(ClientScope))
    scope_org_id: uuid.UUID | None = None
    expires_at: datetime | None = None


class ClientUpdate(InputSchema):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"name": "县档案馆系统二期", "expires_at": "2028-06-30T23:59:59+08:00"}]}
    )

    name: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = None
    scopes: list[ClientScope] | None = Field(default=None, min_length=1, max_length=len(ClientScope))
    scope_org_id: uuid.UUID | None = None
    expires_at: datetime | None = None
    status: AccountStatus | None = None
