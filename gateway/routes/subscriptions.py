"""`/api/v1/subscriptions`: webhook subscriptions of the caller, their deliveries, and replay."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from gateway.events import service
from gateway.events.schemas import Delivery, DeliveryStatus, ReplayResult, Subscription, SubscriptionCreate, SubscriptionCreated
from gateway.routes.deps import Subscriber
from gateway.settings import OWN_ROUTE_MAX_BODY_BYTES, GatewaySettings
from services.kit.db import ReadSessionDep, WriteSessionDep
from services.kit.idempotency import Idempotent
from services.kit.pagination import CursorQuery, LimitQuery, Page

router = APIRouter(prefix="/api/v1/subscriptions", tags=["events"], max_body_size=OWN_ROUTE_MAX_BODY_BYTES)


def _development_hosts(request: Request) -> frozenset[str]:
    settings: GatewaySettings = request.app.state.settings
    return frozenset(host.lower() for host in settings.webhook_development_hosts)


@router.post("", response_model=SubscriptionCreated, status_code=201, dependencies=[Idempotent])
async def create(request: Request, session: WriteSessionDep, caller: Subscriber, data: SubscriptionCreate) -> dict[str, Any]:
    """Subscribe a webhook URL to event types; the answer holds the signing secret, shown only here."""
    subscription, secret = await service.create_subscription(session, caller, data, _development_hosts(request))
    return {**Subscription.model_validate(subscription).model_dump(), "secret": secret}


@router.get("", response_model=Page[Subscription])
async def list_subscriptions(
    session: ReadSessionDep, caller: Subscriber, cursor: CursorQuery = None, limit: LimitQuery = 50
) -> Page[Any]:
    items, next_cursor = await service.list_subscriptions(session, caller, cursor=cursor, limit=limit)
    return Page(items=items, next_cursor=next_cursor)


@router.get("/{subscription_id}", response_model=Subscription)
async def get(session: ReadSessionDep, caller: Subscriber, subscription_id: uuid.UUID) -> Any:
    return await service.own_subscription(session, caller, subscription_id)


@router.delete("/{subscription_id}", status_code=204)
async def delete(session: WriteSessionDep, caller: Subscriber, subscription_id: uuid.UUID) -> Response:
    await service.delete_subscription(session, caller, subscription_id)
    return Response(status_code=204)


@router.get("/{subscription_id}/deliveries", response_model=Page[Delivery])
async def deliveries(
    session: ReadSessionDep,
    caller: Subscriber,
    subscription_id: uuid.UUID,
    status: Annotated[DeliveryStatus | None, Query()] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = 50,
) -> Page[Any]:
    """The subscription's deliveries (`status=parked`: those whose retries ran out, to replay)."""
    items, next_cursor = await service.list_deliveries(
        session, caller, subscription_id, status=status.value if status else None, cursor=cursor, limit=limit
    )
    return Page(items=items, next_cursor=next_cursor)


@router.post("/{subscription_id}/replay", response_model=ReplayResult, dependencies=[Idempotent])
async def replay(session: WriteSessionDep, caller: Subscriber, subscription_id: uuid.UUID) -> ReplayResult:
    """Queue the parked deliveries again, in event order, ahead of later ones."""
    return ReplayResult(replayed=await service.replay_parked(session, caller, subscription_id))
