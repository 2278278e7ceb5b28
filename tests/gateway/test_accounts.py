"""Accounts through `/api/v1/users`: who may do what (separation of duties), the password
policy, lockout with identical answers, and the claims of a person's token."""

import uuid

import httpx
import jwt

from services.kit.auth import TokenVerifier
from tests.gateway.conftest import (
    PASSWORD,
    GatewayFactory,
    bearer,
    business_account,
    create_account,
    login,
    secadmin,
    sysadmin,
    token_of,
    unique,
)
from tests.support import AUDIENCE, ISSUER, SuiteDatabase


async def _usernames(client: httpx.AsyncClient, admin: dict[str, str]) -> set[str]:
    names: set[str] = set()
    cursor = None
    while True:
        params = {"limit": 200} | ({"cursor": cursor} if cursor else {})
        page = (await client.get("/api/v1/users", params=params, headers=admin)).json()
        names |= {user["username"] for user in page["items"]}
        cursor = page["next_cursor"]
        if not cursor:
            return names


async def test_the_sysadmin_creates_an_account_and_the_secadmin_gives_it_roles(gateway_client: httpx.AsyncClient) -> None:
    admin = await sysadmin(gateway_client)
    account = await create_account(gateway_client, admin)
    _, security = await secadmin(gateway_client, admin)
    org_id = uuid.uuid4()

    assigned = await gateway_client.put(
        f"/api/v1/users/{account['id']}/roles",
        json={"roles": ["viewer"], "scope_org_id": str(org_id)},
        headers=security | {"If-Match": "*"},
    )

    assert account["roles"] == []
    assert account["status"] == "active"
    assert assigned.status_code == 200, assigned.text
    assert assigned.json()["roles"] == ["viewer"]
    me = await gateway_client.get(
        "/api/v1/me", headers=bearer((await token_of(gateway_client, account["username"]))["access_token"])
    )
    assert me.json()["roles"] == ["viewer"]
    assert me.json()["scope_org_id"] == str(org_id)


async def test_duties_are_separated(gateway_client: httpx.AsyncClient) -> None:
    admin = await sysadmin(gateway_client)
    security_account, security = await secadmin(gateway_client, admin)
    account = await create_account(gateway_client, admin)
    url = f"/api/v1/users/{account['id']}/roles"

    two_admin_roles = await gateway_client.put(url, json={"roles": ["sysadmin", "auditor"]}, headers=security | {"If-Match": "*"})
    admin_and_business = await gateway_client.put(
        url, json={"roles": ["auditor", "org_admin"]}, headers=security | {"If-Match": "*"}
    )
    by_the_sysadmin = await gateway_client.put(url, json={"roles": ["viewer"]}, headers=admin | {"If-Match": "*"})
    to_oneself = await gateway_client.put(
        f"/api/v1/users/{security_account['id']}/roles",
        json={"roles": ["secadmin", "viewer"]},
        headers=security | {"If-Match": "*"},
    )
    created_by_secadmin = await gateway_client.post(
        "/api/v1/users", json={"username": unique("x"), "password": PASSWORD}, headers=security
    )
    created_with_business_role = await gateway_client.post(
        "/api/v1/users", json={"username": unique("x"), "password": PASSWORD, "roles": ["org_admin"]}, headers=admin
    )

    assert two_admin_roles.status_code == 422
    assert admin_and_business.status_code == 422
    assert by_the_sysadmin.status_code == 403
    assert to_oneself.status_code == 403
    assert created_by_secadmin.status_code == 403
    assert created_with_business_role.status_code == 422
    assert (await gateway_client.get(f"/api/v1/users/{account['id']}", headers=admin)).json()["roles"] == []


async def test_the_member_role_needs_a_member_record_and_its_token_names_it(
    gateway_client: httpx.AsyncClient, test_db: SuiteDatabase
) -> None:
    admin = await sysadmin(gateway_client)
    account = await create_account(gateway_client, admin)
    _, security = await secadmin(gateway_client, admin)
    member_id = uuid.uuid4()
    url = f"/api/v1/users/{account['id']}/roles"

    without = await gateway_client.put(url, json={"roles": ["member"]}, headers=security | {"If-Match": "*"})
    with_record = await gateway_client.put(
        url, json={"roles": ["member"], "member_id": str(member_id)}, headers=security | {"If-Match": "*"}
    )

    assert without.status_code == 422
    assert with_record.status_code == 200
    token = (await token_of(gateway_client, account["username"]))["access_token"]
    verifier = TokenVerifier.from_file(test_db.data_dir / "keys" / "jwt-public.pem", issuer=ISSUER, audience=AUDIENCE)
    assert verifier.verify(token).roles == {"member"}
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["member_id"] == str(member_id)
    assert claims["username"] == account["username"]
    assert claims["kind"] == "user"
    assert claims["typ"] == "access"
    assert {"sub", "iss", "aud", "exp", "iat", "jti", "scope", "scope_org_id"} <= set(claims)


