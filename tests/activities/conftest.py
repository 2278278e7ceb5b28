"""Fixtures of the activities tests: the replicas fed directly, as the feeds would feed them."""

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from services.activities.app import create_app
from services.activities.events import apply_member_event, apply_org_event
from services.activities.rules import ActivitiesPolicy
from services.activities.settings import ActivitiesSettings
from services.kit.db import Database
from services.kit.outbox import START, FeedEvent
from services.kit.tree import child_path
from tests.support import SuiteDatabase, in_process


@pytest.fixture
async def activities_db(test_db: SuiteDatabase) -> AsyncIterator[Database]:
    db = Database(test_db.urls["activities"], "activities")
    yield db
    await db.dispose()


def event(type: str, payload: dict[str, Any]) -> FeedEvent:
    return FeedEvent(
        cursor=START,
        id=uuid.uuid4(),
        type=type,
        aggregate_id=uuid.UUID(payload["id"]),
        payload=payload,
        occurred_at=datetime.now(UTC),
    )


class Replicas:
    """Puts organizations and members into the activities replicas through the feed appliers."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.paths: dict[str, str] = {}
        self.versions: dict[str, int] = {}

    async def _apply(self, apply: Callable[[Any, FeedEvent], Awaitable[None]], type: str, payload: dict[str, Any]) -> None:
        async with self.db.write_sessions() as session:
            await apply(session, event(type, payload))
            await session.commit()

    async def org(
        self,
        *,
        tier: str,
        kind: str = "branch",
        parent: str | None = None,
        status: str = "active",
        community_id: str | None = None,
        name: str | None = None,
    ) -> str:
        org_id = uuid.uuid4()
        path = child_path(self.paths[parent] if parent else None, org_id)
        self.paths[str(org_id)] = path
        payload = {
            "id": str(org_id),
            "parent_id": parent,
            "path": path,
            "version": 1,
            "name": name or f"{tier} {org_id.hex[:6]}",
            "code": None,
            "kind": kind,
            "tier": tier,
            "status": status,
            "community_id": community_id,
            "setting": "rural",
        }
        await self._apply(apply_org_event, "org.created", payload)
        return str(org_id)

    async def member(
        self,
        *,
        org_id: str | None,
        party_status: str = "full",
        state: str = "normal",
        whereabouts: str = "resident",
        care_programs: list[str] | None = None,
        residence_community_id: str | None = None,
        member_id: str | None = None,
        version: int = 1,
    ) -> str:
        member_id = member_id or str(uuid.uuid4())
        payload = {
            "id": member_id,
            "version": version,
            "name": f"黨員{member_id[:4]}",
            "sex": "male",
            "birth_date": "1960-01-01",
            "education": "junior_high",
            "org_id": org_id,
            "residence_community_id": residence_community_id,
            "party_status": party_status,
            "state": state,
            "whereabouts": whereabouts,
            "joined_on": "1990-07-01",
            "full_on": "1991-07-01",
            "care_programs": care_programs or [],
        }
        await self._apply(apply_member_event, "member.updated" if version > 1 else "member.created", payload)
        return member_id

    async def floating_report(self, *, member_id: str, reported_on: str) -> str:
        """A floating member's periodic report as members announces it (`floating_report.submitted`)."""
        report_id = str(uuid.uuid4())
        payload = {"id": report_id, "version": 1, "member_id": member_id, "org_id": None, "reported_on": reported_on}
        await self._apply(apply_member_event, "floating_report.submitted", payload)
        return report_id

    async def community(self, *, township: str, party_org_id: str | None = None, community_id: str | None = None) -> str:
        """A community as orgs publishes it (`community.created`): its township and party organization."""
        community_id = community_id or str(uuid.uuid4())
        payload = {
            "id": community_id,
            "version": 1,
            "name": f"社區{community_id[:4]}",
            "township_org_id": township,
            "party_org_id": party_org_id,
            "setting": "rural",
        }
        await self._apply(apply_org_event, "community.created", payload)
        return community_id

    async def unit(self, *, community_id: str) -> str:
        """A community unit as orgs publishes it (`unit.created`)."""
        unit_id = str(uuid.uuid4())
        payload = {"id": unit_id, "version": 1, "community_id": community_id, "name": "柳河小學", "category": "school"}
        await self._apply(apply_org_event, "unit.created", payload)
        return unit_id

    async def tree(self) -> dict[str, str]:
        """county → township → community (general branch) → branch with two party groups."""
        county = await self.org(tier="county", kind="committee")
        township = await self.org(tier="township", kind="committee", parent=county)
        community_id = str(uuid.uuid4())
        community = await self.org(tier="community", kind="general_branch", parent=township, community_id=community_id)
        branch = await self.org(tier="inner", kind="branch", parent=community, community_id=community_id)
        group_a = await self.org(tier="inner", kind="group", parent=branch, community_id=community_id)
        group_b = await self.org(tier="inner", kind="group", parent=branch, community_id=community_id)
        other_township = await self.org(tier="township", kind="committee", parent=county)
        return {
            "county": county,
            "township": township,
            "community": community,
            "community_id": community_id,
            "branch": branch,
            "group_a": group_a,
            "group_b": group_b,
            "other_township": other_township,
        }


@pytest.fixture
def replicas(activities_db: Database) -> Replicas:
    return Replicas(activities_db)


@pytest.fixture
async def small_upload_client(test_db: SuiteDatabase) -> AsyncIterator[httpx.AsyncClient]:
    """The activities app with a 1 KiB attachment limit, so that the limit is cheap to pass."""
    settings = ActivitiesSettings(
        data_dir=test_db.data_dir,
        database_url=test_db.urls["activities"],
        json_logs=False,
        consume_feeds=False,
        policy=ActivitiesPolicy(attachment_max_bytes=1024),
    )
    async with in_process(create_app(settings)) as client:
        yield client
