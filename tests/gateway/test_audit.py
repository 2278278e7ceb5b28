"""The audit trail: rows for logins, writes and unmasked reads; auditors only; filters, paging
and CSV; append-only on both databases; the hash chain finds a changed row."""

import asyncio
import csv
import io
import sqlite3
import uuid
from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy.engine import make_url

from tests.conftest import ADMIN_PASSWORD
from tests.gateway.conftest import (
    GatewayFactory,
    Handler,
    bearer,
    create_account,
    login,
    read_request,
    sysadmin,
    token_of,
    unique,
)
from tests.support import POSTGRES_ADMIN_URL, SuiteDatabase, on_postgres


async def _auditor(client: httpx.AsyncClient) -> dict[str, str]:
    account = await create_account(client, await sysadmin(client), roles=["auditor"])
    return bearer((await token_of(client, account["username"]))["access_token"])


async def _rows(client: httpx.AsyncClient, auditor: dict[str, str], **params: Any) -> list[dict[str, Any]]:
    response = await client.get("/api/v1/audit", params={"limit": 200, "order": "asc", **params}, headers=auditor)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


async def test_logins_failures_and_lockouts_are_recorded(gateway_with: GatewayFactory) -> None:
    async with gateway_with() as client:
        auditor = await _auditor(client)
        name = (await create_account(client, await sysadmin(client)))["username"]
        await token_of(client, name)
        for _ in range(5):
            await login(client, name, "Wrong-password-99")
        await login(client, name)
        rows = await _rows(client, auditor, actor=name)

    actions = [row["action"] for row in rows]
    assert actions == ["login", "login_failure", "login_failure", "login_failure", "login_failure", "lockout", "login_locked"]
    assert rows[0]["outcome"] == 200
    assert rows[1]["outcome"] == 400  # as answered: RFC 6749 invalid_grant
    assert rows[0]["target"] == "/api/v1/auth/token"
    assert rows[0]["client_address"]
    assert rows[0]["request_id"]


async def test_writes_are_recorded_with_actor_and_outcome_and_reads_are_not(gateway_with: GatewayFactory) -> None:
    async with gateway_with() as client:
        auditor = await _auditor(client)
        admin = await sysadmin(client)
        since = datetime.now(UTC).isoformat()  # only this test's rows (see below)
        created = await client.post(
            "/api/v1/users",
            json={"username": unique("a"), "password": "Strong-pass-2026!x"},
            headers=admin | {"X-Request-ID": "rid-audit-1"},
        )
        refused = await client.post("/api/v1/users", json={"username": "x"}, headers=admin | {"X-Request-ID": "rid-audit-2"})
        await client.get("/api/v1/users", headers=admin | {"X-Request-ID": "rid-audit-3"})
        rows = await _rows(client, auditor, actor="admin", action="POST", **{"from": since})

    by_request = {row["request_id"]: row for row in rows}
    assert by_request["rid-audit-1"]["outcome"] == created.status_code == 201
    assert by_request["rid-audit-1"]["target"] == "/api/v1/users"
    assert by_request["rid-audit-1"]["roles"] == ["sysadmin"]
    assert by_request["rid-audit-2"]["outcome"] == refused.status_code == 422
    assert "rid-audit-3" not in by_request


async def test_a_forwarded_write_and_an_unmasked_read_are_recorded_and_the_header_is_removed(
    gateway_with: GatewayFactory, upstream: tuple[int, list[Handler]]
) -> None:
    port, handlers = upstream
    member_ids = f"{uuid.uuid4()},{uuid.uuid4()}"

    async def service(reader: Any, writer: Any) -> None:
        head, _ = await read_request(reader)
        unmasked = b"x-audit-unmasked: " + member_ids.encode() + b"\r\n" if head.startswith(b"GET") else b""
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n" + unmasked + b"content-length: 2\r\n\r\n{}")
        await writer.drain()

    handlers.append(service)
    async with gateway_with(members_url=f"http://127.0.0.1:{port}") as client:
        auditor = await _auditor(client)
        admin = await sysadmin(client)
        # Only this test's rows: the suite's database holds more than a page of earlier ones.
        since = datetime.now(UTC).isoformat()
        read = await client.get("/api/v1/members/x", headers=admin | {"X-Request-ID": "rid-unmasked"})
        write = await client.patch(
            "/api/v1/members/x", json={}, headers=admin | {"X-Request-ID": "rid-forwarded"} | {"If-Match": "*"}
        )
        unmasked_rows = await _rows(client, auditor, action="unmasked_read", **{"from": since})
        write_rows = await _rows(client, auditor, action="PATCH", **{"from": since})

    assert read.status_code == 200
    assert "x-audit-unmasked" not in read.headers
    assert write.status_code == 200
    row = next(r for r in unmasked_rows if r["request_id"] == "rid-unmasked")
    assert row["target"] == member_ids
    assert row["actor_username"] == "admin"
    forwarded = next(r for r in write_rows if r["request_id"] == "rid-forwarded")
    assert forwarded["target"] == "/api/v1/members/x"
    assert forwarded["outcome"] == 200


