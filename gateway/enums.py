"""The gateway's codes, with their Chinese labels: the one place each is written.

Schemas, rules, models and services take their codes from here; `ENUM_LABELS` is what
`GET /api/v1/meta/enums` serves for them, merged with the services' own labels.
"""

from enum import StrEnum

from services.kit.labels import EnumLabels


class RoleCode(StrEnum):
    sysadmin = "sysadmin"
    secadmin = "secadmin"
    auditor = "auditor"
    org_admin = "org_admin"
    viewer = "viewer"
    member = "member"


# Of a person's account and of a machine client. (No docstrings on the enums that schemas use:
# pydantic would put them in the OpenAPI document.)
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


# Of one event due to one webhook subscription.
class DeliveryStatus(StrEnum):
    pending = "pending"
    delivered = "delivered"
    parked = "parked"


# The actions the gateway names in the audit trail itself. A write's row names its HTTP method
# instead (POST, PATCH …), so the column is open and these codes carry no labels.
class AuditAction(StrEnum):
    login = "login"
    login_failure = "login_failure"
    login_locked = "login_locked"
    lockout = "lockout"
    refresh = "refresh"
    refresh_refused = "refresh_refused"
    refresh_reuse = "refresh_reuse"
    logout = "logout"
    client_login = "client_login"
    client_login_failure = "client_login_failure"
    unmasked_read = "unmasked_read"


ENUM_LABELS: EnumLabels = {
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
    "delivery_status": {
        "pending": {"zh_hant": "待送達", "zh_hans": "待送达"},
        "delivered": {"zh_hant": "已送達", "zh_hans": "已送达"},
        "parked": {"zh_hant": "已擱置·可重送", "zh_hans": "已搁置·可重送"},
    },
}
