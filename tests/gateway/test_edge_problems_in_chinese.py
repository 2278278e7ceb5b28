"""The problems answered outside the routes' `ProblemKind` path — the token check (401, 403), the
rate limit (429), load shedding (503), the proxy (502, 503, 504), the request deadline (503) and
the body limit (413) — are in the reader's script like a route's: Simplified by default,
Traditional for zh-TW, the English detail in `detail_en`, the `type` unchanged."""

# ruff: noqa: RUF001 - Chinese text takes full-width punctuation

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from tests.gateway.conftest import GatewayFactory, Handler, read_request
from tests.kit.test_body_too_large import MB
from tests.support import Tokens, free_port_block

Ask = Callable[[dict[str, str]], Awaitable[httpx.Response]]
TRADITIONAL = {"Accept-Language": "zh-TW"}


async def in_both_scripts(client: httpx.AsyncClient, ask: Ask) -> tuple[httpx.Response, httpx.Response]:
    """The answer without Accept-Language (the deployment's default) and with zh-TW."""
    client.headers.pop("accept-language", None)  # in_process asks for English by default
    return await ask({}), await ask(TRADITIONAL)


def assert_chinese(
    default: httpx.Response,
    traditional: httpx.Response,
    *,
    status: int,
    type: str,
    hans: tuple[str, str],
    hant: tuple[str, str],
    detail_en: str,
) -> None:
    for response in (default, traditional):
        assert response.status_code == status, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["type"] == f"/problems/{type}"
        assert response.json()["status"] == status
        assert detail_en in response.json()["detail_en"]
    assert default.headers["content-language"] == "zh-Hans"
    assert (default.json()["title"], default.json()["detail"]) == hans
    assert traditional.headers["content-language"] == "zh-Hant"
    assert (traditional.json()["title"], traditional.json()["detail"]) == hant


async def test_no_token_and_a_bad_token_are_401_in_chinese(gateway_with: GatewayFactory) -> None:
    async with gateway_with() as client:
        missing = await in_both_scripts(client, lambda h: client.get("/api/v1/me", headers=h))
        bad = await in_both_scripts(client, lambda h: client.get("/api/v1/me", headers=h | {"Authorization": "Bearer x.y.z"}))

    assert_chinese(
        *missing,
        status=401,
        type="unauthorized",
        hans=("未登录或凭证无效", "需要有效的访问令牌（Authorization: Bearer …）"),
        hant=("未登錄或憑證無效", "需要有效的訪問令牌（Authorization: Bearer …）"),
        detail_en="A valid bearer token is required",
    )
    assert_chinese(
        *bad,
        status=401,
        type="unauthorized",
        hans=("未登录或凭证无效", "访问令牌无效或已过期，请重新登录"),
        hant=("未登錄或憑證無效", "訪問令牌無效或已過期，請重新登錄"),
        detail_en="The bearer token is not valid",
    )


async def test_a_role_refused_by_a_service_is_403_in_chinese(members_client: httpx.AsyncClient, tokens: Tokens) -> None:
    headers = tokens.headers("sysadmin")  # an administrator sees no member data
    answers = await in_both_scripts(members_client, lambda h: members_client.get("/api/v1/members", headers=headers | h))

    assert_chinese(
        *answers,
        status=403,
        type="forbidden",
        hans=("无权操作", "当前账号无权进行此操作"),
        hant=("無權操作", "當前賬號無權進行此操作"),
        detail_en="Administrative roles have no access to business data",
    )


async def test_over_the_rate_is_429_in_chinese(gateway_with: GatewayFactory) -> None:
    async with gateway_with(policy={"rate_per_s": 0.01, "rate_burst": 1}) as client:
        assert (await client.get("/api/v1/me")).status_code == 401  # the one request of the burst
        answers = await in_both_scripts(client, lambda h: client.get("/api/v1/me", headers=h))

    assert_chinese(
        *answers,
        status=429,
        type="too-many-requests",
        hans=("请求过于频繁", "请求过于频繁，请稍后重试。"),
        hant=("請求過於頻繁", "請求過於頻繁，請稍後重試。"),
        detail_en="Too many requests",
    )
    assert all(int(answer.headers["retry-after"]) >= 1 for answer in answers)


