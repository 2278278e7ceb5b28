"""The gateway's forwarding against stub upstreams: pass-through, streaming, and failures as
problems within the timeout."""

import asyncio
import time

from gateway.app import create_app
from gateway.settings import GatewaySettings
from tests.conftest import ADMIN_PASSWORD
from tests.gateway.conftest import Handler, read_request
from tests.support import SuiteDatabase, free_port_block, in_process


async def _gateway(test_db: SuiteDatabase, orgs_port: int, timeout_s: float = 10.0) -> GatewaySettings:
    return GatewaySettings(
        data_dir=test_db.data_dir,
        database_url=test_db.urls["gateway"],
        json_logs=False,
        admin_password=ADMIN_PASSWORD,
        orgs_url=f"http://127.0.0.1:{orgs_port}",
        upstream_timeout_s=timeout_s,
        # The fake upstream answers one scripted exchange: no feed polls of the gateway's own.
        consume_feeds=False,
        deliver_webhooks=False,
    )


async def test_status_headers_and_body_pass_through(test_db: SuiteDatabase, upstream: tuple[int, list[Handler]]) -> None:
    port, handlers = upstream
    seen: list[bytes] = []

    async def teapot(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head, _ = await read_request(reader)
        seen.append(head)
        body = b'{"brewed": true}'
        writer.write(
            b"HTTP/1.1 418 I'm a teapot\r\ncontent-type: application/json\r\nx-custom: kept\r\n"
            b"content-length: " + str(len(body)).encode() + b"\r\n\r\n" + body
        )
        await writer.drain()

    handlers.append(teapot)
    async with in_process(create_app(await _gateway(test_db, port))) as gateway:
        response = await gateway.get("/api/v1/orgs/x?q=1", headers={"Authorization": "Bearer t", "X-Request-ID": "rid-1"})

    assert response.status_code == 418
    assert response.headers["x-custom"] == "kept"
    assert response.json() == {"brewed": True}
    assert response.headers.get_list("x-request-id") == ["rid-1"]
    request_head = seen[0].decode().lower()
    assert request_head.startswith("get /api/v1/orgs/x?q=1 ")
    assert "authorization: bearer t" in request_head
    assert "x-request-id: rid-1" in request_head
    assert "traceparent: 00-" in request_head


async def test_large_bodies_stream_both_ways(test_db: SuiteDatabase, upstream: tuple[int, list[Handler]]) -> None:
    port, handlers = upstream
    size = 3 * 1024 * 1024

    async def echo_length_then_big_chunked_body(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        _, body = await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\nx-received: " + str(len(body)).encode() + b"\r\n\r\n")
        chunk = b"x" * 65536
        for _ in range(size // len(chunk)):
            writer.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            await writer.drain()
        writer.write(b"0\r\n\r\n")
        await writer.drain()

    handlers.append(echo_length_then_big_chunked_body)
    async with in_process(create_app(await _gateway(test_db, port))) as gateway:
        response = await gateway.post("/api/v1/orgs/import", content=b"y" * size)

    assert response.status_code == 200
    assert response.headers["x-received"] == str(size)
    assert len(response.content) == size


async def test_a_refused_connection_is_a_503_problem(test_db: SuiteDatabase) -> None:
    closed_port = free_port_block(1)
    async with in_process(create_app(await _gateway(test_db, closed_port))) as gateway:
        response = await gateway.get("/api/v1/orgs")

    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["service"] == "orgs"
    assert response.headers["retry-after"] == "1"


async def test_a_silent_service_is_a_504_problem_within_the_timeout(
    test_db: SuiteDatabase, upstream: tuple[int, list[Handler]]
) -> None:
    port, handlers = upstream

    async def silent(reader: asyncio.StreamReader, _writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        await asyncio.sleep(5)

    handlers.append(silent)
    async with in_process(create_app(await _gateway(test_db, port, timeout_s=0.5))) as gateway:
        started = time.monotonic()
        response = await gateway.get("/api/v1/orgs")
        elapsed = time.monotonic() - started

    assert response.status_code == 504
    assert response.json()["type"] == "/problems/gateway-timeout"
    assert elapsed < 1.5


async def test_a_long_working_route_gets_its_own_longer_wait(test_db: SuiteDatabase, upstream: tuple[int, list[Handler]]) -> None:
    # A 100,000-row import answers after tens of seconds: the ordinary wait would cut it off (504)
    # while the members service goes on writing it.
    port, handlers = upstream

    async def slow(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        await asyncio.sleep(1.0)
        writer.write(b'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 13\r\n\r\n{"created":1}')
        await writer.drain()

    handlers.append(slow)
    settings = (await _gateway(test_db, port, timeout_s=0.3)).model_copy(
        update={"members_url": f"http://127.0.0.1:{port}", "long_upstream_timeout_s": 5.0}
    )
    async with in_process(create_app(settings)) as gateway:
        imported = await gateway.post("/api/v1/members/import", content=b"name\n", headers={"content-type": "text/csv"})
        ordinary = await gateway.get("/api/v1/members")

    assert (imported.status_code, imported.json()) == (200, {"created": 1})
    assert ordinary.status_code == 504


async def test_a_broken_answer_is_a_502_problem(test_db: SuiteDatabase, upstream: tuple[int, list[Handler]]) -> None:
    port, handlers = upstream

    async def hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(b"this is not http\r\n\r\n")
        await writer.drain()

    handlers.append(hang_up)
    async with in_process(create_app(await _gateway(test_db, port))) as gateway:
        response = await gateway.get("/api/v1/orgs")

    assert response.status_code == 502
    assert response.json()["type"] == "/problems/bad-gateway"


async def test_paths_the_gateway_owns_are_not_forwarded(test_db: SuiteDatabase) -> None:
    closed_port = free_port_block(1)
    async with in_process(create_app(await _gateway(test_db, closed_port))) as gateway:
        token = await gateway.post("/api/v1/auth/token", data={"username": "admin", "password": ADMIN_PASSWORD})
        unknown = await gateway.get("/api/v1/nothing-here")

    assert token.status_code == 200
    assert unknown.status_code == 404
    assert unknown.json()["type"] == "/problems/not-found"


async def test_a_body_larger_than_the_forwarding_limit_is_413(
    test_db: SuiteDatabase, upstream: tuple[int, list[Handler]]
) -> None:
    port, handlers = upstream
    received: list[int] = []

    async def count(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        _, body = await read_request(reader)
        received.append(len(body))
        writer.write(b"HTTP/1.1 204 No Content\r\n\r\n")
        await writer.drain()

    handlers.append(count)
    settings = (await _gateway(test_db, port)).model_copy(update={"max_forwarded_body_bytes": 1024 * 1024})
    async with in_process(create_app(settings)) as gateway:
        small = await gateway.post("/api/v1/orgs/x", content=b"a" * 1000)
        big = await gateway.post("/api/v1/orgs/x", content=b"a" * (2 * 1024 * 1024))
        own = await gateway.post("/api/v1/auth/token", content=b"a" * (128 * 1024))

    assert small.status_code == 204
    assert big.status_code == 413
    assert own.status_code == 413
    assert received == [1000]
