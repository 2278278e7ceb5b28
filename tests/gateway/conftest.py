"""A gateway in process with a policy of the test's choosing, and accounts made through HTTP."""

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import httpx
import pytest

from gateway.app import create_app
from gateway.rules import GatewayPolicy
from gateway.settings import GatewaySettings
from tests.conftest import ADMIN_PASSWORD
from tests.support import SuiteDatabase, free_port_block, in_process

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
