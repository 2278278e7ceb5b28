# ruff: noqa: RUF001 - Chinese texts take full-width punctuation
"""Pure rules of reminders and notices: the settings' numbers, what a due item is and its dedupe
key, who is responsible for it, quiet hours, the texts sent. No I/O here.

A due item comes from one of the services' lists of what is due (terms, probation, lost contact,
dues, study, overdue tasks and rectifications, floating members' missing reports); the parsers below turn one list's items into
`DueItem`s. The key `kind:item:due date` makes a reminder once per due item: the same item
listed again (the next run, another replica) is the same key; a new due date (a term renewed
and due again) is a new key.
"""

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from gateway.enums import NoticeChannel, NoticeKind
from gateway.events.rules import DeliveryPolicy

SMS_MAX_CHARS = 70  # one SMS segment of Chinese text


class NotifySettings(BaseModel):
    """`GATEWAY_NOTIFY__…`: the reminder job, the channels' HTTP gateways and the delivery retries.

    A channel is on when its URL is set. Its credential is read from `…_CREDENTIAL_FILE` (a
    mounted secret) or `…_CREDENTIAL` (the environment); never from the repository."""

    reminders_interval_s: float = Field(3600.0, gt=0, description="how often the reminder job reads what is due")
    deliver: bool = Field(True, description="run the delivery worker (off only in tests that drive it by hand)")
    poll_interval_s: float = Field(5.0, gt=0, description="pause of the delivery worker when nothing is due")
    quiet_hours: str = Field("22:00-07:00", description="HH:MM-HH:MM in DANGJIAN_TIMEZONE; empty: none")
    sms_url: str = Field("", description="the SMS gateway's HTTP endpoint; empty: no SMS")
    sms_template: str = Field("", description="the SMS template code registered with the provider")
    sms_credential: SecretStr = Field(SecretStr(""), description="the SMS gateway's key (prefer the file)")
    sms_credential_file: Path | None = None
    wechat_url: str = Field("", description="the WeChat template-message endpoint; empty: no WeChat")
    wechat_template_id: str = Field("", description="the template id of the official account")
    wechat_credential: SecretStr = Field(SecretStr(""), description="the WeChat access credential (prefer the file)")
    wechat_credential_file: Path | None = None
    contact_key: SecretStr = Field(SecretStr(""), description="base64 of 32 bytes: AES-GCM of accounts' phones and openids")
    retry_window_s: float = Field(24 * 3600, description="a delivery is retried this long after its first attempt")
    backoff_base_s: float = Field(60.0, description="pause after the first failed attempt; doubles after each")
    backoff_max_s: float = Field(3600.0, description="the longest pause between two attempts")
    timeout_s: float = Field(10.0, gt=0, description="a channel's gateway must answer within this")
    batch: int = Field(100, ge=1, description="deliveries attempted per round")

    @field_validator("quiet_hours")
    @classmethod
    def _quiet_hours_parse(cls, value: str) -> str:
        parse_quiet_hours(value)
        return value

    def delivery_policy(self) -> DeliveryPolicy:
        return DeliveryPolicy(
            retry_window_s=self.retry_window_s,
            backoff_base_s=self.backoff_base_s,
            backoff_max_s=self.backoff_max_s,
            timeout_s=self.timeout_s,
            batch_per_subscription=self.batch,
        )

    def credential(self, channel: NoticeChannel) -> str:
        """The channel's credential: the file's content when a file is named, else the variable."""
        path = self.sms_credential_file if channel == NoticeChannel.sms else self.wechat_credential_file
        if path is not None:
            return path.read_text(encoding="utf-8").strip()
        secret = self.sms_credential if channel == NoticeChannel.sms else self.wechat_credential
        return secret.get_secret_value()

    def url(self, channel: NoticeChannel) -> str:
        return self.sms_url if channel == NoticeChannel.sms else self.wechat_url

    def channels(self) -> list[NoticeChannel]:
        """The channels this deployment has configured (in a fixed order)."""
        return [channel for channel in NoticeChannel if self.url(channel)]


# ---------------------------------------------------------------- due items