async def test_business_and_other_roles_may_not_manage_accounts(gateway_client: httpx.AsyncClient) -> None:
    for roles in (["org_admin"], ["viewer"]):
        account = await business_account(gateway_client, roles)
        headers = bearer((await token_of(gateway_client, account["username"]))["access_token"])
        assert (await gateway_client.get("/api/v1/users", headers=headers)).status_code == 403
        assert (await gateway_client.post("/api/v1/users", json={}, headers=headers)).status_code == 403
    admin = await sysadmin(gateway_client)
    auditor = await create_account(gateway_client, admin, roles=["auditor"])
    auditor_headers = bearer((await token_of(gateway_client, auditor["username"]))["access_token"])
    assert (await gateway_client.get("/api/v1/users", headers=auditor_headers)).status_code == 403
    assert (await gateway_client.get("/api/v1/users")).status_code == 401


async def test_weak_passwords_are_refused_and_nothing_is_written(gateway_client: httpx.AsyncClient) -> None:
    admin = await sysadmin(gateway_client)
    cases = {
        "Short-1a": "at least 12",  # too short
        "alllowercaseletters": "at least 3 of",  # one kind
        "Password123!": "commonly used",  # common with a tail
        "Qwertyuiop2026": "commonly used",
    }
    names = []
    for password, reason in cases.items():
        name = unique("weak")
        names.append(name)
        response = await gateway_client.post("/api/v1/users", json={"username": name, "password": password}, headers=admin)
        assert response.status_code == 422, password
        assert response.json()["errors"][0]["field"] == "password"
        assert any(reason in error["message"] for error in response.json()["errors"]), response.json()
    assert not set(names) & await _usernames(gateway_client, admin)


async def test_unknown_fields_are_refused(gateway_client: httpx.AsyncClient) -> None:
    admin = await sysadmin(gateway_client)
    response = await gateway_client.post(
        "/api/v1/users", json={"username": unique("x"), "password": PASSWORD, "status": "active", "is_admin": True}, headers=admin
    )
    assert response.status_code == 422


async def test_after_five_failures_the_account_is_locked_with_the_same_answer_and_stays_locked(
    gateway_with: GatewayFactory,
) -> None:
    async with gateway_with() as client:
        account = await create_account(client, await sysadmin(client))
        name = account["username"]
        failures = [await login(client, name, "Wrong-password-99") for _ in range(5)]
        locked = await login(client, name, PASSWORD)
        unknown = await login(client, unique("nobody"), PASSWORD)

    assert [f.status_code for f in failures] == [400] * 5
    assert locked.status_code == unknown.status_code == 400
    assert locked.json() == {**unknown.json()}
    assert locked.headers.get("www-authenticate") == unknown.headers.get("www-authenticate")
    # Another replica (or the same after a restart) reads the lock from the database.
    async with gateway_with() as again:
        assert (await login(again, name, PASSWORD)).status_code == 400
        admin = await sysadmin(again)
        shown = (await again.get(f"/api/v1/users/{account['id']}", headers=admin)).json()
        assert shown["locked_until"] is not None
        unlocked = await again.patch(
            f"/api/v1/users/{account['id']}", json={"status": "active"}, headers=admin | {"If-Match": "*"}
        )
        assert unlocked.status_code == 200
        assert (await login(again, name, PASSWORD)).status_code == 200


async def test_four_failures_do_not_lock_and_a_success_resets_the_count(gateway_with: GatewayFactory) -> None:
    async with gateway_with() as client:
        name = (await create_account(client, await sysadmin(client)))["username"]
        for _ in range(4):
            await login(client, name, "Wrong-password-99")
        assert (await login(client, name, PASSWORD)).status_code == 200
        for _ in range(4):
            await login(client, name, "Wrong-password-99")
        assert (await login(client, name, PASSWORD)).status_code == 200


async def test_a_disabled_account_cannot_log_in_or_refresh(gateway_client: httpx.AsyncClient) -> None:
    admin = await sysadmin(gateway_client)
    account = await create_account(gateway_client, admin)
    tokens = await token_of(gateway_client, account["username"])

    disabled = await gateway_client.patch(
        f"/api/v1/users/{account['id']}", json={"status": "disabled"}, headers=admin | {"If-Match": "*"}
    )
    refused = await login(gateway_client, account["username"])
    unknown = await login(gateway_client, unique("nobody"))
    refresh = await gateway_client.post("/api/v1/auth/refresh", data={"refresh_token": tokens["refresh_token"]})

    assert disabled.status_code == 200
    assert refused.status_code == 400
    assert refused.json() == unknown.json()
    assert refresh.status_code == 401


async def test_nobody_disables_their_own_account(gateway_client: httpx.AsyncClient) -> None:
    admin = await sysadmin(gateway_client)
    me = (await gateway_client.get("/api/v1/me", headers=admin)).json()
    response = await gateway_client.patch(
        f"/api/v1/users/{me['id']}", json={"status": "disabled"}, headers=admin | {"If-Match": "*"}
    )
    assert response.status_code == 403
