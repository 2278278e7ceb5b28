"""A forwarded answer carries one `date`, no `server`, and the security headers once each
(issue #17, finding 8): the service's own `date` and `server` are not passed on, and the
service's security headers are not repeated by the gateway's."""

import asyncio

import httpx

from gateway.app import create_app
from tests.gateway.conftest import Handler, read_request
from tests.gateway.test_proxy import _gateway
from tests.support import LiveStack, SuiteDatabase, in_process

UPSTREAM_DATE = "Mon, 01 Jan 2001 00:00:00 GMT"


async def test_the_services_date_and_server_are_not_passed_on(
    test_db: SuiteDatabase, upstream: tuple[int, list[Handler]]
) -> None:
    port, handlers = upstream

    async def service(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ndate: " + UPSTREAM_DATE.encode() + b"\r\n"
            b"server: uvicorn\r\nx-content-type-options: nosniff\r\ncontent-security-policy: default-src 'none'\r\n"
            b"content-length: 2\r\n\r\n{}"
        )
        await writer.drain()

    handlers.append(service)
    async with in_process(create_app(await _gateway(test_db, port))) as client:
        response = await client.get("/api/v1/orgs")

    assert response.status_code == 200
    assert "server" not in response.headers
    assert UPSTREAM_DATE not in response.headers.get_list("date")
    assert response.headers.get_list("x-content-type-options") == ["nosniff"]
    assert response.headers.get_list("content-security-policy") == ["default-src 'none'"]  # the service's, not doubled


def test_a_forwarded_answer_of_the_real_processes_has_one_date_and_no_server(live: LiveStack) -> None:
    for url in (live.url() + "/api/v1/orgs", live.url() + "/healthz", live.url("orgs") + "/healthz"):
        response = httpx.get(url, headers=live.business_headers(), timeout=10)

        assert response.status_code == 200, (url, response.text)
        assert len(response.headers.get_list("date")) == 1, url
        assert "server" not in response.headers, url
        for name in ("x-content-type-options", "x-frame-options", "referrer-policy", "content-security-policy"):
            assert len(response.headers.get_list(name)) == 1, (url, name)