@dataclass(frozen=True)
class DueItem:
    kind: NoticeKind
    item_id: str
    due_on: date
    org_id: uuid.UUID
    subject: str  # what is due: an organization's, a member's name, a task's title
    # The member who owes it themselves (a floating member's report): their own linked account
    # is told too, besides the organization's responsible people.
    member_id: uuid.UUID | None = None

    @property
    def dedupe_key(self) -> str:
        return dedupe_key(self.kind, self.item_id, self.due_on)


def dedupe_key(kind: NoticeKind, item_id: str, due_on: date) -> str:
    return f"{kind.value}:{item_id}:{due_on.isoformat()}"


class _Read(BaseModel):
    """An item of a service's list as read here: the fields used (others ignored)."""

    model_config = ConfigDict(extra="ignore")


class _TermRef(_Read):
    id: str
    ends_on: date


class TermDueRead(_Read):
    org_id: uuid.UUID
    org_name: str
    term: _TermRef


class _MemberRef(_Read):
    id: str
    name: str = ""
    org_id: uuid.UUID | None = None


class MemberDueRead(_Read):
    member: _MemberRef
    due_on: date


class DuesRead(_Read):
    member_id: str
    name: str
    org_id: uuid.UUID | None
    months_unpaid: int


class StudyRead(_Read):
    member_id: str
    name: str
    org_id: uuid.UUID | None
    year: int


class TaskRead(_Read):
    task_id: str
    org_id: uuid.UUID
    title: str
    deadline: date


class RectificationRead(_Read):
    id: str
    org_id: uuid.UUID
    issue: str
    deadline: date
    overdue: bool = True


class FloatingReportRead(_Read):
    member_id: uuid.UUID
    name: str
    org_id: uuid.UUID
    due_on: date
    missing: bool


Items = Iterable[Mapping[str, Any]]


def term_items(items: Items) -> list[DueItem]:
    """`GET /api/v1/terms` (orgs): a term ending or over, due on its `ends_on`."""
    read = [TermDueRead.model_validate(i) for i in items]
    return [DueItem(NoticeKind.term, r.term.id, r.term.ends_on, r.org_id, r.org_name) for r in read]


def member_due_items(kind: NoticeKind, items: Items) -> list[DueItem]:
    """`GET /api/v1/members/due` (members): probation over (`full`), lost contact (`suspension`)."""
    read = [MemberDueRead.model_validate(i) for i in items]
    return [DueItem(kind, r.member.id, r.due_on, r.member.org_id, r.member.name) for r in read if r.member.org_id]