async def test_only_auditors_read_the_trail(gateway_client: httpx.AsyncClient) -> None:
    admin = await sysadmin(gateway_client)
    security = await create_account(gateway_client, admin, roles=["secadmin"])
    security_headers = bearer((await token_of(gateway_client, security["username"]))["access_token"])

    assert (await gateway_client.get("/api/v1/audit", headers=admin)).status_code == 403
    assert (await gateway_client.get("/api/v1/audit", headers=security_headers)).status_code == 403
    assert (await gateway_client.get("/api/v1/audit/verify", headers=admin)).status_code == 403
    assert (await gateway_client.get("/api/v1/audit")).status_code == 401


async def test_the_trail_is_newest_first_by_default_and_pages_on_in_its_order(gateway_client: httpx.AsyncClient) -> None:
    auditor = await _auditor(gateway_client)
    name = unique("nobody")
    for password in ("Wrong-password-1", "Wrong-password-2", "Wrong-password-3"):
        await login(gateway_client, name, password)

    async def ids(**params: Any) -> tuple[list[int], str | None]:
        response = await gateway_client.get("/api/v1/audit", params={"actor": name, **params}, headers=auditor)
        assert response.status_code == 200, response.text
        return [row["id"] for row in response.json()["items"]], response.json()["next_cursor"]

    default, _ = await ids()
    newest_first, cursor = await ids(order="desc", limit=2)
    older, end = await ids(order="desc", limit=2, cursor=cursor)
    oldest_first, _ = await ids(order="asc")
    exported = await gateway_client.get("/api/v1/audit", params={"actor": name, "format": "csv"}, headers=auditor)

    assert len(oldest_first) == 3
    assert oldest_first == sorted(oldest_first)
    assert default == list(reversed(oldest_first))  # an auditor's first page is the latest
    assert newest_first + older == default
    assert end is None
    exported_ids = [int(line["id"]) for line in csv.DictReader(io.StringIO(exported.text))]
    assert exported_ids == default


async def test_pages_filters_and_the_csv_export(gateway_client: httpx.AsyncClient) -> None:
    auditor = await _auditor(gateway_client)
    name = unique("nobody")
    for _ in range(3):
        await login(gateway_client, name, "Wrong-password-99")

    first = (
        await gateway_client.get("/api/v1/audit", params={"actor": name, "limit": 2, "order": "asc"}, headers=auditor)
    ).json()
    second = (
        await gateway_client.get(
            "/api/v1/audit", params={"actor": name, "limit": 2, "order": "asc", "cursor": first["next_cursor"]}, headers=auditor
        )
    ).json()
    failures = await _rows(gateway_client, auditor, actor=name, outcome=400, action="login_failure")
    none_later = await _rows(gateway_client, auditor, actor=name, **{"from": "2999-01-01T00:00:00Z"})
    exported = await gateway_client.get("/api/v1/audit", params={"actor": name, "format": "csv"}, headers=auditor)

    assert len(first["items"]) == 2
    assert len(second["items"]) == 1
    assert second["next_cursor"] is None
    assert len(failures) == 3
    assert none_later == []
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    lines = list(csv.DictReader(io.StringIO(exported.text)))
    assert [line["action"] for line in lines] == ["login_failure"] * 3
    assert all(line["actor_username"] == name for line in lines)


