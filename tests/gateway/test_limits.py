"""Limits at the gateway: per-caller rate limit (429 with Retry-After), login attempts per
address and per username, the CORS allow-list, and `Cache-Control: no-store`."""

from typing import Any

from gateway.edge.limits import Bucket, take
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


def test_a_token_bucket_allows_the_burst_then_the_rate() -> None:
    bucket, waits = None, []
    for _ in range(3):
        bucket, wait = take(bucket, 100.0, rate_per_s=1.0, burst=2)
        waits.append(wait)
    assert waits[:2] == [0.0, 0.0]
    assert waits[2] > 0
    assert take(Bucket(tokens=0.0, at=100.0), 101.0, rate_per_s=1.0, burst=2)[1] == 0.0


async def test_a_caller_over_the_rate_gets_429_with_retry_after_and_others_do_not(gateway_with: GatewayFactory) -> None:
    async with gateway_with() as setup:
        name = (await create_account(setup, await sysadmin(setup)))["username"]
        token = (await token_of(setup, name))["access_token"]
        other = (await token_of(setup, "admin", ADMIN_PASSWORD))["access_token"]
    async with gateway_with(policy={"rate_per_s": 0.1, "rate_burst": 3}) as client:
        answers = [await client.get("/api/v1/me", headers=bearer(token)) for _ in range(4)]
        someone_else = await client.get("/api/v1/me", headers=bearer(other))

    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[3].headers["content-type"] == "application/problem+json"
    assert int(answers[3].headers["retry-after"]) >= 1
    assert someone_else.status_code == 200


async def test_login_attempts_are_limited_per_username_and_per_address(gateway_with: GatewayFactory) -> None:
    async with gateway_with(policy={"login_user_burst": 2, "login_user_rate_per_minute": 0.1}) as client:
        name = unique("nobody")
        per_user = [(await login(client, name, "Wrong-password-99")).status_code for _ in range(3)]
        other_user = await login(client, unique("nobody"), "Wrong-password-99")
    async with gateway_with(policy={"login_ip_burst": 2, "login_ip_rate_per_minute": 0.1}) as client:
        per_address = [(await login(client, unique("nobody"), "Wrong-password-99")).status_code for _ in range(3)]

    assert per_user == [400, 400, 429]
    assert other_user.status_code == 400
    assert per_address == [400, 400, 429]


async def test_cors_headers_only_for_listed_origins(gateway_with: GatewayFactory) -> None:
    preflight = {"Origin": "https://dangjian.example.gov.cn", "Access-Control-Request-Method": "GET"}
    async with gateway_with() as client:
        default = await client.options("/api/v1/orgs", headers=preflight)
    async with gateway_with(cors_origins=["https://dangjian.example.gov.cn"]) as client:
        allowed = await client.options("/api/v1/orgs", headers=preflight)
        other = await client.get("/api/v1/meta/enums", headers={"Origin": "https://evil.example"})

    assert "access-control-allow-origin" not in default.headers
    assert allowed.headers["access-control-allow-origin"] == "https://dangjian.example.gov.cn"
    assert "access-control-allow-origin" not in other.headers


async def test_api_answers_are_not_cached_unless_the_service_says_otherwise(
    gateway_with: GatewayFactory, upstream: tuple[int, list[Handler]]
) -> None:
    port, handlers = upstream

    async def service(reader: Any, writer: Any) -> None:
        head, _ = await read_request(reader)
        cache = b"cache-control: private, max-age=60\r\n" if b"cached" in head.split(b"\r\n")[0] else b""
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n" + cache + b"content-length: 2\r\n\r\n{}")
        await writer.drain()

    handlers.append(service)
    async with gateway_with(orgs_url=f"http://127.0.0.1:{port}") as client:
        forwarded = await client.get("/api/v1/orgs/x")
        kept = await client.get("/api/v1/orgs/cached")
        own = await client.get("/api/v1/me")
        health = await client.get("/healthz")

    assert forwarded.headers["cache-control"] == "no-store"
    assert kept.headers["cache-control"] == "private, max-age=60"
    assert own.headers["cache-control"] == "no-store"
    assert health.headers["cache-control"] == "no-store"  # every answer without its own policy