def first_unpaid_month(as_of: date, months_unpaid: int) -> date:
    """The first month owed (its first day): stable from one day to the next while nothing is paid."""
    index = as_of.year * 12 + as_of.month - 1 - max(months_unpaid - 1, 0)
    return date(index // 12, index % 12 + 1, 1)


def dues_items(as_of: date, items: Items) -> list[DueItem]:
    """`GET /api/v1/dues/unpaid` (members): months unpaid, due from the first month owed."""
    read = [DuesRead.model_validate(i) for i in items]
    return [
        DueItem(NoticeKind.dues, r.member_id, first_unpaid_month(as_of, r.months_unpaid), r.org_id, r.name)
        for r in read
        if r.months_unpaid > 0 and r.org_id
    ]


def study_items(items: Items) -> list[DueItem]:
    """`GET /api/v1/study/below-requirement` (activities): once a year per member, due at its end."""
    read = [StudyRead.model_validate(i) for i in items]
    return [DueItem(NoticeKind.study, r.member_id, date(r.year, 12, 31), r.org_id, r.name) for r in read if r.org_id]


def task_items(items: Items) -> list[DueItem]:
    """`GET /api/v1/tasks/overdue` (orgs): a recipient owing a reply; the item is task and recipient."""
    read = [TaskRead.model_validate(i) for i in items]
    return [DueItem(NoticeKind.task, f"{r.task_id}/{r.org_id}", r.deadline, r.org_id, r.title) for r in read]


def rectification_items(items: Items) -> list[DueItem]:
    """`GET /api/v1/rectifications?overdue=true` (orgs): a report owed past the deadline."""
    read = [RectificationRead.model_validate(i) for i in items]
    return [DueItem(NoticeKind.rectification, r.id, r.deadline, r.org_id, r.issue[:100]) for r in read if r.overdue]


def floating_report_items(items: Items) -> list[DueItem]:
    """`GET /api/v1/members/worklists/floating-reports?missing_only=true` (members): a floating
    member's periodic report (定期匯報) not made by its due day. The due day moves with each report,
    so a report clears the item and the next missing period is a new one."""
    read = [FloatingReportRead.model_validate(i) for i in items]
    return [
        DueItem(NoticeKind.floating_report, str(r.member_id), r.due_on, r.org_id, r.name, member_id=r.member_id)
        for r in read
        if r.missing
    ]


# ---------------------------------------------------------------- who is responsible


def path_ids(path: str) -> list[uuid.UUID]:
    """The ids on a materialized path (`/<root>/<child>/`), root first."""
    return [uuid.UUID(part) for part in path.strip("/").split("/") if part]


def responsible(org_path: str, admins: Sequence[tuple[uuid.UUID, uuid.UUID | None]]) -> list[uuid.UUID]:
    """The accounts a due item goes to: the organization administrators nearest above it — those
    scoped to its organization, else to its parent, and so on up; the deployment-wide ones (no
    scope) only when no level of its path has any. `admins` is (account id, scope org id)."""
    by_scope: dict[uuid.UUID | None, list[uuid.UUID]] = {}
    for account_id, scope in admins:
        by_scope.setdefault(scope, []).append(account_id)
    for org_id in reversed(path_ids(org_path)):
        if org_id in by_scope:
            return sorted(by_scope[org_id])
    return sorted(by_scope.get(None, []))


def recipients(
    org_path: str, admins: Sequence[tuple[uuid.UUID, uuid.UUID | None]], own: Sequence[uuid.UUID] = ()
) -> list[uuid.UUID]:
    """The responsible administrators (`responsible`) and the accounts of the member who owes the
    item themselves (`own`: accounts linked to that member), each once."""
    return sorted(set(responsible(org_path, admins)) | set(own))


# ---------------------------------------------------------------- quiet hours


def parse_quiet_hours(text: str) -> tuple[time, time] | None:
    """`22:00-07:00` → (22:00, 07:00); empty → None (no quiet hours)."""
    if not text.strip():
        return None
    try:
        start, end = (time.fromisoformat(part.strip()) for part in text.split("-"))
    except ValueError:
        raise ValueError(f"quiet hours {text!r} are not HH:MM-HH:MM") from None
    if start == end:
        raise ValueError(f"quiet hours {text!r} start and end at the same time")
    return start, end


def quiet_until(now: datetime, quiet: tuple[time, time] | None, timezone: str) -> datetime | None:
    """When the quiet hours `now` falls in end (an instant in now's zone); None when not quiet."""
    if quiet is None:
        return None
    start, end = quiet
    local = now.astimezone(ZoneInfo(timezone))
    clock = local.time().replace(tzinfo=None)
    if start < end:
        inside, ends_on = start <= clock < end, local.date()
    else:  # across midnight
        inside = clock >= start or clock < end
        ends_on = local.date() + timedelta(days=1) if clock >= start else local.date()
    if not inside:
        return None
    return datetime.combine(ends_on, end, tzinfo=ZoneInfo(timezone)).astimezone(now.tzinfo)


def first_send_at(now: datetime, quiet: tuple[time, time] | None, timezone: str) -> datetime:
    """When a delivery may go: now, or the end of the quiet hours now is in."""
    return quiet_until(now, quiet, timezone) or now


# ---------------------------------------------------------------- texts (Simplified Chinese)


def title(item: DueItem) -> str:
    return f"{item.kind.zh_hans}：{item.subject}"[:200]


def body(item: DueItem) -> str:
    return f"{item.kind.zh_hans}：{item.subject}，期限 {item.due_on.isoformat()}。请登录党建系统处理。"[:1000]


def channel_text(kind: str, due_on: date) -> str:
    """What leaves the system by SMS or WeChat: the kind and the date, no names (the inbox has them)."""
    label = NoticeKind(kind).zh_hans
    return f"【党建提醒】{label}，期限{due_on.isoformat()}，请登录系统查看。"[:SMS_MAX_CHARS]


def mask(value: str | None) -> str | None:
    """A phone or openid as shown back to its holder: the last four characters only."""
    if not value:
        return None
    return "*" * max(len(value) - 4, 0) + value[-4:]
