"""The pull feed, subscriptions and their deliveries. Functions take a session; they flush, never commit.

Every read restricts to the caller inside the query: the event families its scopes (or role)
allow, and — for a caller with a scope — events that happened in its subtree of the org tree.
A subscription is its owner's alone: anyone else's is "not found".
"""

import secrets
import uuid
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Select, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.enums import DeliveryStatus
from gateway.errors import FORBIDDEN, INVALID_SUBSCRIPTION, NOT_FOUND
from gateway.events import rules
from gateway.events.models import Delivery, EventRecord, Subscription, event_log, org_replica
from gateway.events.schemas import EventPage, SubscriptionCreate
from services.kit.auth import Caller
from services.kit.outbox import read_feed
from services.kit.pagination import keyset_page, page_of
from services.kit.problems import field_error
from services.kit.tree import within_node


def _readable(caller: Caller) -> frozenset[str]:
    scopes = rules.readable_scopes(caller)
    if not scopes:
        raise FORBIDDEN("Reading events needs a read scope (orgs:read, members:read, activities:read) or a reader role")
    return scopes


async def read_events(
    session: AsyncSession, caller: Caller, *, after: str, limit: int, types: list[str] | None = None
) -> EventPage:
    scopes = _readable(caller)
    where = [
        EventRecord.read_scope.in_(scopes),
        within_node(caller.scope_org_id, EventRecord.org_path, org_replica.c.id, org_replica.c.path),
    ]
    if types:
        conditions = [
            EventRecord.type.startswith(pattern[:-1], autoescape=True) if pattern.endswith(".*") else EventRecord.type == pattern
            for pattern in types
        ]
        where.append(or_(*conditions))
    return await read_feed(session, event_log, after, limit, where=where, page=EventPage)


def _check_subscription(caller: Caller, data: SubscriptionCreate, development_hosts: frozenset[str]) -> list[str]:
    if not rules.may_subscribe(caller):
        raise FORBIDDEN("Subscribing needs a machine client with a read scope, or an organization administrator")
    readable = rules.readable_scopes(caller)
    errors: list[dict[str, Any]] = []
    refusal = rules.url_refusal(data.url, development_hosts)
    if refusal:
        errors.append(field_error("url", f"refused destination ({refusal}): https to a public address only"))
    for index, pattern in enumerate(data.event_types):
        reason = rules.pattern_error(pattern)
        family = pattern[:-1] if pattern.endswith(".*") else pattern
        if reason is None and rules.read_scope_of(family) not in readable:
            reason = f"{pattern!r} needs the scope {rules.read_scope_of(family)}"
        if reason:
            errors.append(field_error(f"event_types.{index}", reason))
    if errors:
        raise INVALID_SUBSCRIPTION("The subscription cannot be made", errors=errors)
    return sorted(readable)


async def create_subscription(
    session: AsyncSession, caller: Caller, data: SubscriptionCreate, development_hosts: frozenset[str]
) -> tuple[Subscription, str]:
    """A new subscription and its signing secret (returned once, never shown again)."""
    read_scopes = _check_subscription(caller, data, development_hosts)
    secret = "whsec_" + secrets.token_urlsafe(32)
    subscription = Subscription(
        owner=caller.subject,
        url=data.url,
        event_types=sorted(set(data.event_types)),
        read_scopes=read_scopes,
        scope_org_id=caller.scope_org_id,
        secret=secret,
        active=True,
    )
    session.add(subscription)
    await session.flush()
    return subscription, secret


def _subscriber(caller: Caller) -> None:
    if not rules.may_subscribe(caller):
        raise FORBIDDEN("Subscriptions belong to machine clients with a read scope and organization administrators")


async def own_subscription(session: AsyncSession, caller: Caller, subscription_id: uuid.UUID) -> Subscription:
    _subscriber(caller)
    subscription = await session.scalar(
        select(Subscription).where(Subscription.id == subscription_id, Subscription.owner == caller.subject)
    )
    if subscription is None:
        raise NOT_FOUND(f"Subscription {subscription_id} was not found")
    return subscription


async def list_subscriptions(
    session: AsyncSession, caller: Caller, *, cursor: str | None, limit: int
) -> tuple[list[Subscription], str | None]:
    _subscriber(caller)
    stmt = select(Subscription).where(Subscription.owner == caller.subject)
    rows = (await session.execute(keyset_page(stmt, [Subscription.id], cursor, limit))).scalars().all()
    return page_of(rows, limit, lambda row: [row.id])


async def delete_subscription(session: AsyncSession, caller: Caller, subscription_id: uuid.UUID) -> None:
    subscription = await own_subscription(session, caller, subscription_id)
    await session.execute(delete(Delivery).where(Delivery.subscription_id == subscription.id))
    await session.delete(subscription)
    await session.flush()


async def list_deliveries(
    session: AsyncSession, caller: Caller, subscription_id: uuid.UUID, *, status: str | None, cursor: str | None, limit: int
) -> tuple[list[dict[str, Any]], str | None]:
    await own_subscription(session, caller, subscription_id)
    stmt = (
        select(Delivery, EventRecord.event_id, EventRecord.type)
        .join(EventRecord, EventRecord.seq == Delivery.event_seq)
        .where(Delivery.subscription_id == subscription_id)
    )
    if status is not None:
        stmt = stmt.where(Delivery.status == status)
    rows = (await session.execute(keyset_page(cast(Select[Any], stmt), [Delivery.id], cursor, limit))).all()
    items, next_cursor = page_of(rows, limit, lambda row: [row[0].id])
    shaped = [
        {
            "id": delivery.id,
            "event_id": event_id,
            "event_type": event_type,
            "status": delivery.status,
            "attempts": delivery.attempts,
            "first_attempt_at": delivery.first_attempt_at,
            "next_attempt_at": delivery.next_attempt_at,
            "last_status": delivery.last_status,
            "last_error": delivery.last_error,
            "delivered_at": delivery.delivered_at,
        }
        for delivery, event_id, event_type in items
    ]
    return shaped, next_cursor


async def replay_parked(session: AsyncSession, caller: Caller, subscription_id: uuid.UUID) -> int:
    """Queue every parked delivery again (in event order, ahead of later ones), with a fresh retry window."""
    await own_subscription(session, caller, subscription_id)
    result = await session.execute(
        update(Delivery)
        .where(Delivery.subscription_id == subscription_id, Delivery.status == DeliveryStatus.parked)
        .values(
            status=DeliveryStatus.pending, attempts=0, first_attempt_at=None, next_attempt_at=datetime.now(UTC), last_error=None
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def queue_depth(session: AsyncSession) -> dict[str, int]:
    """Deliveries waiting and parked, over every subscription (for the metrics)."""
    rows = await session.execute(
        select(Delivery.status, func.count())
        .where(Delivery.status.in_((DeliveryStatus.pending, DeliveryStatus.parked)))
        .group_by(Delivery.status)
    )
    depth = {DeliveryStatus.pending.value: 0, DeliveryStatus.parked.value: 0}
    depth.update({status: int(count) for status, count in rows.all()})
    return depth
