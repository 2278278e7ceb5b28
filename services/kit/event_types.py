"""The event types a service publishes, with the JSON schema of each payload, at `GET /event-types`.

Public like `/labels`: it is the vocabulary of the feed (no data). The gateway merges every
service's list at `GET /api/v1/events/types` for other systems that subscribe to events. A
service declares its types next to the shapes the payloads are made from, so the schema shown
is the one the payloads are dumped with.
"""

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel


@dataclass(frozen=True)
class EventType:
    description: str
    payload: type[BaseModel]


def describe(types: dict[str, EventType]) -> list[dict[str, Any]]:
    return [
        {"type": name, "description": kind.description, "schema": kind.payload.model_json_schema(mode="serialization")}
        for name, kind in sorted(types.items())
    ]


def event_types_router(types: dict[str, EventType]) -> APIRouter:
    router = APIRouter(tags=["meta"])
    described = describe(types)

    @router.get("/event-types")
    async def event_types() -> list[dict[str, Any]]:
        return described

    return router
