"""Shapes of people's accounts (`/api/v1/users`), their second factor and `/api/v1/me`."""

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import ConfigDict, Field, StringConstraints

from gateway.enums import AccountStatus, RoleCode
from services.kit.schemas import InputSchema, Schema

Username = Annotated[str, StringConstraints(min_length=3, max_length=64, pattern=r"^[A-Za-z0-9._\-]+$")]
Password = Annotated[str, StringConstraints(min_length=1, max_length=256)]


class Me(Schema):
    id: str
    username: str | None
    roles: list[str]
    scope_org_id: uuid.UUID | None
    member_id: uuid.UUID | None = None  # the member record a `member` account is linked to


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
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"username": "zhang.wei", "password": "Xiang-zhen-2026!", "roles": [RoleCode.secadmin]}]}
    )

    username: Username
    password: Password
    roles: list[RoleCode] = Field(default_factory=list, max_length=1)


class UserUpdate(InputSchema):
    model_config = ConfigDict(json_schema_extra={"examples": [{"status": AccountStatus.disabled}, {"reset_totp": True}]})

    status: AccountStatus | None = None
    password: Password | None = None
    reset_totp: bool = False


class RoleAssignment(InputSchema):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"roles": [RoleCode.org_admin], "scope_org_id": "6f1c1f0e-3c56-4d0f-9a8e-1b9e2f0c7d41"}]}
    )

    roles: list[RoleCode] = Field(max_length=6)
    scope_org_id: uuid.UUID | None = None
    member_id: uuid.UUID | None = None


class TotpEnrollment(Schema):
    secret: str
    otpauth_uri: str


class TotpConfirm(InputSchema):
    model_config = ConfigDict(json_schema_extra={"examples": [{"code": "492039"}]})

    code: Annotated[str, StringConstraints(max_length=6, pattern=r"^[0-9]{6}$")]


class MemberLink(InputSchema):
    """The member's ID number and the one-time code their community issued
    (`POST /api/v1/members/{id}/link-code`)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"id_number": "11010519491231002X", "code": "40392817"}]})

    id_number: Annotated[str, StringConstraints(min_length=15, max_length=24)]
    code: Annotated[str, StringConstraints(min_length=1, max_length=20)]


class MemberLinked(Schema):
    """The account now holds the role `member` for this record; its tokens issued before end: log
    in again (or refresh) for a token that carries the member id."""

    member_id: uuid.UUID
    roles: list[str]
