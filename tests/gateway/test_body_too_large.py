"""A body over one of the gateway's size limits is refused with a problem document (413,
`application/problem+json`, naming the limit in `max_bytes`): on a forwarded path (the proxy reads
the body) and on one of the gateway's own routes, with a declared length or a streamed body."""

import asyncio

import pytest

from gateway.app import create_app as create_gateway
from gateway.settings import OWN_ROUTE_MAX_BODY_BYTES, GatewaySettings
from tests.conftest import ADMIN_PASSWORD
from tests.gateway.conftest import Handler
from tests.kit.test_body_too_large import MB, assert_problem, streamed
from tests.support import SuiteDatabase, in_process


@pytest.mark.parametrize("declared", [True, False], ids=["declared", "streamed"])
async def test_the_gateway_answers_a_body_over_its_limits_with_a_problem(
    test_db: SuiteDatabase, upstream: tuple[int, list[Handler]], declared: bool
) -> None:
    port, handlers = upstream

    async def drain(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while await reader.read(65536):
            pass

    handlers.append(drain)
    settings = GatewaySettings(
        data_dir=test_db.data_dir,
        database_url=test_db.urls["gateway"],
        json_logs=False,
        admin_password=ADMIN_PASSWORD,
        members_url=f"http://127.0.0.1:{port}",
        consume_feeds=False,
        deliver_webhooks=False,
        max_forwarded_body_bytes=MB,
    )
    async with in_process(create_gateway(settings)) as gateway:
        forwarded = await gateway.post("/api/v1/members/import", content=b"a" * (2 * MB) if declared else streamed(2 * MB))
        own = await gateway.post(
            "/api/v1/auth/token",
            content=b"a" * (128 * 1024) if declared else streamed(128 * 1024),
            headers={"content-type": "application/x-www-form-urlencoded"},
        )

    assert_problem(forwarded, MB)
    assert_problem(own, OWN_ROUTE_MAX_BODY_BYTES)
