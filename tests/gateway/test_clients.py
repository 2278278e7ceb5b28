"""Machine clients of other systems: registration by sysadmin or secadmin, the secret shown
once, client credentials tokens (kind client, scopes, scope organization), expiry and rotation."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from services.kit.auth import TokenVerifier
from tests.gateway.conftest import GatewayFactory, bearer, business_account, secadmin, sysadmin, token_of
from tests.support import AUDIENCE, ISSUER, SuiteDatabase


async def _grant(client: httpx.AsyncClient, client_id: str, secret: str) -> httpx.Response:
    return await client.post(
        "/api/v1/auth/token", data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    )


async def _register(client: httpx.AsyncClient, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/clients", json={"name": "省黨員信息系統", "scopes": ["members:read"]} | body, headers=headers
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_a_registered_client_gets_a_client_token_with_its_scopes(
    gateway_client: httpx.AsyncClient, test_db: SuiteDatabase
) -> None:
    admin = await sysadmin(gateway_client)
    _, security = await secadmin(gateway_client, admin)
    org_id = uuid.uuid4()
    registered = await _register(gateway_client, security, scopes=["members:read", "activities:write"], scope_org_id=str(org_id))

    good = await _grant(gateway_client, registered["client_id"], registered["client_secret"])
    bad = await _grant(gateway_client, registered["client_id"], "not-the-secret")
    shown = await gateway_client.get(f"/api/v1/clients/{registered['id']}", headers=admin)

    assert good.status_code == 200, good.text
    verifier = TokenVerifier.from_file(test_db.data_dir / "keys" / "jwt-public.pem", issuer=ISSUER, audience=AUDIENCE)
    caller = verifier.verify(good.json()["access_token"])
    assert caller.kind == "client"
    assert caller.roles == frozenset()
    assert caller.scopes == {"members:read", "activities:write"}
    assert caller.scope_org_id == org_id
    assert bad.status_code == 401
    assert "client_secret" not in shown.json()
    assert shown.json()["scopes"] == ["activities:write", "members:read"]


async def test_a_rotated_secret_keeps_the_old_one_for_the_grace_period_only(gateway_with: GatewayFactory) -> None:
    async with gateway_with() as client:
        admin = await sysadmin(client)
        registered = await _register(client, admin)
        rotated = await client.post(f"/api/v1/clients/{registered['id']}/rotate", headers=admin)
        assert rotated.status_code == 200
        new_secret = rotated.json()["client_secret"]
        assert new_secret != registered["client_secret"]
        old_in_grace = await _grant(client, registered["client_id"], registered["client_secret"])
        new = await _grant(client, registered["client_id"], new_secret)
    async with gateway_with(policy={"client_secret_grace_s": 0}) as client:
        admin = await sysadmin(client)
        rotated_again = (await client.post(f"/api/v1/clients/{registered['id']}/rotate", headers=admin)).json()
        old_after_grace = await _grant(client, registered["client_id"], new_secret)
        newest = await _grant(client, registered["client_id"], rotated_again["client_secret"])

    assert old_in_grace.status_code == 200
    assert new.status_code == 200
    assert old_after_grace.status_code == 401
    assert newest.status_code == 200


async def test_an_expired_or_disabled_client_gets_no_token(gateway_client: httpx.AsyncClient) -> None:
    admin = await sysadmin(gateway_client)
    expired = await _register(gateway_client, admin, expires_at=(datetime.now(UTC) - timedelta(minutes=1)).isoformat())
    disabled = await _register(gateway_client, admin)
    await gateway_client.patch(
        f"/api/v1/clients/{disabled['id']}", json={"status": "disabled"}, headers=admin | {"If-Match": "*"}
    )

    assert (await _grant(gateway_client, expired["client_id"], expired["client_secret"])).status_code == 401
    assert (await _grant(gateway_client, disabled["client_id"], disabled["client_secret"])).status_code == 401


async def test_scopes_outside_the_list_and_unknown_fields_are_refused(gateway_client: httpx.AsyncClient) -> None:
    admin = await sysadmin(gateway_client)
    unknown_scope = await gateway_client.post("/api/v1/clients", json={"name": "x", "scopes": ["members:delete"]}, headers=admin)
    extra_field = await gateway_client.post(
        "/api/v1/clients", json={"name": "x", "scopes": ["orgs:read"], "secret_hash": "abc"}, headers=admin
    )
    taken = await gateway_client.post(
        "/api/v1/clients", json={"name": "x", "scopes": ["orgs:read"], "client_id": "svc-test"}, headers=admin
    )

    assert unknown_scope.status_code == 422
    assert extra_field.status_code == 422
    assert taken.status_code == 409


async def test_only_sysadmin_and_secadmin_manage_clients(gateway_client: httpx.AsyncClient) -> None:
    account = await business_account(gateway_client, ["org_admin"])
    headers = bearer((await token_of(gateway_client, account["username"]))["access_token"])
    assert (await gateway_client.get("/api/v1/clients", headers=headers)).status_code == 403
    assert (await gateway_client.post("/api/v1/clients", json={}, headers=headers)).status_code == 403
    admin = await sysadmin(gateway_client)
    listed = await gateway_client.get("/api/v1/clients", headers=admin)
    assert listed.status_code == 200
    assert "items" in listed.json()