async def test_the_csv_export_is_in_the_api_description(gateway_client: httpx.AsyncClient) -> None:
    # Found by the fuzzing (tests/fuzz): the export answered text/csv, which the description did not name.
    document = (await gateway_client.get("/api/v1/openapi.json")).json()

    assert "text/csv" in document["paths"]["/api/v1/audit"]["get"]["responses"]["200"]["content"]


async def _tamper(test_db: SuiteDatabase, row_id: int, outcome: int) -> None:
    """Change a row behind the application's back: as superuser on PostgreSQL (triggers off for
    the session), on SQLite after dropping the trigger (put back afterwards)."""
    if on_postgres():
        admin = await asyncpg.connect(POSTGRES_ADMIN_URL, database=test_db.postgres_database)
        try:
            await admin.execute("SET session_replication_role = replica")
            await admin.execute("UPDATE gateway.audit_events SET outcome = $1 WHERE id = $2", outcome, row_id)
        finally:
            await admin.close()
        return
    connection = sqlite3.connect(test_db.data_dir / "gateway.db")
    try:
        (trigger_sql,) = connection.execute("SELECT sql FROM sqlite_master WHERE name = 'audit_events_no_update'").fetchone()
        connection.execute("DROP TRIGGER audit_events_no_update")
        connection.execute("UPDATE audit_events SET outcome = ? WHERE id = ?", (outcome, row_id))
        connection.execute(trigger_sql)
        connection.commit()
    finally:
        connection.close()


async def test_the_chain_check_finds_a_changed_row(gateway_client: httpx.AsyncClient, test_db: SuiteDatabase) -> None:
    auditor = await _auditor(gateway_client)
    await login(gateway_client, unique("nobody"), "Wrong-password-99")
    target = (await _rows(gateway_client, auditor, action="login_failure"))[-1]
    intact = (await gateway_client.get("/api/v1/audit/verify", headers=auditor)).json()

    await _tamper(test_db, target["id"], 200)
    try:
        broken = (await gateway_client.get("/api/v1/audit/verify", headers=auditor)).json()
    finally:
        await _tamper(test_db, target["id"], target["outcome"])

    assert intact["intact"] is True
    assert intact["checked"] >= target["id"]
    assert broken["intact"] is False
    assert broken["first_broken_id"] == target["id"]
    assert (await gateway_client.get("/api/v1/audit/verify", headers=auditor)).json()["intact"] is True


def test_the_application_cannot_change_or_delete_audit_rows(test_db: SuiteDatabase) -> None:
    if on_postgres():
        url = make_url(test_db.urls["gateway"])

        async def attempts() -> list[str]:
            connection = await asyncpg.connect(host=url.host, port=url.port, user=url.username, database=url.database)
            refused = []
            try:
                for statement in (
                    "UPDATE gateway.audit_events SET outcome = 0",
                    "DELETE FROM gateway.audit_events",
                    "TRUNCATE gateway.audit_events",
                ):
                    try:
                        await connection.execute(statement)
                    except asyncpg.PostgresError as error:
                        refused.append(type(error).__name__)
            finally:
                await connection.close()
            return refused

        assert asyncio.run(attempts()) == ["InsufficientPrivilegeError"] * 3
        return
    connection = sqlite3.connect(test_db.data_dir / "gateway.db")
    try:
        connection.execute(
            "INSERT INTO audit_events (id, at, roles, action, target, outcome, prev_hash, hash) "
            "SELECT coalesce(max(id), 0) + 1000000, '2026-01-01', '[]', 'probe', 'probe', 0, '', '' FROM audit_events"
        )
        for statement in ("UPDATE audit_events SET outcome = 0", "DELETE FROM audit_events"):
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                connection.execute(statement)
    finally:
        connection.rollback()
        connection.close()


async def test_the_admin_password_stays_out_of_the_trail(gateway_client: httpx.AsyncClient) -> None:
    auditor = await _auditor(gateway_client)
    await login(gateway_client, "admin", ADMIN_PASSWORD)
    exported = await gateway_client.get("/api/v1/audit", params={"format": "csv"}, headers=auditor)
    assert ADMIN_PASSWORD not in exported.text
