"""A gateway in process with a policy of the test's choosing, accounts made through HTTP, and for the
events tests a gateway whose log is filled with synthetic service events and a webhook receiver."""

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from aiohttp import web
from sqlalchemy import func, select

from gateway.app import create_app
from gateway.events.delivery import DeliveryWorker
from gateway.events.ingest import apply_orgs_event, log_event
from gateway.events.models import EventRecord
from gateway.events.rules import DeliveryPolicy
from gateway.rules import GatewayPolicy
from gateway.settings import GatewaySettings
from services.kit.db import Database
from services.kit.outbox import START, FeedEvent
from services.kit.tree import child_path
from tests.conftest import ADMIN_PASSWORD
from tests.support import SuiteDatabase, Tokens, free_port_block, in_process

PASSWORD = "Strong-pass-2026!x"
GatewayFactory = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


def settings_for(test_db: SuiteDatabase, **overrides: Any) -> GatewaySettings:
    policy = overrides.pop("policy", {})
    return GatewaySettings(
        data_dir=test_db.data_dir,
        database_url=test_db.urls["gateway"],
        json_logs=False,
        admin_password=ADMIN_PASSWORD,
        service_clients={"svc-test": "s3cret-value"},
        policy=GatewayPolicy(**policy),
        **overrides,
    )


@pytest.fixture
def gateway_with(test_db: SuiteDatabase) -> GatewayFactory:
    """`async with gateway_with(policy={...}, orgs_url=...) as client:`"""

    @asynccontextmanager
    async def factory(**overrides: Any) -> AsyncIterator[httpx.AsyncClient]:
        async with in_process(create_app(settings_for(test_db, **overrides))) as client:
            yield client

    return factory


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def login(client: httpx.AsyncClient, username: str, password: str = PASSWORD, **extra: str) -> httpx.Response:
    return await client.post("/api/v1/auth/token", data={"username": username, "password": password, **extra})


async def token_of(client: httpx.AsyncClient, username: str, password: str = PASSWORD, **extra: str) -> dict[str, Any]:
    response = await login(client, username, password, **extra)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def sysadmin(client: httpx.AsyncClient) -> dict[str, str]:
    return bearer((await token_of(client, "admin", ADMIN_PASSWORD))["access_token"])


