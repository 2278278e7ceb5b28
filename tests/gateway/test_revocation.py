"""Revoked access tokens end at the gateway at once, and the gateway publishes the revocations on
its feed for the services (the real processes: tests/e2e/test_revocation_live.py)."""

import asyncio
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import select, update

from gateway.enums import AccountStatus
from gateway.models import SCHEMA, outbox
from services.kit.db import Database
from services.kit.revocation import TOKEN_REVOKED
from tests.gateway.conftest import (
    PASSWORD,
    GatewayFactory,
    bearer,
    business_account,
    create_account,
    secadmin,
    sysadmin,
    token_of,
)
from tests.support import SuiteDatabase, Tokens

ME = "/api/v1/me"


async def business_login(client: httpx.AsyncClient, roles: list[str] | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    account = await business_account(client, roles or ["org_admin"], scope_org_id=uuid.uuid4())
    return account, await token_of(client, account["username"])


async def status_of(client: httpx.AsyncClient, tokens: dict[str, Any]) -> int:
    return (await client.get(ME, headers=bearer(tokens["access_token"]))).status_code


async def refused(client: httpx.AsyncClient, tokens: dict[str, Any]) -> bool:
    """Whether the token is refused within a second (the gateway reads its revocations at most
    `revocation_poll_interval_s`, 0.2 s, after they were written)."""
    deadline = time.monotonic() + 1.0
    while await status_of(client, tokens) != 401:
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True


class TestRevokedAtTheGateway:
    async def test_logout_ends_the_access_token_too(self, gateway_with: GatewayFactory) -> None:
        async with gateway_with() as client:
            _, tokens = await business_login(client)
            other = await token_of(client, (await client.get(ME, headers=bearer(tokens["access_token"]))).json()["username"])
            assert await status_of(client, tokens) == 200
            response = await client.post("/api/v1/auth/logout", data={"refresh_token": tokens["refresh_token"]})
            assert response.status_code == 204
            assert await refused(client, tokens)
            assert await status_of(client, other) == 200  # another login of the same person goes on

    async def test_disabling_and_a_new_password_end_the_tokens_issued_before(self, gateway_with: GatewayFactory) -> None:
        async with gateway_with() as client:
            admin = await sysadmin(client)
            for change in ({"password": "Another-strong-pass-7!"}, {"status": AccountStatus.disabled}):
                account = await create_account(client, admin)
                tokens = await token_of(client, account["username"])
                assert await status_of(client, tokens) == 200
                response = await client.patch(f"/api/v1/users/{account['id']}", json=change, headers=admin | {"If-Match": "*"})
                assert response.status_code == 200, response.text
                assert await refused(client, tokens), change

    async def test_a_demotion_ends_the_tokens_with_the_old_roles(self, gateway_with: GatewayFactory) -> None:
        async with gateway_with() as client:
            account, tokens = await business_login(client)
            _, security = await secadmin(client, await sysadmin(client))
            body = {"roles": ["viewer"], "scope_org_id": str(uuid.uuid4())}
            response = await client.put(f"/api/v1/users/{account['id']}/roles", json=body, headers=security | {"If-Match": "*"})
            assert response.status_code == 200, response.text
            assert await refused(client, tokens)
            again = await token_of(client, account["username"])
            me = await client.get(ME, headers=bearer(again["access_token"]))
            assert me.status_code == 200
            assert me.json()["roles"] == ["viewer"]

    async def test_a_disabled_client_s_token_ends(self, gateway_with: GatewayFactory) -> None:
        async with gateway_with() as client:
            admin = await sysadmin(client)
            created = await client.post(
                "/api/v1/clients",
                json={"name": "统计系统", "scopes": ["orgs:read"], "scope_org_id": str(uuid.uuid4())},
                headers=admin,
            )
            assert created.status_code == 201, created.text
            machine = created.json()
            grant = {
                "grant_type": "client_credentials",
                "client_id": machine["client_id"],
                "client_secret": machine["client_secret"],
            }
            tokens = (await client.post("/api/v1/auth/token", data=grant)).json()
            assert await status_of(client, tokens) == 200
            response = await client.patch(
                f"/api/v1/clients/{machine['id']}", json={"status": AccountStatus.disabled}, headers=admin | {"If-Match": "*"}
            )
            assert response.status_code == 200, response.text
            assert await refused(client, tokens)
            assert (await client.post("/api/v1/auth/token", data=grant)).status_code == 401

    async def test_a_refresh_token_presented_twice_ends_its_access_tokens(self, gateway_with: GatewayFactory) -> None:
        async with gateway_with() as client:
            _, tokens = await business_login(client)
            renewed = (await client.post("/api/v1/auth/refresh", data={"refresh_token": tokens["refresh_token"]})).json()
            assert await status_of(client, renewed) == 200
            reuse = await client.post("/api/v1/auth/refresh", data={"refresh_token": tokens["refresh_token"]})
            assert reuse.status_code == 401
            assert await refused(client, renewed)

    async def test_the_revocations_are_on_the_gateway_s_feed_for_the_services(
        self, gateway_with: GatewayFactory, tokens: Tokens
    ) -> None:
        async with gateway_with() as client:
            service = tokens.headers("service", scopes=("events:read",))
            after = (await client.get("/internal/events", params={"limit": 500}, headers=service)).json()["next_cursor"]
            account, login = await business_login(client)
            await client.post("/api/v1/auth/logout", data={"refresh_token": login["refresh_token"]})
            page = (await client.get("/internal/events", params={"after": after}, headers=service)).json()
            payloads = [event["payload"] for event in page["events"] if event["type"] == "token.revoked"]
            assert payloads[-2]["subject"] == account["id"]  # the roles given: tokens before them end
            assert payloads[-2]["version"] >= 2
            assert payloads[-1]["session"]
            assert payloads[-1]["subject"] is None
            assert (await client.get("/internal/events", headers=bearer(login["access_token"]))).status_code in (401, 403)


class TestTheSubjectMustExist:
    async def test_a_well_signed_token_for_an_unknown_account_or_client_is_refused(
        self, gateway_with: GatewayFactory, tokens: Tokens
    ) -> None:
        async with gateway_with(verify_token_subjects=True) as client:
            assert (await client.get(ME, headers=tokens.headers("org_admin"))).status_code == 401
            made_up = tokens.client("orgs:read", scope_org_id=uuid.uuid4())
            assert (await client.get(ME, headers=made_up)).status_code == 401
            assert (await client.get(ME, headers=tokens.headers("service", scopes=("events:read",)))).status_code == 401
            account = await create_account(client, await sysadmin(client))
            assert await status_of(client, await token_of(client, account["username"], PASSWORD)) == 200

    async def test_without_the_check_the_suite_s_made_up_subjects_pass(
        self, gateway_with: GatewayFactory, tokens: Tokens
    ) -> None:
        async with gateway_with(verify_token_subjects=False) as client:
            assert (await client.get(ME, headers=tokens.headers("org_admin"))).status_code == 200


class TestLifetimeCap:
    async def test_a_token_with_a_far_exp_is_refused(self, gateway_with: GatewayFactory, tokens: Tokens) -> None:
        async with gateway_with() as client:
            forever = tokens.signer.access_token(subject=str(uuid.uuid4()), kind="user", roles=["org_admin"], lifetime_s=10**8)
            assert (await client.get(ME, headers=bearer(forever))).status_code == 401
            future = tokens.signer.access_token(
                subject=str(uuid.uuid4()), kind="user", roles=["org_admin"], iat=int(time.time()) + 86400
            )
            assert (await client.get(ME, headers=bearer(future))).status_code == 401


class TestOutlivedRevocations:
    async def test_revocations_leave_the_feed_once_every_token_they_ended_has_expired(
        self, test_db: SuiteDatabase, gateway_with: GatewayFactory
    ) -> None:
        async with gateway_with(run_scheduler=True, revocations_prune_interval_s=0.2, scheduler_tick_s=0.1) as client:
            for _ in range(2):
                await logged_out(client)
            before = await revocation_seqs(test_db)
            # Made longer ago than a token lives (15 minutes, plus twice the clock skew): the
            # first outlived, the second just within the time one of its tokens could be valid.
            await age(test_db, before[0], seconds=900 + 120 + 5)
            await age(test_db, before[1], seconds=900 + 120 - 30)
            after_one = await settled(test_db, lambda seqs: seqs != before)  # the job runs every 0.2 s
            for seq in before:
                await age(test_db, seq, seconds=10_000)
            after_all = await settled(test_db, lambda seqs: len(seqs) == 1)
            await logged_out(client)
            latest = await revocation_seqs(test_db)

        assert after_one == before[1:]
        assert after_all == before[-1:]  # the newest stays, however old, so its number is never reused
        assert latest[-1] > before[-1]


async def logged_out(client: httpx.AsyncClient) -> None:
    _, tokens = await business_login(client)
    assert (await client.post("/api/v1/auth/logout", data={"refresh_token": tokens["refresh_token"]})).status_code == 204


async def settled(test_db: SuiteDatabase, done: Callable[[list[int]], bool], within_s: float = 10.0) -> list[int]:
    """The revocations once `done` holds of them, or as they are after `within_s`."""
    deadline = time.monotonic() + within_s
    while not done(seqs := await revocation_seqs(test_db)) and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    return seqs


def _gateway_db(test_db: SuiteDatabase) -> Database:
    return Database(test_db.urls["gateway"], SCHEMA)


async def revocation_seqs(test_db: SuiteDatabase) -> list[int]:
    db = _gateway_db(test_db)
    async with db.read_sessions() as session:
        rows = await session.execute(select(outbox.c.seq).where(outbox.c.type == TOKEN_REVOKED).order_by(outbox.c.seq))
        seqs = [int(row.seq) for row in rows]
    await db.dispose()
    return seqs


async def age(test_db: SuiteDatabase, seq: int, *, seconds: float) -> None:
    db = _gateway_db(test_db)
    async with db.write_sessions() as session:
        occurred_at = datetime.now(UTC) - timedelta(seconds=seconds)
        await session.execute(update(outbox).where(outbox.c.seq == seq).values(occurred_at=occurred_at))
        await session.commit()
    await db.dispose()
