"""Public shapes of notifications: the inbox, a notice's deliveries and attempts, contact addresses."""

import uuid
from datetime import date, datetime

from pydantic import ConfigDict, Field

from gateway.enums import DeliveryStatus, NoticeChannel, NoticeKind
from services.kit.schemas import InputSchema, Schema


class Notification(Schema):
    id: uuid.UUID
    kind: NoticeKind
    item_id: str = Field(description="the due item: a term, member, rectification id; a task's `task_id/org_id`")
    due_on: date
    org_id: uuid.UUID = Field(description="the organization the item is of")
    title: str
    body: str
    created_at: datetime
    read_at: datetime | None


class Attempt(Schema):
    at: datetime
    ok: bool
    http_status: int | None
    error: str | None


class ChannelDelivery(Schema):
    channel: NoticeChannel
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime = Field(description="after quiet hours when the notice came during them")
    delivered_at: datetime | None
    attempt_log: list[Attempt]


class NotificationDetail(Notification):
    deliveries: list[ChannelDelivery]


class MarkedRead(Schema):
    marked: int


class ContactIn(InputSchema):
    model_config = ConfigDict(json_schema_extra={"examples": [{"phone": "13800138000", "wechat_openid": None}]})

    phone: str | None = Field(default=None, max_length=21, pattern=r"^\+?[0-9]{6,20}$", description="for SMS; null: none")
    wechat_openid: str | None = Field(
        default=None, max_length=64, pattern=r"^[A-Za-z0-9_-]{6,64}$", description="the official account's openid; null: none"
    )


class Contact(Schema):
    phone: str | None = Field(description="masked: the last four digits")
    wechat_openid: str | None = Field(description="masked: the last four characters")
