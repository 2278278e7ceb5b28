"""Public shapes of events for other systems: the pull feed, event types, subscriptions, deliveries."""

import uuid
from datetime import datetime
from typing import Annotated, Any

from pydantic import ConfigDict, Field, StringConstraints

from gateway.enums import DeliveryStatus
from services.kit.schemas import InputSchema, Schema

# An event type (`member.created`) or a family (`member.*`); longer names are none of ours.
EventTypePattern = Annotated[str, StringConstraints(max_length=100)]


class Event(Schema):
    cursor: str = Field(description="pass as `after` to read on from this event")
    id: uuid.UUID = Field(description="the event id: the same in the feed and in every delivery (de-duplicate by it)")
    type: str
    source: str
    aggregate_id: uuid.UUID
    org_id: uuid.UUID | None
    payload: dict[str, Any]
    occurred_at: datetime


class EventPage(Schema):
    events: list[Event]
    next_cursor: str = Field(description="the cursor to ask after next time (the same when nothing was new)")


class EventType(Schema):
    type: str
    source: str
    required_scope: str
    description: str
    schema_: dict[str, Any] = Field(alias="schema", serialization_alias="schema")


class SubscriptionCreate(InputSchema):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"url": "https://dangan.example.gov.cn/hooks/dangjian", "event_types": ["member.*"]}]}
    )

    url: str = Field(min_length=8, max_length=2000, description="https URL that receives POSTed events")
    event_types: list[EventTypePattern] = Field(min_length=1, max_length=100, description="types or families (`member.*`)")


class Subscription(Schema):
    id: uuid.UUID
    url: str
    event_types: list[str]
    read_scopes: list[str]
    scope_org_id: uuid.UUID | None
    active: bool
    created_at: datetime


class SubscriptionCreated(Subscription):
    secret: str = Field(description="the signing secret, shown only in this answer")


class Delivery(Schema):
    id: int
    event_id: uuid.UUID
    event_type: str
    status: DeliveryStatus
    attempts: int
    first_attempt_at: datetime | None
    next_attempt_at: datetime
    last_status: int | None
    last_error: str | None
    delivered_at: datetime | None


class ReplayResult(Schema):
    replayed: int
