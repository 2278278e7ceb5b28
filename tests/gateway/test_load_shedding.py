"""Load shedding at the gateway: beyond `max_in_flight_requests` API requests in one process, the
next is refused at once with a 503 problem and `Retry-After` (not queued into a timeout), health
checks still answer, and capacity comes back as soon as requests finish; a write's audit row is
written before its answer completes, so that rows cannot pile up behind answers already given."""

import asyncio
import json
import time
from collections.abc import MutableMapping
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from gateway.app import create_app
from gateway.edge.shedding import Admission
from gateway.settings import GatewaySettings
from tests.gateway.conftest import (
    PASSWORD,
    GatewayFactory,
    Handler,
    bearer,
    create_account,
    read_request,
    settings_for,
    sysadmin,
    token_of,
    unique,
)
from tests.support import SuiteDatabase, in_process


def _held_service(arrived: list[asyncio.Event], release: asyncio.Event) -> Handler:
    """An upstream that keeps each request until `release` is set, then answers 200."""

    async def service(reader: Any, writer: Any) -> None:
        while True:
            try:
                await read_request(reader)
            except (asyncio.IncompleteReadError, ConnectionError):
                return
            arrived.append(asyncio.Event())
            await release.wait()
            writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}")
            await writer.drain()

    return service


async def _until(predicate: Any, timeout_s: float = 5.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline, "timed out waiting"
        await asyncio.sleep(0.01)


async def test_requests_beyond_the_bound_get_503_with_retry_after_at_once(
    gateway_with: GatewayFactory, upstream: tuple[int, list[Handler]]
) -> None:
    port, handlers = upstream
    arrived: list[asyncio.Event] = []
    release = asyncio.Event()
    handlers.append(_held_service(arrived, release))
    async with gateway_with(
        orgs_url=f"http://127.0.0.1:{port}", max_in_flight_requests=2, consume_feeds=False, deliver_webhooks=False
    ) as client:
        held = [asyncio.ensure_future(client.get(f"/api/v1/orgs/held-{i}")) for i in range(2)]
        await _until(lambda: len(arrived) == 2)

        started = time.perf_counter()
        refused = await client.get("/api/v1/orgs/one-more")
        refused_in_s = time.perf_counter() - started
        own_route = await client.get("/api/v1/me")
        health = await client.get("/healthz")

        release.set()
        answered = await asyncio.gather(*held)
        after = await client.get("/api/v1/orgs/after")

    assert refused.status_code == 503
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.headers["retry-after"] == "1"
    assert refused.json()["type"].endswith("/overloaded")
    assert refused_in_s < 1.0  # refused at once, not after waiting for a slot
    assert own_route.status_code == 503  # the gateway's own routes count too
    assert health.status_code == 200  # the orchestrator still sees a live process
    assert [a.status_code for a in answered] == [200, 200]
    assert after.status_code == 200  # the slots are given back
    assert len(arrived) == 3  # the refused requests never reached the service


async def test_failed_requests_give_their_slot_back(gateway_with: GatewayFactory, upstream: tuple[int, list[Handler]]) -> None:
    port, handlers = upstream

    async def broken(reader: Any, writer: Any) -> None:
        await read_request(reader)
        writer.write(b"garbage\r\n\r\n")
        await writer.drain()

    handlers.append(broken)
    async with gateway_with(
        orgs_url=f"http://127.0.0.1:{port}", max_in_flight_requests=1, consume_feeds=False, deliver_webhooks=False
    ) as client:
        statuses = [(await client.get(f"/api/v1/orgs/x{i}")).status_code for i in range(3)]

    assert statuses == [502, 502, 502]  # each failure frees its slot: no 503 after it


def test_the_bound_may_not_exceed_the_upstream_pool() -> None:
    with pytest.raises(ValidationError, match="max_in_flight_requests"):
        GatewaySettings(max_in_flight_requests=300, upstream_max_connections=200)


async def test_a_write_is_answered_only_once_its_audit_row_is_written(test_db: SuiteDatabase) -> None:
    """Rows written after the answer piled up under load (callers sent their next write at once),
    filled the in-flight bound and got callers refused far below saturation."""
    app = create_app(settings_for(test_db))
    async with in_process(app) as client:
        admin = await sysadmin(client)
        auditor = await create_account(client, admin, roles=["auditor"])
        auditor_headers = bearer((await token_of(client, auditor["username"]))["access_token"])

        # Only rows from now on: a window of the latest rows would let an old one slide out as the
        # new one comes in (the suite's database holds every earlier test's rows).
        started = datetime.now(UTC).isoformat()

        async def rows_for_users() -> int:
            params = {"action": "POST", "from": started, "limit": 200}
            response = await client.get("/api/v1/audit", params=params, headers=auditor_headers)
            assert response.status_code == 200, response.text
            return sum(1 for row in response.json()["items"] if row["target"] == "/api/v1/users")

        before = await rows_for_users()
        body = json.dumps({"username": unique("u"), "password": PASSWORD, "roles": []}).encode()
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": "/api/v1/users",
            "raw_path": b"/api/v1/users",
            "query_string": b"",
            "root_path": "",
            "headers": [
                (b"host", b"testserver"),
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"authorization", admin["Authorization"].encode()),
            ],
            "client": ("127.0.0.1", 50000),
            "server": ("testserver", 80),
        }
        messages = [{"type": "http.request", "body": body, "more_body": False}]
        seen_at_completion: list[int] = []
        statuses: list[int] = []

        async def receive() -> dict[str, Any]:
            return messages.pop(0) if messages else {"type": "http.disconnect"}

        async def send(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                statuses.append(message["status"])
            elif not message.get("more_body", False):
                # The caller now holds the whole answer: its row must already be there.
                seen_at_completion.append(await rows_for_users())

        await app(scope, receive, send)

    assert statuses == [201]
    assert seen_at_completion == [before + 1]


def _slow_service(delay_s: float) -> Handler:
    """An upstream that answers every request after `delay_s` (connections served side by side)."""

    async def service(reader: Any, writer: Any) -> None:
        while True:
            try:
                await read_request(reader)
            except (asyncio.IncompleteReadError, ConnectionError):
                return
            await asyncio.sleep(delay_s)
            writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}")
            await writer.drain()

    return service


