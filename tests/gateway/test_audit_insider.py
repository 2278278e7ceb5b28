"""The audit trail against an insider with write access to the database but not to the gateway's
host (issue #17, finding 7): the keyed chain, the signed checkpoints kept outside the database,
and `/audit/verify` holding the table against them.

Each test has a gateway database of its own, since it rewrites or truncates the trail."""

import asyncio
import base64
import hashlib
import hmac
import json
import logging
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from sqlalchemy import delete, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.app import create_app
from gateway.models import AuditEvent
from gateway.rules.audit import GENESIS_HASH, audit_hash, canonical_audit_content, checkpoint_content
from gateway.service.audit import row_content
from gateway.settings import GatewaySettings
from services.kit.db import Database
from stack.postgres import drop_database, provision, service_url
from stack.processes import PROJECT_ROOT
from tests.conftest import ADMIN_PASSWORD
from tests.gateway.conftest import bearer, create_account, login, sysadmin, token_of, unique
from tests.support import POSTGRES_ADMIN_URL, in_process, on_postgres, wait_until

Digest = Callable[[dict[str, Any]], str]


@dataclass
class OwnTrail:
    data_dir: Path
    url: str  # the gateway's own role
    insider_url: str  # a superuser on PostgreSQL; the file itself on SQLite
    postgres_database: str | None = None

    def settings(self, **overrides: Any) -> GatewaySettings:
        values: dict[str, Any] = {
            "data_dir": self.data_dir,
            "database_url": self.url,
            "json_logs": False,
            "admin_password": ADMIN_PASSWORD,
            "run_scheduler": False,
            "consume_feeds": False,
            "deliver_webhooks": False,
        }
        return GatewaySettings(**(values | overrides))

    @asynccontextmanager
    async def gateway(self, **overrides: Any) -> AsyncIterator[httpx.AsyncClient]:
        async with in_process(create_app(self.settings(**overrides))) as client:
            yield client

    async def as_insider(self, work: Callable[[AsyncSession], Awaitable[None]]) -> None:
        """Change the trail behind the gateway's back, as someone who can write the database:
        a superuser with triggers off on PostgreSQL, the file without its triggers on SQLite."""
        db = Database(self.insider_url, "gateway")
        try:
            async with db.write_sessions() as session:
                if on_postgres():
                    await session.execute(text("SET session_replication_role = replica"))
                else:
                    for trigger in ("audit_events_no_update", "audit_events_no_delete"):
                        await session.execute(text(f"DROP TRIGGER IF EXISTS gateway.{trigger}"))
                await work(session)
                await session.commit()
        finally:
            await db.dispose()


