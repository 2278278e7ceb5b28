"""Fixtures of the members tests: the org replica written through the service's own feed handler
(synthetic `org.*` events, so the tests need no orgs process), and callers of each role."""

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest

from services.kit.db import Database
from services.kit.outbox import START, FeedEvent
from services.kit.tree import child_path
from services.members.events import apply_org_event
from services.members.service import rollups
from tests.support import SuiteDatabase


@pytest.fixture
async def members_db(test_db: SuiteDatabase) -> AsyncIterator[Database]:
    db = Database(test_db.urls["members"], "members")
    # The feed's writes (a merge re-homes members) keep the roll-ups, as the service's own do.
    rollups.maintain(db)
    yield db
    await db.dispose()


@dataclass
class OrgReplica:
    """Organizations as the orgs feed would announce them, applied by `apply_org_event`."""

    db: Database
    held: dict[str, dict[str, Any]] = field(default_factory=dict)

    async def emit(self, type: str, snapshot: dict[str, Any], *, occurred_at: datetime | None = None) -> None:
        event = FeedEvent(
            cursor=START,
            id=uuid.uuid4(),
            type=type,
            aggregate_id=uuid.UUID(snapshot["id"]),
            payload=snapshot,
            occurred_at=occurred_at or datetime.now(UTC),
        )
        async with self.db.write_sessions() as session:
            await apply_org_event(session, event)
            await session.commit()
        self.held[snapshot["id"]] = snapshot

    async def add(
        self, *, tier: str, kind: str = "committee", parent: dict[str, Any] | None = None, setting: str | None = None
    ) -> dict[str, Any]:
        org_id = uuid.uuid4()
        snapshot = {
            "id": str(org_id),
            "parent_id": parent["id"] if parent else None,
            "path": child_path(parent["path"] if parent else None, org_id),
            "version": 1,
            "name": f"{tier} {org_id.hex[:6]}",
            "code": None,
            "kind": kind,
            "tier": tier,
            "status": "active",
            "community_id": None,
            "setting": setting,
            "merged_into_id": None,
        }
        await self.emit("org.created", snapshot)
        return snapshot

    async def change(
        self, org: dict[str, Any], type: str, *, occurred_at: datetime | None = None, **values: Any
    ) -> dict[str, Any]:
        snapshot = {**self.held[org["id"]], **values, "version": self.held[org["id"]]["version"] + 1}
        await self.emit(type, snapshot, occurred_at=occurred_at)
        return snapshot

    async def tree(self, *, setting: str = "rural") -> dict[str, dict[str, Any]]:
        """county → township → community (general branch) → branch; and a second community
        without branches (it holds its members itself)."""
        county = await self.add(tier="county")
        township = await self.add(tier="township", parent=county)
        community = await self.add(tier="community", kind="general_branch", parent=township, setting=setting)
        branch = await self.add(tier="inner", kind="branch", parent=community, setting=setting)
        small = await self.add(tier="community", kind="branch", parent=township, setting=setting)
        return {"county": county, "township": township, "community": community, "branch": branch, "small": small}


@pytest.fixture
def replica(members_db: Database) -> OrgReplica:
    return OrgReplica(members_db)
