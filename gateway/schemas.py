"""The gateway's own public shapes: tokens, users, machine clients, the audit trail."""

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints

from services.kit.schemas import InputSchema, Schema


class RoleCode(StrEnum):
    sysadmin = "sysadmin"
    secadmin = "secadmin"
    auditor = "auditor"
    org_admin = "org_admin"
    viewer = "viewer"
    member = "member"


class AccountStatus(StrEnum):
    active = "active"
    disabled = "disabled"


class ClientScope(StrEnum):
    orgs_read = "orgs:read"
    orgs_write = "orgs:write"
    members_read = "members:read"
    members_write = "members:write"
    members_pii = "members:pii"
    activities_read = "activities:read"
    activities_write = "activities:write"
    reports_read = "reports:read"
    events_read = "events:read"


ENUM_LABELS: dict[str, dict[str, dict[str, str]]] = {
    "role": {
        "sysadmin": {"zh_hant": "系統管理員", "zh_hans": "系统管理员"},
        "secadmin": {"zh_hant": "安全管理員", "zh_hans": "安全管理员"},
        "auditor": {"zh_hant": "審計員", "zh_hans": "审计员"},
        "org_admin": {"zh_hant": "組織管理員", "zh_hans": "组织管理员"},
        "viewer": {"zh_hant": "查閱者", "zh_hans": "查阅者"},
        "member": {"zh_hant": "黨員", "zh_hans": "党员"},
    },
    "account_status": {
        "active": {"zh_hant": "啟用", "zh_hans": "启用"},
        "disabled": {"zh_hant": "停用", "zh_hans": "停用"},
    },
    "client_scope": {
        "orgs:read": {"zh_hant": "讀取組織", "zh_hans": "读取组织"},
        "orgs:write": {"zh_hant": "維護組織", "zh_hans": "维护组织"},
        "members:read": {"zh_hant": "讀取黨員", "zh_hans": "读取党员"},
        "members:write": {"zh_hant": "維護黨員", "zh_hans": "维护党员"},
        "members:pii": {"zh_hant": "讀取黨員敏感個人信息", "zh_hans": "读取党员敏感个人信息"},
        "activities:read": {"zh_hant": "讀取活動", "zh_hans": "读取活动"},
        "activities:write": {"zh_hant": "維護活動", "zh_hans": "维护活动"},
        "reports:read": {"zh_hant": "讀取報表", "zh_hans": "读取报表"},
        "events:read": {"zh_hant": "讀取事件流", "zh_hans": "读取事件流"},
    },
}

Username = Annotated[str, StringConstraints(min_length=3, max_length=64, pattern=r"^[A-Za-z0-9._\-]+$")]
Password = Annotated[str, StringConstraints(min_length=1, max_length=256)]


class TokenResponse(Schema):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth2 token type, not a secret
    expires_in: int
    refresh_token: str | None = None
    refresh_expires_in: int | None = None


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


class AuditEventOut(Schema):
    id: int
    at: datetime
    actor_sub: str | None
    actor_username: str | None
    roles: list[str]
    action: str
    target: str
    outcome: int
    client_address: str | None
    request_id: str | None
    prev_hash: str
    hash: str


class AuditVerification(Schema):
    intact: bool
    checked: int
    first_broken_id: int | None
    reason: str | None
