"""Sessions: refresh tokens rotated on use (reuse revokes the login), idle and absolute
timeouts, logout, and the TOTP second factor."""

from datetime import UTC, datetime, timedelta

import jwt
import pyotp

from tests.gateway.conftest import GatewayFactory, bearer, create_account, login, sysadmin, token_of


async def _refresh(client: object, token: str) -> object:
    return await client.post("/api/v1/auth/refresh", data={"refresh_token": token})  # type: ignore[attr-defined]


async def test_a_refresh_token_is_rotated_and_its_reuse_revokes_the_whole_login(gateway_with: GatewayFactory) -> None:
    async with gateway_with() as client:
        name = (await create_account(client, await sysadmin(client)))["username"]
        first = await token_of(client, name)

        second = await client.post("/api/v1/auth/refresh", data={"refresh_token": first["refresh_token"]})
        assert second.status_code == 200, second.text
        rotated = second.json()
        assert rotated["refresh_token"] != first["refresh_token"]
        assert jwt.decode(rotated["access_token"], options={"verify_signature": False})["username"] == name

        reused = await client.post("/api/v1/auth/refresh", data={"refresh_token": first["refresh_token"]})
        after_reuse = await client.post("/api/v1/auth/refresh", data={"refresh_token": rotated["refresh_token"]})

    assert reused.status_code == 401
    assert after_reuse.status_code == 401  # the thief's and the owner's tokens are both gone


async def test_logout_revokes_the_refresh_token(gateway_with: GatewayFactory) -> None:
    async with gateway_with() as client:
        name = (await create_account(client, await sysadmin(client)))["username"]
        tokens = await token_of(client, name)
        other_login = await token_of(client, name)

        logout = await client.post("/api/v1/auth/logout", data={"refresh_token": tokens["refresh_token"]})
        refresh = await client.post("/api/v1/auth/refresh", data={"refresh_token": tokens["refresh_token"]})
        other = await client.post("/api/v1/auth/refresh", data={"refresh_token": other_login["refresh_token"]})

    assert logout.status_code == 204
    assert refresh.status_code == 401
    assert other.status_code == 200  # another device's login is its own


async def test_an_idle_login_cannot_be_refreshed(gateway_with: GatewayFactory) -> None:
    async with gateway_with() as client:
        name = (await create_account(client, await sysadmin(client)))["username"]
    async with gateway_with(policy={"refresh_idle_timeout_s": 0}) as idle:
        tokens = await token_of(idle, name)
        refresh = await idle.post("/api/v1/auth/refresh", data={"refresh_token": tokens["refresh_token"]})
    async with gateway_with(policy={"refresh_absolute_lifetime_s": 0}) as expired:
        tokens = await token_of(expired, name)
        too_old = await expired.post("/api/v1/auth/refresh", data={"refresh_token": tokens["refresh_token"]})
    async with gateway_with() as fresh:
        tokens = await token_of(fresh, name)
        fine = await fresh.post("/api/v1/auth/refresh", data={"refresh_token": tokens["refresh_token"]})

    assert refresh.status_code == 401
    assert too_old.status_code == 401
    assert fine.status_code == 200


async def test_once_enrolled_the_totp_code_is_required(gateway_with: GatewayFactory) -> None:
    async with gateway_with() as client:
        name = (await create_account(client, await sysadmin(client), roles=["auditor"]))["username"]
        headers = bearer((await token_of(client, name))["access_token"])

        enrollment = await client.post("/api/v1/auth/totp", headers=headers)
        assert enrollment.status_code == 201
        totp = pyotp.TOTP(enrollment.json()["secret"])
        wrong_code = await client.post(
            "/api/v1/auth/totp/confirm", json={"code": "000000" if totp.now() != "000000" else "111111"}, headers=headers
        )
        confirming_code = totp.now()
        confirmed = await client.post("/api/v1/auth/totp/confirm", json={"code": confirming_code}, headers=headers)
        again = await client.post("/api/v1/auth/totp", headers=headers)

        # The confirming code is used up; the next step's code is within the allowed drift.
        next_code = totp.at(datetime.now(UTC) + timedelta(seconds=30))
        without_code = await login(client, name)
        with_wrong_code = await login(client, name, totp="123456" if next_code != "123456" else "654321")
        replayed = await login(client, name, totp=confirming_code)
        with_code = await login(client, name, totp=next_code)
        with_the_same_code_again = await login(client, name, totp=next_code)

    assert wrong_code.status_code == 422
    assert confirmed.status_code == 204
    assert again.status_code == 409  # the secret is shown once only
    assert without_code.status_code == 400  # RFC 6749 §5.2 invalid_grant
    assert with_wrong_code.status_code == 400  # RFC 6749 §5.2 invalid_grant
    assert replayed.status_code == 400  # RFC 6749 §5.2 invalid_grant
    assert with_code.status_code == 200
    assert with_the_same_code_again.status_code == 400  # RFC 6749 §5.2 invalid_grant
    assert jwt.decode(with_code.json()["access_token"], options={"verify_signature": False})["amr"] == ["pwd", "otp"]


async def test_the_policy_can_require_totp_for_administrators(gateway_with: GatewayFactory) -> None:
    async with gateway_with() as client:
        name = (await create_account(client, await sysadmin(client), roles=["sysadmin"]))["username"]
    async with gateway_with(policy={"admin_totp_required": True}) as strict:
        headers = bearer((await token_of(strict, name))["access_token"])
        before = await strict.get("/api/v1/users", headers=headers)
        secret = (await strict.post("/api/v1/auth/totp", headers=headers)).json()["secret"]
        await strict.post("/api/v1/auth/totp/confirm", json={"code": pyotp.TOTP(secret).now()}, headers=headers)
        next_code = pyotp.TOTP(secret).at(datetime.now(UTC) + timedelta(seconds=30))
        headers = bearer((await token_of(strict, name, totp=next_code))["access_token"])
        after = await strict.get("/api/v1/users", headers=headers)

    assert before.status_code == 403
    assert after.status_code == 200
