"""Load shedding at the gateway: beyond `max_in_flight_requests` API requests in one process, the
next is refused at once with a 503 problem and `Retry-After` (not queued into a timeout), health
checks still answer, and capacity comes back as soon as requests finish."""

import asyncio
import time
from typing import Any

import pytest
from pydantic import ValidationError

from gateway.settings import GatewaySettings
from tests.gateway.conftest import GatewayFactory, Handler, read_request


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
