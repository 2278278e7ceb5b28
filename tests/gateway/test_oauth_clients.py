"""The token endpoint as off-the-shelf OAuth2 clients use it (RFC 6749), driven by authlib's
client against the real gateway app: client credentials with HTTP Basic and in the body, the
password grant and a refresh through the token endpoint, and §5.2's error codes and statuses."""

import base64
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import jwt
import pytest
from authlib.integrations.httpx_client import AsyncOAuth2Client, OAuthError

from gateway.app import create_app
from tests.gateway.conftest import PASSWORD, create_account, secadmin, settings_for, sysadmin
from tests.support import SuiteDatabase

TOKEN_URL = "http://testserver/api/v1/auth/token"

OAuthClients = Callable[..., AsyncOAuth2Client]


@pytest.fixture
async def gateway(test_db: SuiteDatabase) -> AsyncIterator[tuple[httpx.AsyncClient, OAuthClients]]:
    """The gateway app, a plain client for setting things up and a maker of authlib clients."""
    app = create_app(settings_for(test_db))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        made: list[AsyncOAuth2Client] = []

        def oauth(**options: Any) -> AsyncOAuth2Client:
            made.append(AsyncOAuth2Client(transport=transport, base_url="http://testserver", **options))
            return made[-1]

        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as plain:
            yield plain, oauth
        for client in made:
            await client.aclose()


@asynccontextmanager
async def _raises_oauth(error: str) -> AsyncIterator[None]:
    with pytest.raises(OAuthError) as raised:
        yield
    assert raised.value.error == error


async def _registered(plain: httpx.AsyncClient, scopes: list[str]) -> dict[str, Any]:
    _, security = await secadmin(plain, await sysadmin(plain))
    body = {"name": "縣檔案館系統", "scopes": scopes, "scope_org_id": "0b7f8e76-2b7e-4c52-9a53-3b7f0c1c9a01"}
    response = await plain.post("/api/v1/clients", json=body, headers=security)
    assert response.status_code == 201, response.text
    return dict(response.json())


def _claims(token: dict[str, Any]) -> dict[str, Any]:
    return dict(jwt.decode(token["access_token"], options={"verify_signature": False}))


async def test_client_credentials_with_http_basic_and_in_the_body(gateway: tuple[httpx.AsyncClient, OAuthClients]) -> None:
    plain, oauth = gateway
    registered = await _registered(plain, ["orgs:read", "members:read"])
    basic = oauth(client_id=registered["client_id"], client_secret=registered["client_secret"])  # client_secret_basic
    in_body = oauth(
        client_id=registered["client_id"],
        client_secret=registered["client_secret"],
        token_endpoint_auth_method="client_secret_post",
    )

    by_basic = await basic.fetch_token(TOKEN_URL, grant_type="client_credentials")
    by_body = await in_body.fetch_token(TOKEN_URL, grant_type="client_credentials")
    narrowed = await basic.fetch_token(TOKEN_URL, grant_type="client_credentials", scope="orgs:read")

    assert _claims(by_basic)["kind"] == _claims(by_body)["kind"] == "client"
    assert sorted(_claims(by_basic)["scope"].split()) == ["members:read", "orgs:read"]
    assert by_basic["token_type"] == "bearer"
    assert narrowed["scope"] == "orgs:read"
    assert _claims(narrowed)["scope"] == "orgs:read"
    async with _raises_oauth("invalid_scope"):
        await basic.fetch_token(TOKEN_URL, grant_type="client_credentials", scope="members:pii")


async def test_a_wrong_client_secret_by_basic_is_401_invalid_client_with_the_challenge(
    gateway: tuple[httpx.AsyncClient, OAuthClients],
) -> None:
    plain, oauth = gateway
    registered = await _registered(plain, ["orgs:read"])
    async with _raises_oauth("invalid_client"):
        await oauth(client_id=registered["client_id"], client_secret="not-the-secret").fetch_token(
            TOKEN_URL, grant_type="client_credentials"
        )
    raw = await plain.post(
        "/api/v1/auth/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": "Basic " + base64.b64encode(f"{registered['client_id']}:nope".encode()).decode()},
    )

    assert raw.status_code == 401
    assert raw.headers["www-authenticate"].startswith("Basic")
    # Both shapes in one body: the problem document and RFC 6749's error fields.
    body = raw.json()
    assert raw.headers["content-type"] == "application/problem+json"
    assert body["type"] == "/problems/invalid-client"
    assert body["status"] == 401
    assert body["error"] == "invalid_client"
    assert body["error_description"] == body["detail"]


async def test_password_grant_then_a_refresh_through_the_token_endpoint(gateway: tuple[httpx.AsyncClient, OAuthClients]) -> None:
    plain, oauth = gateway
    account = await create_account(plain, await sysadmin(plain))
    person = oauth(token_endpoint_auth_method="none")  # a public client: our web and mobile frontends

    first = await person.fetch_token(TOKEN_URL, username=account["username"], password=PASSWORD)
    refreshed = await person.refresh_token(TOKEN_URL, refresh_token=first["refresh_token"])

    assert _claims(refreshed)["sub"] == _claims(first)["sub"] == account["id"]
    assert refreshed["refresh_token"] != first["refresh_token"]
    me = await plain.get("/api/v1/me", headers={"Authorization": f"Bearer {refreshed['access_token']}"})
    assert me.json()["username"] == account["username"]
    # The first refresh token was used up: presenting it again is theft, and the login is revoked.
    async with _raises_oauth("invalid_grant"):
        await person.refresh_token(TOKEN_URL, refresh_token=first["refresh_token"])
    async with _raises_oauth("invalid_grant"):
        await person.refresh_token(TOKEN_URL, refresh_token=refreshed["refresh_token"])


async def test_rfc_6749_error_codes_and_statuses(gateway: tuple[httpx.AsyncClient, OAuthClients]) -> None:
    plain, oauth = gateway
    account = await create_account(plain, await sysadmin(plain))
    async with _raises_oauth("invalid_grant"):
        await oauth(token_endpoint_auth_method="none").fetch_token(TOKEN_URL, username=account["username"], password="Wrong-99!")

    wrong_password = await plain.post("/api/v1/auth/token", data={"username": account["username"], "password": "Wrong-99!"})
    unknown_grant = await plain.post("/api/v1/auth/token", data={"grant_type": "implicit"})
    no_refresh_token = await plain.post("/api/v1/auth/token", data={"grant_type": "refresh_token"})
    two_ways = await plain.post(
        "/api/v1/auth/token",
        data={"grant_type": "client_credentials", "client_id": "a", "client_secret": "b"},
        headers={"Authorization": "Basic " + base64.b64encode(b"a:b").decode()},
    )
    too_long = await plain.post("/api/v1/auth/token", data={"username": "x" * 300, "password": "y"})

    assert (wrong_password.status_code, wrong_password.json()["error"]) == (400, "invalid_grant")
    assert (unknown_grant.status_code, unknown_grant.json()["error"]) == (400, "unsupported_grant_type")
    assert (no_refresh_token.status_code, no_refresh_token.json()["error"]) == (400, "invalid_request")
    assert (two_ways.status_code, two_ways.json()["error"]) == (400, "invalid_request")
    assert (too_long.status_code, too_long.json()["error"]) == (400, "invalid_request")
    assert wrong_password.headers["cache-control"] == "no-store"