async def test_when_answers_grow_slow_the_bound_shrinks_to_what_completes_in_the_target(
    gateway_with: GatewayFactory, upstream: tuple[int, list[Handler]]
) -> None:
    """The fixed bound alone let 128 requests queue behind 16 answers/s (8 s): callers timed out."""
    port, handlers = upstream
    handlers.append(_slow_service(0.15))
    async with gateway_with(
        orgs_url=f"http://127.0.0.1:{port}",
        max_in_flight_requests=20,
        min_in_flight_requests=2,
        shed_target_latency_s=0.05,
        consume_feeds=False,
        deliver_webhooks=False,
    ) as client:

        async def keep_asking(until: float) -> list[int]:
            statuses = []
            while time.monotonic() < until:
                statuses.append((await client.get("/api/v1/orgs/x")).status_code)
            return statuses

        until = time.monotonic() + 1.3
        slow_phase = await asyncio.gather(*(keep_asking(until) for _ in range(4)))
        burst = await asyncio.gather(*(client.get(f"/api/v1/orgs/burst-{i}") for i in range(6)))

    answers = [status for statuses in slow_phase for status in statuses]
    assert answers.count(200) >= 16  # 4 in flight < 20: admitted until the bound shrank
    assert set(answers) <= {200, 503}
    # ~26 answers/s x 0.05 s is about 1: the bound is now its minimum, 2.
    assert sorted(r.status_code for r in burst) == [200, 200, 503, 503, 503, 503]


def test_a_few_slow_answers_on_a_quiet_gateway_do_not_shrink_the_bound() -> None:
    now = 1000.0
    admission = Admission(max_in_flight=128, min_in_flight=8, target_latency_s=3.0, now=now)
    for second in range(5):  # one 20 s export a second: too few answers to judge
        assert admission.admit(now + second)
        admission.done(20.0)
    assert admission.limit == 128


def test_the_bound_grows_back_when_latency_falls() -> None:
    now = 1000.0
    admission = Admission(max_in_flight=128, min_in_flight=8, target_latency_s=1.0, now=now)
    for _ in range(20):  # 20 answers in 2 s, each 5 s: saturated
        assert admission.admit(now)
        admission.done(5.0)
    admission.admit(now + 2.0)
    admission.done(0.01)
    assert admission.limit == 10  # 20 / 2 s x 1 s
    for window in range(1, 5):  # quick answers again: doubles per window
        for _ in range(20):
            admission.admit(now + 2.0 + window * 1.1)
            admission.done(0.01)
    assert admission.limit == 128
