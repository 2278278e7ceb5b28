"""The peer client: bounded retries for idempotent calls only, identity headers, problems."""

from typing import Any

import httpx
import pytest

from services.kit.observability import request_id_var, traceparent_var
from services.kit.peers import PeerClient, PeerUnavailable


def flaky_transport(failures: int, calls: list[httpx.Request]) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if len(calls) <= failures:
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(200, json={"ok": True})

    return httpx.MockTransport(handle)


async def test_a_get_is_retried_on_connection_failure() -> None:
    calls: list[httpx.Request] = []
    peer = PeerClient("orgs", "http://orgs", transport=flaky_transport(2, calls), retries=2)
    assert await peer.get_json("/x") == {"ok": True}
    assert len(calls) == 3
    await peer.aclose()


async def test_retries_are_bounded() -> None:
    calls: list[httpx.Request] = []
    peer = PeerClient("orgs", "http://orgs", transport=flaky_transport(10, calls), retries=2)
    with pytest.raises(PeerUnavailable):
        await peer.get_json("/x")
    assert len(calls) == 3
    await peer.aclose()


async def test_a_post_is_never_retried() -> None:
    calls: list[httpx.Request] = []
    peer = PeerClient("orgs", "http://orgs", transport=flaky_transport(1, calls), retries=2)
    with pytest.raises(PeerUnavailable):
        await peer.request("POST", "/x", json={})
    assert len(calls) == 1
    await peer.aclose()


async def test_calls_carry_the_request_id_a_child_span_and_the_token() -> None:
    calls: list[httpx.Request] = []

    async def token() -> str:
        return "svc-token"

    peer = PeerClient("orgs", "http://orgs", transport=flaky_transport(0, calls), token_source=token)
    rid = request_id_var.set("rid-7")
    trace = traceparent_var.set("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
    try:
        await peer.get_json("/x")
    finally:
        request_id_var.reset(rid)
        traceparent_var.reset(trace)
    sent = calls[0].headers
    assert sent["x-request-id"] == "rid-7"
    assert sent["traceparent"].startswith("00-0af7651916cd43dd8448eb211c80319c-")
    assert sent["traceparent"] != "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    assert sent["authorization"] == "Bearer svc-token"
    await peer.aclose()


def test_timeouts_are_explicit() -> None:
    peer = PeerClient("orgs", "http://orgs", connect_timeout_s=0.5, read_timeout_s=2.0)
    timeout = peer._client.timeout
    assert (timeout.connect, timeout.read) == (0.5, 2.0)


async def test_clients_drop_idle_connections_before_the_servers_close_them(monkeypatch: pytest.MonkeyPatch) -> None:
    """Both at uvicorn's and clients' 5 s, a server closing an idle connection as the gateway
    reused it made occasional 502s under load (benchmarks/load)."""
    import uvicorn

    from gateway.edge.proxy import Upstreams
    from stack import cli

    served: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: served.update(options))
    cli.serve("orgs", "127.0.0.1", 0)
    server_keep_alive = served["timeout_keep_alive"]

    peer = PeerClient("orgs", "http://orgs")
    upstreams = Upstreams({"orgs": "http://orgs"}, connect_timeout_s=1, timeout_s=1, max_connections=4)
    session = upstreams.session()
    try:
        # No public getter on either pool: the idle limits are read where the libraries keep them.
        assert peer._client._transport._pool._keepalive_expiry < server_keep_alive  # type: ignore[attr-defined]
        assert session.connector._keepalive_timeout < server_keep_alive  # type: ignore[union-attr]
    finally:
        await peer.aclose()
        await upstreams.aclose()
