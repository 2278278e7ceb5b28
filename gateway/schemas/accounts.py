"""Shapes of people's accounts (`/api/v1/users`), their second factor and `/api/v1/me`."""

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from gateway.enums import AccountStatus, RoleCode
from services.kit.schemas import InputSchema, Schema

Username = Annotated[str, StringConstraints(min_length=3, max_length=64, pattern=r"^[A-Za-z0-9._\-]+$")]
Password = Annotated[str, StringConstraints(min_length=1, max_length=256)]


class Me(Schema):
    id: str
    username: str | None
    roles: list[str]
    scope_org_id: uuid.UUID | None


class User(Schema):
    id: uuid.UUID
    username: str
    roles: list[RoleCode]
    scope_org_id: uuid.UUID | None
    member_id: uuid.UUID | None
    status: AccountStatus
    totp_enabled: bool
    locked_until: datetime | None
    created_at: datetime


class UserCreate(InputSchema):
    username: Username
    password: Password
    roles: list[RoleCode] = Field(default_factory=list, max_length=1)


class UserUpdate(InputSchema):
    status: AccountStatus | None = None
    password: Password | None = None
    reset_totp: bool = False


class RoleAssignment(InputSchema):
    roles: list[RoleCode] = Field(max_length=6)
    scope_org_id: uuid.UUID | None = None
    member_id: uuid.UUID | None = None


class TotpEnrollment(Schema):
    secret: str
    otpauth_uri: str


class TotpConfirm(InputSchema):
    code: Annotated[str, StringConstraints(max_length=6, pattern=r"^[0-9]{6}$")]