async def create_account(client: httpx.AsyncClient, admin: dict[str, str], *, roles: list[str] | None = None) -> dict[str, Any]:
    """A new account made by the sysadmin (with at most an administration role)."""
    response = await client.post(
        "/api/v1/users", json={"username": unique("u"), "password": PASSWORD, "roles": roles or []}, headers=admin
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def secadmin(client: httpx.AsyncClient, admin: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    account = await create_account(client, admin, roles=["secadmin"])
    return account, bearer((await token_of(client, account["username"]))["access_token"])


async def business_account(client: httpx.AsyncClient, roles: list[str], **assignment: Any) -> dict[str, Any]:
    """An account with business roles: made by the sysadmin, roles given by a secadmin."""
    admin = await sysadmin(client)
    account = await create_account(client, admin)
    _, security = await secadmin(client, admin)
    body = {"roles": roles, **{k: str(v) for k, v in assignment.items()}}
    response = await client.put(f"/api/v1/users/{account['id']}/roles", json=body, headers=security | {"If-Match": "*"})
    assert response.status_code == 200, response.text
    return dict(response.json())


# --- a raw HTTP upstream whose behaviour each test sets ---

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


async def read_request(reader: asyncio.StreamReader) -> tuple[bytes, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    chunked = False
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.lower() == b"content-length":
            length = int(value)
        if name.lower() == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    if chunked:
        body = b""
        while True:
            size = int((await reader.readline()).strip(), 16)
            if size == 0:
                await reader.readline()
                break
            body += await reader.readexactly(size)
            await reader.readline()
        return head, body
    return head, await reader.readexactly(length)


@pytest.fixture
async def upstream() -> AsyncIterator[tuple[int, list[Handler]]]:
    """A raw HTTP server on a free port whose behaviour each test sets."""
    port = free_port_block(1)
    handlers: list[Handler] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await handlers[0](reader, writer)
        finally:
            writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", port)
    yield port, handlers
    server.close()


# --- events for other systems (tests/gateway/test_events*.py) ---------------------------------
FAST = DeliveryPolicy(retry_window_s=3600, backoff_base_s=0.05, backoff_max_s=0.2, timeout_s=2.0)


def gateway_settings(test_db: SuiteDatabase, **overrides: Any) -> GatewaySettings:
    values: dict[str, Any] = {
        "data_dir": test_db.data_dir,
        "database_url": test_db.urls["gateway"],
        "json_logs": False,
        "run_scheduler": False,
        "admin_password": ADMIN_PASSWORD,
        "consume_feeds": False,
        "deliver_webhooks": False,
        "webhook_development_hosts": ["127.0.0.1"],
        "webhook_policy": FAST,
    }
    return GatewaySettings(**(values | overrides))


@dataclass
class Gateway:
    client: httpx.AsyncClient
    db: Database
    settings: GatewaySettings
    tokens: Tokens
    workers: list[DeliveryWorker] = field(default_factory=list)

    async def org(self, parent: dict[str, Any] | None = None) -> dict[str, Any]:
        """An organization as the orgs feed announces it (held in the gateway's replica and logged)."""
        org_id = uuid.uuid4()
        snapshot = {
            "id": str(org_id),
            "parent_id": parent["id"] if parent else None,
            "path": child_path(parent["path"] if parent else None, org_id),
            "version": 1,
            "name": f"org {org_id.hex[:6]}",
            "kind": "committee",
            "tier": "county",
            "status": "active",
        }
        async with self.db.write_sessions() as session:
            await apply_orgs_event(session, feed_event("org.created", org_id, snapshot))
            await session.commit()
        return snapshot

    async def event(self, source: str, type: str, payload: dict[str, Any]) -> FeedEvent:
        event = feed_event(type, uuid.UUID(payload.get("id") or str(uuid.uuid4())), payload)
        async with self.db.write_sessions() as session:
            await log_event(session, source, event)
            await session.commit()
        return event

    async def member_event(self, org: dict[str, Any], type: str = "member.created", **extra: Any) -> FeedEvent:
        return await self.event("members", type, {"id": str(uuid.uuid4()), "org_id": org["id"], "version": 1, **extra})

    async def last_seq(self) -> str:
        async with self.db.read_sessions() as session:
            return str(await session.scalar(select(func.coalesce(func.max(EventRecord.seq), 0))))

    def client_headers(self, *scopes: str, subject: str | None = None, scope_org_id: str | None = None) -> dict[str, str]:
        token = self.tokens.signer.access_token(
            subject=subject or f"client-{uuid.uuid4().hex[:8]}",
            kind="client",
            scopes=scopes,
            scope_org_id=uuid.UUID(scope_org_id) if scope_org_id else None,
        )
        return {"Authorization": f"Bearer {token}"}

    def worker(self, **policy: Any) -> DeliveryWorker:
        settings = self.settings.model_copy(update={"webhook_policy": FAST.model_copy(update=policy)})
        worker = DeliveryWorker(settings, self.db)
        self.workers.append(worker)
        return worker

    async def close(self) -> None:
        for worker in self.workers:
            await worker.stop()


def feed_event(type: str, aggregate_id: uuid.UUID, payload: dict[str, Any]) -> FeedEvent:
    return FeedEvent(
        cursor=START, id=uuid.uuid4(), type=type, aggregate_id=aggregate_id, payload=payload, occurred_at=datetime.now(UTC)
    )


@pytest.fixture
async def gateway(test_db: SuiteDatabase, tokens: Tokens) -> AsyncIterator[Gateway]:
    settings = gateway_settings(test_db)
    app = create_app(settings)
    async with in_process(app) as client:
        gateway = Gateway(client=client, db=app.state.db, settings=settings, tokens=tokens)
        yield gateway
        await gateway.close()


@pytest.fixture
async def strict_gateway(test_db: SuiteDatabase, tokens: Tokens) -> AsyncIterator[Gateway]:
    """As deployed in production: no development hosts."""
    settings = gateway_settings(test_db, webhook_development_hosts=[])
    app = create_app(settings)
    async with in_process(app) as client:
        yield Gateway(client=client, db=app.state.db, settings=settings, tokens=tokens)


@dataclass
class Receiver:
    """A webhook receiver on 127.0.0.1: records what it gets, answers `status` (or redirects)."""

    status: int = 200
    redirect_to: str | None = None
    received: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        self.received.append({"headers": dict(request.headers), "body": body, "path": request.path})
        if self.redirect_to:
            raise web.HTTPFound(self.redirect_to)
        return web.Response(status=self.status)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    state = Receiver()
    app = web.Application()
    app.router.add_post("/{tail:.*}", state.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    state.url = f"http://127.0.0.1:{port}/hook"
    yield state
    await runner.cleanup()


async def subscribe(gateway: Gateway, headers: dict[str, str], url: str, types: list[str]) -> dict[str, Any]:
    response = await gateway.client.post("/api/v1/subscriptions", json={"url": url, "event_types": types}, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


# ---------------------------------------------------------------- the pull feed
