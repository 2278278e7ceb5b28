"""What this service does with other services' events: it keeps its replica of the org tree."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from services.activities.models import org_replica
from services.kit.outbox import FeedEvent
from services.kit.replica import apply_node_snapshot
from services.kit.schemas import Schema

ORG_EVENT_PREFIX = "org."


class OrgSnapshot(Schema):
    """Our copy of the shape the orgs service puts in its `org.*` events."""

    id: uuid.UUID
    parent_id: uuid.UUID | None
    path: str
    version: int
    name: str
    kind: str
    tier: str
    status: str
    community_id: uuid.UUID | None


async def apply_org_event(session: AsyncSession, event: FeedEvent) -> None:
    if event.type.startswith(ORG_EVENT_PREFIX):
        await apply_node_snapshot(session, org_replica, OrgSnapshot.model_validate(event.payload).model_dump())