@pytest.fixture
def own_trail(tmp_path: Path) -> Iterator[OwnTrail]:
    if on_postgres():
        name = f"dangjian_audit_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        asyncio.run(provision(POSTGRES_ADMIN_URL, name, {}))
        admin = make_url(POSTGRES_ADMIN_URL)
        host, port = admin.host or "127.0.0.1", admin.port or 5432
        own = OwnTrail(
            tmp_path, service_url(host, port, name, "gateway"), f"postgresql+asyncpg://postgres@{host}:{port}/{name}", name
        )
    else:
        url = f"sqlite+aiosqlite:///{tmp_path / 'gateway.db'}"
        own = OwnTrail(tmp_path, url, url)
    migrate = subprocess.run(
        [sys.executable, "-m", "stack", "migrate", "gateway"],
        env={**os.environ, "GATEWAY_DATABASE_URL": own.url},
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert migrate.returncode == 0, migrate.stderr
    yield own
    if own.postgres_database:
        asyncio.run(drop_database(POSTGRES_ADMIN_URL, own.postgres_database))


async def _auditor(client: httpx.AsyncClient) -> dict[str, str]:
    account = await create_account(client, await sysadmin(client), roles=["auditor"])
    return bearer((await token_of(client, account["username"]))["access_token"])


async def _rows(n: int, client: httpx.AsyncClient) -> None:
    for _ in range(n):
        await login(client, unique("nobody"), "Wrong-password-99")


async def _verify(client: httpx.AsyncClient, auditor: dict[str, str]) -> dict[str, Any]:
    response = await client.get("/api/v1/audit/verify", headers=auditor)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def _head(client: httpx.AsyncClient, auditor: dict[str, str]) -> int:
    return int((await _verify(client, auditor))["checked"])


def _rehash(row_id: int, digest: Digest) -> Callable[[AsyncSession], Awaitable[None]]:
    """Change row `row_id` and give it and every later row a consistent hash by `digest`."""

    async def work(session: AsyncSession) -> None:
        rows = (await session.scalars(select(AuditEvent).where(AuditEvent.id >= row_id - 1).order_by(AuditEvent.id))).all()
        previous = rows[0].hash if rows[0].id < row_id else GENESIS_HASH
        for event in rows:
            if event.id < row_id:
                continue
            if event.id == row_id:
                event.outcome = 200  # the failed login now reads as a success
            event.prev_hash = previous
            event.hash = previous = digest(row_content(event))

    return work


def _drop_from(row_id: int) -> Callable[[AsyncSession], Awaitable[None]]:
    async def work(session: AsyncSession) -> None:
        await session.execute(delete(AuditEvent).where(AuditEvent.id >= row_id))

    return work


WRONG_KEY = b"k" * 32


@pytest.mark.parametrize(
    "digest",
    [audit_hash, lambda row: hmac.new(WRONG_KEY, canonical_audit_content(row), hashlib.sha256).hexdigest()],
    ids=["plain-sha256", "hmac-wrong-key"],
)
async def test_an_edited_row_is_found_though_every_later_row_was_re_hashed(own_trail: OwnTrail, digest: Digest) -> None:
    async with own_trail.gateway() as client:
        auditor = await _auditor(client)
        await _rows(4, client)
        head = await _head(client, auditor)
        edited = head - 2  # a failed login, with later rows after it

        await own_trail.as_insider(_rehash(edited, digest))
        report = await _verify(client, auditor)

    assert report["intact"] is False
    assert report["first_broken_id"] == edited
    assert report["reason"] == "the row's content does not match its hash"


async def test_rows_deleted_from_the_end_are_found_against_the_last_checkpoint(own_trail: OwnTrail) -> None:
    async with own_trail.gateway() as client:
        auditor = await _auditor(client)
        await _rows(3, client)
        made = await client.post("/api/v1/audit/checkpoints", headers=auditor)
        assert made.status_code == 201, made.text
        head = made.json()["seq"]

        await own_trail.as_insider(_drop_from(head - 1))
        report = await _verify(client, auditor)
        refused = await client.post("/api/v1/audit/checkpoints", headers=auditor)

    assert report["intact"] is False
    assert report["first_broken_id"] == head - 1
    assert report["reason"].startswith("rows are missing")
    assert report["checked"] == head - 2
    # A shortened trail is never signed: a new checkpoint would bless the truncation.
    assert refused.status_code == 409
    assert refused.json()["type"].endswith("audit-trail-broken")


async def test_a_truncated_table_is_found(own_trail: OwnTrail) -> None:
    async with own_trail.gateway() as client:
        auditor = await _auditor(client)
        await _rows(2, client)
        assert (await client.post("/api/v1/audit/checkpoints", headers=auditor)).status_code == 201

        await own_trail.as_insider(_drop_from(1))
        report = await _verify(client, auditor)

    assert report["intact"] is False
    assert report["first_broken_id"] == 1
    assert report["checked"] == 0


async def test_an_intact_trail_verifies_with_its_checkpoints(own_trail: OwnTrail) -> None:
    async with own_trail.gateway() as client:
        auditor = await _auditor(client)
        await _rows(2, client)
        assert (await client.post("/api/v1/audit/checkpoints", headers=auditor)).status_code == 201
        await _rows(1, client)  # rows after the last checkpoint are checked by the chain alone
        report = await _verify(client, auditor)

    assert report["intact"] is True
    assert report["first_broken_id"] is None
    assert report["keyed_from"] == 1
    assert report["checkpoints"] == 2  # the anchor made at the first start, and this one
    assert report["checked"] > report["last_checkpoint"]["seq"]


async def test_checkpoints_are_signed_and_kept_in_the_file_and_the_log_stream(
    own_trail: OwnTrail, caplog: pytest.LogCaptureFixture
) -> None:
    async with own_trail.gateway() as client:
        auditor = await _auditor(client)
        with caplog.at_level(logging.INFO, logger="gateway.audit"):
            made = (await client.post("/api/v1/audit/checkpoints", headers=auditor)).json()
        listed = (await client.get("/api/v1/audit/checkpoints", headers=auditor)).json()
        forbidden = await client.get("/api/v1/audit/checkpoints", headers=await sysadmin(client))

    lines = (own_trail.data_dir / "audit-checkpoints.jsonl").read_text().splitlines()
    assert json.loads(lines[-1]) == made
    assert listed["items"][-1] == made
    logged = [r for r in caplog.records if r.name == "gateway.audit" and hasattr(r, "audit_checkpoint")]
    assert [r.audit_checkpoint for r in logged] == [made]
    public_key = load_pem_public_key(listed["public_key"].encode())
    assert isinstance(public_key, Ed25519PublicKey)
    public_key.verify(base64.b64decode(made["signature"]), checkpoint_content(made))  # raises if not
    assert made["count"] == made["seq"] > 0
    assert forbidden.status_code == 403


async def test_a_forged_checkpoint_line_is_found(own_trail: OwnTrail) -> None:
    async with own_trail.gateway() as client:
        auditor = await _auditor(client)
        made = (await client.post("/api/v1/audit/checkpoints", headers=auditor)).json()
        with (own_trail.data_dir / "audit-checkpoints.jsonl").open("a") as file:
            file.write(json.dumps(made | {"seq": made["seq"] + 5, "count": made["count"] + 5}) + "\n")
        report = await _verify(client, auditor)

    assert report["intact"] is False
    assert "not validly signed" in report["reason"]


async def test_the_scheduled_job_checkpoints_new_rows(own_trail: OwnTrail) -> None:
    checkpoints = own_trail.data_dir / "audit-checkpoints.jsonl"

    def last_seq() -> int:
        return int(json.loads(checkpoints.read_text().splitlines()[-1])["seq"]) if checkpoints.exists() else -1

    async with own_trail.gateway(run_scheduler=True, audit_checkpoint_interval_s=0.2, scheduler_tick_s=0.1) as client:
        auditor = await _auditor(client)
        await _rows(1, client)
        head = await _head(client, auditor)
        await asyncio.to_thread(wait_until, lambda: last_seq() >= head, 20)
        reached = last_seq()
        lines = len(checkpoints.read_text().splitlines())
        await asyncio.sleep(0.6)  # no new rows: no new checkpoint
        quiet = len(checkpoints.read_text().splitlines())

    assert reached >= head
    assert quiet == lines


async def test_an_existing_trail_verifies_after_the_upgrade_and_its_old_rows_stay_anchored(own_trail: OwnTrail) -> None:
    # Rows written by the version before the keyed chain: plain SHA-256, no checkpoint file.
    async def legacy_rows(session: AsyncSession) -> None:
        previous = GENESIS_HASH
        for row_id in range(1, 6):
            event = AuditEvent(
                id=row_id,
                at=datetime(2026, 11, 1, 8, row_id, tzinfo=UTC),
                actor_username="张𠮷",
                roles=["auditor"],
                action="login_failure",
                target="/api/v1/auth/token",
                outcome=401,
                prev_hash=previous,
            )
            event.hash = previous = audit_hash(row_content(event))
            session.add(event)

    await own_trail.as_insider(legacy_rows)
    async with own_trail.gateway() as client:
        auditor = await _auditor(client)
        upgraded = await _verify(client, auditor)

        await own_trail.as_insider(_rehash(2, audit_hash))
        rewritten = await _verify(client, auditor)

    assert upgraded["intact"] is True, upgraded
    assert upgraded["keyed_from"] == 6
    assert upgraded["checked"] > 5  # the keyed rows of the auditor's making follow
    # The old rows re-hashed consistently: the first keyed row no longer links to them.
    assert rewritten["intact"] is False
    assert rewritten["first_broken_id"] == 6
