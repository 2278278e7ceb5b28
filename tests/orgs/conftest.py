"""The orgs app wired to a stub of the members service (contracts.md), which a test fills in."""

import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, HTTPException

from services.kit.peers import ServicePeers
from services.orgs.app import create_app
from services.orgs.settings import CLIENT_ID, OrgsSettings
from tests.support import SuiteDatabase, in_process


class MembersStub:
    """`POST /internal/member-counts`, `GET /internal/community-member-counts` and `POST /api/v1/members/lookup`
    answered from dicts; the counts of a day set with `set_count(..., as_of=day)` answer for that day."""

    def __init__(self) -> None:
        self.counts: dict[str, dict[str, int]] = {}
        self.counts_on: dict[str, dict[str, dict[str, int]]] = {}
        self.days_asked: list[tuple[str, str | None]] = []
        self.community_counts: dict[str, dict[str, int]] = {}
        self.latest_joined: dict[str, str] = {}  # community id → the latest joined_on among its members
        self.known: dict[str, dict[str, Any]] = {}
        self.down = False
        self.calls: list[str] = []
        self.app = FastAPI()

        @self.app.post("/internal/member-counts")
        async def member_counts(body: dict[str, Any]) -> dict[str, Any]:
            self.calls.append("member-counts")
            self.days_asked.append(("member-counts", body.get("as_of")))
            zero = {"members": 0, "full": 0, "probationary": 0}
            counts = self.counts_on.get(body.get("as_of") or "", self.counts)
            return {"counts": {org_id: counts.get(org_id, zero) for org_id in body["org_ids"]}}

        @self.app.get("/internal/community-member-counts")
        async def community_member_counts(as_of: str | None = None) -> dict[str, Any]:
            self.calls.append("community-member-counts")
            self.days_asked.append(("community-member-counts", as_of))
            return {"counts": self.community_counts}

        @self.app.get("/internal/community-latest-joined")
        async def community_latest_joined(within: str | None = None, as_of: str | None = None) -> dict[str, Any]:
            self.calls.append("community-latest-joined")
            return {"latest": self.latest_joined}

        @self.app.post("/api/v1/members/lookup")
        async def lookup(body: dict[str, Any]) -> dict[str, Any]:
            self.calls.append("lookup")
            return {"items": [{"id": i, "name": "stub"} | self.known[i] for i in body["ids"] if i in self.known]}

    def set_count(self, org_id: str, *, members: int, full: int | None = None, as_of: str | None = None) -> None:
        full = members if full is None else full
        counts = self.counts_on.setdefault(as_of, {}) if as_of else self.counts
        counts[org_id] = {"members": members, "full": full, "probationary": members - full}

    def set_community_count(self, community_id: str, *, members: int, full: int | None = None) -> None:
        full = members if full is None else full
        self.community_counts[community_id] = {"members": members, "full": full, "probationary": members - full}

    def new_member(self, *, birth_date: str | None = None, education: str | None = None, org_id: str | None = None) -> str:
        """A member the stub knows; `org_id`: where it is (a scoped caller names only its own)."""
        member_id = str(uuid.uuid4())
        self.known[member_id] = {"birth_date": birth_date, "education": education, "org_id": org_id}
        return member_id


class ActivitiesStub:
    """`POST /internal/evidence-orgs` answered from a dict: the activities and attachments it knows,
    with the organization of each."""

    def __init__(self) -> None:
        self.activities: dict[str, str] = {}
        self.attachments: dict[str, str] = {}
        # Held service activities per community; None: not answered (404, so that the diagnostics
        # of other tests judge nothing by it and the peer's breaker stays closed).
        self.service_activities: dict[str, int] | None = None
        self.service_windows: list[tuple[str, str]] = []
        self.down = False
        self.app = FastAPI()

        @self.app.get("/internal/community-service-activities")
        async def community_service_activities(within: str, start: str, end: str) -> dict[str, Any]:
            if self.service_activities is None:
                raise HTTPException(status_code=404)
            self.service_windows.append((start, end))
            return {"counts": self.service_activities}

        @self.app.post("/internal/evidence-orgs")
        async def evidence_orgs(body: dict[str, Any]) -> dict[str, Any]:
            return {
                "activities": {i: self.activities[i] for i in body["activity_ids"] if i in self.activities},
                "attachments": {i: self.attachments[i] for i in body["attachment_ids"] if i in self.attachments},
            }

    def new_activity(self, org_id: str) -> str:
        activity_id = str(uuid.uuid4())
        self.activities[activity_id] = org_id
        return activity_id

    def new_attachment(self, org_id: str) -> str:
        attachment_id = str(uuid.uuid4())
        self.attachments[attachment_id] = org_id
        return attachment_id


class SwitchableTransport(httpx.AsyncBaseTransport):
    """The stub in process, or a refused connection while `stub.down` is set."""

    def __init__(self, stub: MembersStub | ActivitiesStub) -> None:
        self.stub = stub
        self.inner = httpx.ASGITransport(app=stub.app)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.stub.down:
            raise httpx.ConnectError("refused", request=request)
        return await self.inner.handle_async_request(request)


@pytest.fixture
def members_stub() -> MembersStub:
    return MembersStub()


def orgs_settings(test_db: SuiteDatabase, **overrides: Any) -> OrgsSettings:
    return OrgsSettings(data_dir=test_db.data_dir, database_url=test_db.urls["orgs"], json_logs=False, **overrides)


@pytest.fixture
def activities_stub() -> ActivitiesStub:
    return ActivitiesStub()


def stubbed_peers(settings: OrgsSettings, stub: MembersStub, activities: ActivitiesStub | None = None) -> ServicePeers:
    transports = {"members": SwitchableTransport(stub), "activities": SwitchableTransport(activities or ActivitiesStub())}
    peers = ServicePeers(settings, CLIENT_ID, transports=transports)
    # The stub does not check tokens; skip asking a gateway for one.
    peers.tokens._token = "stub-token"
    peers.tokens._renew_at = float("inf")
    return peers


@pytest.fixture
async def orgs_api(
    test_db: SuiteDatabase, members_stub: MembersStub, activities_stub: ActivitiesStub
) -> AsyncIterator[httpx.AsyncClient]:
    """The orgs service in process, asking `members_stub` whatever it asks the members service and
    `activities_stub` whatever it asks the activities service."""
    settings = orgs_settings(test_db)
    async with in_process(create_app(settings, peers=stubbed_peers(settings, members_stub, activities_stub))) as client:
        yield client
