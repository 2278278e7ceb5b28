"""The gateway's codes, with their Chinese labels: the one place each is written.

Schemas, rules, models and services take their codes from here; `ENUM_LABELS` is what
`GET /api/v1/meta/enums` serves for them, merged with the services' own labels.
"""

from enum import StrEnum

from services.kit.labels import Coded, EnumLabels


class RoleCode(Coded):
    sysadmin = "sysadmin", "系統管理員", "系统管理员"
    secadmin = "secadmin", "安全管理員", "安全管理员"
    auditor = "auditor", "審計員", "审计员"
    org_admin = "org_admin", "組織管理員", "组织管理员"
    viewer = "viewer", "查閱者", "查阅者"
    member = "member", "黨員", "党员"


# Of a person's account and of a machine client. (No docstrings on the enums that schemas use:
# pydantic would put them in the OpenAPI document.)
class AccountStatus(Coded):
    active = "active", "啟用", "启用"
    disabled = "disabled", "停用", "停用"


class ClientScope(Coded):
    orgs_read = "orgs:read", "讀取組織", "读取组织"
    orgs_write = "orgs:write", "維護組織", "维护组织"
    members_read = "members:read", "讀取黨員", "读取党员"
    members_write = "members:write", "維護黨員", "维护党员"
    members_pii = "members:pii", "讀取黨員敏感個人信息", "读取党员敏感个人信息"
    activities_read = "activities:read", "讀取活動", "读取活动"
    activities_write = "activities:write", "維護活動", "维护活动"
    reports_read = "reports:read", "讀取報表", "读取报表"
    events_read = "events:read", "讀取事件流", "读取事件流"


# Of one event due to one webhook subscription.
class DeliveryStatus(Coded):
    pending = "pending", "待送達", "待送达"
    delivered = "delivered", "已送達", "已送达"
    parked = "parked", "已擱置·可重送", "已搁置·可重送"


# The documents the gateway prints itself (its composed reports), verified like the services'.
class ReportDocumentKind(Coded):
    survey_report = "survey_report", "農村社區黨建工作調查報告", "农村社区党建工作调查报告"
    diagnostics_report = "diagnostics_report", "組織診斷報告", "组织诊断报告"


# What a reminder is about (gateway/notify): each a kind of item already due in a service.
class NoticeKind(Coded):
    term = "term_due", "換屆提醒", "换届提醒"
    probation = "probation_due", "預備期滿應轉正", "预备期满应转正"
    lost_contact = "lost_contact_due", "失聯黨員應作處置", "失联党员应作处置"
    dues = "dues_unpaid", "黨費欠繳", "党费欠缴"
    study = "study_shortfall", "學習時長不足", "学习时长不足"
    task = "task_overdue", "任務逾期未報", "任务逾期未报"
    rectification = "rectification_overdue", "整改逾期未報", "整改逾期未报"
    floating_report = "floating_report_missing", "流動黨員定期匯報缺失", "流动党员定期汇报缺失"


# A way a notice leaves the system besides the inbox.
class NoticeChannel(Coded):
    sms = "sms", "短信", "短信"
    wechat = "wechat", "微信模板消息", "微信模板消息"


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
    "role": RoleCode.labels(),
    "account_status": AccountStatus.labels(),
    "client_scope": ClientScope.labels(),
    "delivery_status": DeliveryStatus.labels(),
    "report_document_kind": ReportDocumentKind.labels(),
    "notice_kind": NoticeKind.labels(),
    "notice_channel": NoticeChannel.labels(),
}
