"""Tokens from the gateway: the first administrator, people and the services' machine clients."""

import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import httpx
import pytest

from gateway.app import create_app
from gateway.settings import GatewaySettings
from services.kit.auth import TokenVerifier
from stack.processes import PROJECT_ROOT
from tests.conftest import ADMIN_PASSWORD
from tests.support import AUDIENCE, ISSUER, SuiteDatabase, in_process


async def test_the_first_administrator_is_a_sysadmin_with_a_token_the_services_accept(
    gateway_client: httpx.AsyncClient, test_db: SuiteDatabase
) -> None:
    response = await gateway_client.post("/api/v1/auth/token", data={"username": "admin", "password": ADMIN_PASSWORD})

    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] > 0
    verifier = TokenVerifier.from_file(test_db.data_dir / "keys" / "jwt-public.pem", issuer=ISSUER, audience=AUDIENCE)
    # Accounts only: the three administration roles hold no business data (issue 6).
    assert verifier.verify(body["access_token"]).roles == {"sysadmin"}
    me = await gateway_client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.json()["username"] == "admin"


async def test_unknown_user_and_wrong_password_get_the_same_answer(gateway_client: httpx.AsyncClient) -> None:
    wrong_password = await gateway_client.post("/api/v1/auth/token", data={"username": "admin", "password": "nope"})
    unknown_user = await gateway_client.post("/api/v1/auth/token", data={"username": "nobody", "password": "nope"})

    assert wrong_password.status_code == unknown_user.status_code == 400  # RFC 6749 §5.2
    assert wrong_password.json()["error"] == "invalid_grant"
    assert wrong_password.json() == unknown_user.json()


async def test_missing_credentials_are_a_bad_request(gateway_client: httpx.AsyncClient) -> None:
    response = await gateway_client.post("/api/v1/auth/token", data={"username": "admin"})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"


async def test_a_service_client_gets_a_feed_reading_token(gateway_client: httpx.AsyncClient, test_db: SuiteDatabase) -> None:
    good = await gateway_client.post(
        "/api/v1/auth/token", data={"grant_type": "client_credentials", "client_id": "svc-test", "client_secret": "s3cret-value"}
    )
    bad = await gateway_client.post(
        "/api/v1/auth/token", data={"grant_type": "client_credentials", "client_id": "svc-test", "client_secret": "guess"}
    )

    assert good.status_code == 200
    verifier = TokenVerifier.from_file(test_db.data_dir / "keys" / "jwt-public.pem", issuer=ISSUER, audience=AUDIENCE)
    caller = verifier.verify(good.json()["access_token"])
    assert caller.kind == "service"
    assert "events:read" in caller.scopes
    assert bad.status_code == 401


async def test_a_user_token_cannot_read_a_feed(orgs_client: httpx.AsyncClient, gateway_client: httpx.AsyncClient) -> None:
    token = (await gateway_client.post("/api/v1/auth/token", data={"username": "admin", "password": ADMIN_PASSWORD})).json()
    response = await orgs_client.get("/internal/events", headers={"Authorization": f"Bearer {token['access_token']}"})
    assert response.status_code == 403


async def test_without_admin_password_a_password_is_generated_and_printed_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The first start of an empty gateway schema; a file of its own so that no admin exists yet.
    url = f"sqlite+aiosqlite:///{tmp_path / 'gateway.db'}"
    env = {**os.environ, "GATEWAY_DATABASE_URL": url}
    subprocess.run(
        [sys.executable, "-m", "stack", "migrate", "gateway"], env=env, cwd=PROJECT_ROOT, check=True, capture_output=True
    )
    settings = GatewaySettings(data_dir=tmp_path, database_url=url, json_logs=False, admin_password=None)

    async with in_process(create_app(settings)) as gateway:
        printed = capsys.readouterr().err
        password = re.search(r"password '([^']+)'", printed)
        assert password, printed
        token = await gateway.post("/api/v1/auth/token", data={"username": "admin", "password": password.group(1)})
        assert token.status_code == 200
    async with in_process(create_app(settings)):
        assert "password" not in capsys.readouterr().err


async def test_a_configured_business_account_is_made_at_start_once(test_db: SuiteDatabase) -> None:
    name = f"district-{uuid.uuid4().hex[:8]}"
    settings = GatewaySettings(
        data_dir=test_db.data_dir,
        database_url=test_db.urls["gateway"],
        json_logs=False,
        admin_password=ADMIN_PASSWORD,
        admin_org_admin_username=name,
        admin_org_admin_password="District-password-1",
    )
    async with in_process(create_app(settings)) as gateway:
        token = await gateway.post("/api/v1/auth/token", data={"username": name, "password": "District-password-1"})
        assert token.status_code == 200
        me = await gateway.get("/api/v1/me", headers={"Authorization": f"Bearer {token.json()['access_token']}"})
        assert me.json()["roles"] == ["org_admin"]
    # A later start with another password changes nothing: the account exists.
    async with in_process(create_app(settings.model_copy(update={"admin_org_admin_password": "Other-password-22"}))) as gateway:
        assert (
            await gateway.post("/api/v1/auth/token", data={"username": name, "password": "Other-password-22"})
        ).status_code == 400
