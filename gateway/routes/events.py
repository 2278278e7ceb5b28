"""`GET /api/v1/events/types` (every event type with its payload schema) and `GET /api/v1/events`
(the pull feed, filtered to the caller's scopes and subtree)."""

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from gateway.events import rules, service
from gateway.events.schemas import EventPage, EventType, EventTypePattern
from gateway.routes.deps import EventReader
from gateway.settings import OWN_ROUTE_MAX_BODY_BYTES
from services.kit.auth import CallerDep
from services.kit.db import ReadSessionDep
from services.kit.outbox import FEED_MAX_LIMIT, START
from services.kit.peers import PeerClient

router = APIRouter(prefix="/api/v1/events", tags=["events"], max_body_size=OWN_ROUTE_MAX_BODY_BYTES)


@router.get("/types", response_model=list[EventType])
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


@router.get("", response_model=EventPage)
async def events(
    session: ReadSessionDep,
    caller: EventReader,
    after: Annotated[str, Query(max_length=32, description="`next_cursor` of the previous page; 0 from the start")] = START,
    limit: Annotated[int, Query(ge=1, le=FEED_MAX_LIMIT)] = 100,
    types: Annotated[list[EventTypePattern] | None, Query(max_length=50, description="types or families (`member.*`)")] = None,
) -> EventPage:
    """Events in order, those the caller may read: its scopes' families, in its subtree."""
    return await service.read_events(session, caller, after=after, limit=limit, types=types)
