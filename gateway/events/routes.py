"""The routes of events for other systems: `GET /api/v1/events/types` (every event type with its
payload schema), `GET /api/v1/events` (the pull feed, filtered to the caller's scopes and
subtree) and `/api/v1/subscriptions` (webhooks of the caller, their deliveries, and replay)."""

import asyncio
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response

from gateway.enums import DeliveryStatus
from gateway.errors import FORBIDDEN, INVALID_SUBSCRIPTION, NOT_FOUND
from gateway.events import rules, service
from gateway.events.schemas import (
    Delivery,
    EventPage,
    EventType,
    EventTypePattern,
    ReplayResult,
    Subscription,
    SubscriptionCreate,
    SubscriptionCreated,
)
from gateway.settings import OWN_ROUTE_MAX_BODY_BYTES, GatewaySettings
from services.kit.auth import AUTHORIZATION_DEPENDENCIES, Caller, CallerDep
from services.kit.db import ReadSessionDep, WriteSessionDep
from services.kit.idempotency import Idempotent
from services.kit.outbox import FEED_MAX_LIMIT, START
from services.kit.pagination import CursorQuery, LimitQuery, Page
from services.kit.peers import PeerClient
from services.kit.problems import answers

router = APIRouter(prefix="/api/v1", tags=["events"], max_body_size=OWN_ROUTE_MAX_BODY_BYTES)


async def _event_reader(caller: CallerDep) -> Caller:
    if not rules.readable_scopes(caller):
        raise FORBIDDEN("Reading events needs a read scope (orgs:read, members:read, activities:read) or a reader role")
    return caller


async def _subscriber(caller: CallerDep) -> Caller:
    if not rules.may_subscribe(caller):
        raise FORBIDDEN("Subscriptions belong to machine clients with a read scope and organization administrators")
    return caller


# Registered so that the deny-by-default test knows the routes these guard.
AUTHORIZATION_DEPENDENCIES.update({_event_reader, _subscriber})
EventReader = Annotated[Caller, Depends(_event_reader)]
Subscriber = Annotated[Caller, Depends(_subscriber)]


@router.get("/events/types", response_model=list[EventType])
async def event_types(request: Request, _caller: CallerDep) -> list[dict[str, Any]]:
    """What other systems can receive: each type, the service it comes from, the scope it needs,
    and the JSON schema of its payload (from the service that publishes it)."""
    peers: dict[str, PeerClient] = request.app.state.peers
    documents = await asyncio.gather(*(peer.get_json("/event-types") for peer in peers.values()))
    types = []
    for source, document in zip(peers, documents, strict=True):
        for item in document:
            scope = rules.read_scope_of(item["type"])
            if scope is not None:
                types.append({**item, "source": source, "required_scope": scope})
    return sorted(types, key=lambda item: item["type"])


@router.get("/events", response_model=EventPage, responses=answers(FORBIDDEN))
async def events(
    session: ReadSessionDep,
    caller: EventReader,
    after: Annotated[str, Query(max_length=32, description="`next_cursor` of the previous page; 0 from the start")] = START,
    limit: Annotated[int, Query(ge=1, le=FEED_MAX_LIMIT)] = 100,
    types: Annotated[list[EventTypePattern] | None, Query(max_length=50, description="types or families (`member.*`)")] = None,
) -> EventPage:
    """Events in order, those the caller may read: its scopes' families, in its subtree."""
    return await service.read_events(session, caller, after=after, limit=limit, types=types)


def _development_hosts(request: Request) -> frozenset[str]:
    settings: GatewaySettings = request.app.state.settings
    return frozenset(host.lower() for host in settings.webhook_development_hosts)


@router.post(
    "/subscriptions",
    response_model=SubscriptionCreated,
    status_code=201,
    dependencies=[Idempotent],
    responses=answers(FORBIDDEN, INVALID_SUBSCRIPTION),
)
async def create(request: Request, session: WriteSessionDep, caller: Subscriber, data: SubscriptionCreate) -> dict[str, Any]:
    """Subscribe a webhook URL to event types; the answer holds the signing secret, shown only here."""
    subscription, secret = await service.create_subscription(session, caller, data, _development_hosts(request))
    return {**Subscription.model_validate(subscription).model_dump(), "secret": secret}


@router.get("/subscriptions", response_model=Page[Subscription], responses=answers(FORBIDDEN))
async def list_subscriptions(
    session: ReadSessionDep, caller: Subscriber, cursor: CursorQuery = None, limit: LimitQuery = 50
) -> Page[Any]:
    items, next_cursor = await service.list_subscriptions(session, caller, cursor=cursor, limit=limit)
    return Page(items=items, next_cursor=next_cursor)


@router.get("/subscriptions/{subscription_id}", response_model=Subscription, responses=answers(FORBIDDEN, NOT_FOUND))
async def get(session: ReadSessionDep, caller: Subscriber, subscription_id: uuid.UUID) -> Any:
    return await service.own_subscription(session, caller, subscription_id)


@router.delete("/subscriptions/{subscription_id}", status_code=204, responses=answers(FORBIDDEN, NOT_FOUND))
async def delete(session: WriteSessionDep, caller: Subscriber, subscription_id: uuid.UUID) -> Response:
    await service.delete_subscription(session, caller, subscription_id)
    return Response(status_code=204)


@router.get("/subscriptions/{subscription_id}/deliveries", response_model=Page[Delivery], responses=answers(FORBIDDEN, NOT_FOUND))
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


@router.post(
    "/subscriptions/{subscription_id}/replay",
    response_model=ReplayResult,
    dependencies=[Idempotent],
    responses=answers(FORBIDDEN, NOT_FOUND),
)
async def replay(session: WriteSessionDep, caller: Subscriber, subscription_id: uuid.UUID) -> ReplayResult:
    """Queue the parked deliveries again, in event order, ahead of later ones."""
    return ReplayResult(replayed=await service.replay_parked(session, caller, subscription_id))