async def test_load_shedding_is_503_in_chinese(gateway_with: GatewayFactory, upstream: tuple[int, list[Handler]]) -> None:
    port, handlers = upstream
    arrived = asyncio.Event()
    release = asyncio.Event()

    async def held(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        arrived.set()
        await release.wait()
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}")
        await writer.drain()

    handlers.append(held)
    async with gateway_with(orgs_url=f"http://127.0.0.1:{port}", max_in_flight_requests=1, min_in_flight_requests=1) as client:
        holding = asyncio.ensure_future(client.get("/api/v1/orgs/held"))
        await asyncio.wait_for(arrived.wait(), 10)
        answers = await in_both_scripts(client, lambda h: client.get("/api/v1/orgs/one-more", headers=h))
        release.set()
        assert (await holding).status_code == 200

    assert_chinese(
        *answers,
        status=503,
        type="overloaded",
        hans=("系统繁忙，请稍后重试", "网关同时处理的请求已达上限，请稍后重试。"),
        hant=("系統繁忙，請稍後重試", "網關同時處理的請求已達上限，請稍後重試。"),
        detail_en="The gateway is at capacity",
    )


async def test_a_service_that_refuses_the_connection_is_503_in_chinese(gateway_with: GatewayFactory) -> None:
    async with gateway_with(orgs_url=f"http://127.0.0.1:{free_port_block(1)}") as client:
        answers = await in_both_scripts(client, lambda h: client.get("/api/v1/orgs", headers=h))

    assert_chinese(
        *answers,
        status=503,
        type="service-unavailable",
        hans=("服务暂不可用", "组织服务暂不可用，请稍后重试。"),
        hant=("服務暫不可用", "組織服務暫不可用，請稍後重試。"),
        detail_en="The orgs service is unavailable",
    )
    assert all(answer.json()["service"] == "orgs" for answer in answers)


async def _silent(reader: asyncio.StreamReader, _writer: asyncio.StreamWriter) -> None:
    await read_request(reader)
    await asyncio.sleep(10)


async def _garbage(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await read_request(reader)
    writer.write(b"this is not http\r\n\r\n")
    await writer.drain()


@pytest.mark.parametrize(
    ("behaviour", "settings", "status", "type", "hans", "hant", "detail_en"),
    [
        (
            _silent,
            {"upstream_timeout_s": 0.3},
            504,
            "gateway-timeout",
            ("服务响应超时", "组织服务未能及时响应。"),
            ("服務響應超時", "組織服務未能及時響應。"),
            "The orgs service did not answer in time",
        ),
        (
            _garbage,
            {},
            502,
            "bad-gateway",
            ("服务返回无效", "组织服务未返回有效应答。"),
            ("服務返回無效", "組織服務未返回有效應答。"),
            "The orgs service gave no valid answer",
        ),
        (
            _silent,
            {"request_deadline_s": 0.3},
            503,
            "deadline-exceeded",
            ("服务暂不可用", "请求未能在时限内完成，请稍后重试。"),
            ("服務暫不可用", "請求未能在時限內完成，請稍後重試。"),
            "The request did not finish within its deadline",
        ),
    ],
    ids=["timeout", "broken-answer", "deadline"],
)
async def test_a_failing_service_and_the_deadline_are_problems_in_chinese(
    gateway_with: GatewayFactory,
    upstream: tuple[int, list[Handler]],
    behaviour: Handler,
    settings: dict[str, Any],
    status: int,
    type: str,
    hans: tuple[str, str],
    hant: tuple[str, str],
    detail_en: str,
) -> None:
    port, handlers = upstream
    handlers.append(behaviour)
    async with gateway_with(orgs_url=f"http://127.0.0.1:{port}", **settings) as client:
        answers = await in_both_scripts(client, lambda h: client.get("/api/v1/orgs", headers=h))

    assert_chinese(*answers, status=status, type=type, hans=hans, hant=hant, detail_en=detail_en)


@pytest.mark.parametrize("forwarded", [True, False], ids=["forwarded", "own-route"])
async def test_a_body_over_the_limit_is_413_in_chinese(
    gateway_with: GatewayFactory, upstream: tuple[int, list[Handler]], forwarded: bool
) -> None:
    port, handlers = upstream

    async def drain(reader: asyncio.StreamReader, _writer: asyncio.StreamWriter) -> None:
        while await reader.read(65536):
            pass

    handlers.append(drain)
    path, size, limit = ("/api/v1/members/import", 2 * MB, MB) if forwarded else ("/api/v1/auth/token", 128 * 1024, 65536)
    headers = {"content-type": "application/x-www-form-urlencoded"}
    async with gateway_with(members_url=f"http://127.0.0.1:{port}", max_forwarded_body_bytes=MB) as client:
        answers = await in_both_scripts(client, lambda h: client.post(path, content=b"a" * size, headers=headers | h))

    assert_chinese(
        *answers,
        status=413,
        type="content-too-large",
        hans=("内容过大", f"请求内容超过 {limit} 字节的上限"),
        hant=("內容過大", f"請求內容超過 {limit} 字節的上限"),
        detail_en=f"The request body is larger than {limit} bytes",
    )
    assert all(answer.json()["max_bytes"] == limit for answer in answers)
