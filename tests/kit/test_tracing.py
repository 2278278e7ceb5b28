"""OpenTelemetry: off unless an OTLP endpoint is set; when on, a request is a server span that
continues the caller's W3C trace, and what the service sends on is that span's context."""

from collections.abc import Iterator

import httpx
import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from services.kit import tracing
from services.kit.observability import outgoing_headers, traceparent_var

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
CALLER_SPAN = "00f067aa0ba902b7"


@pytest.fixture
def exported() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    assert tracing.configure_tracing("orgs", exporter)
    yield exporter
    tracing.shutdown_tracing()


def test_tracing_is_off_without_an_endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in tracing.ENDPOINT_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    assert not tracing.configure_tracing("orgs")
    assert not tracing.tracing_enabled()


async def test_a_request_continues_the_callers_trace(orgs_client: httpx.AsyncClient, exported: InMemorySpanExporter) -> None:
    response = await orgs_client.get("/healthz", headers={"traceparent": f"00-{TRACE_ID}-{CALLER_SPAN}-01"})
    tracing._state.provider.force_flush()  # type: ignore[union-attr]

    (span,) = [s for s in exported.get_finished_spans() if s.name == "GET /healthz"]
    assert f"{span.context.trace_id:032x}" == TRACE_ID
    assert f"{span.parent.span_id:016x}" == CALLER_SPAN  # type: ignore[union-attr]
    assert span.attributes["http.response.status_code"] == 200  # type: ignore[index]
    # The response names the service's own span, the one its peer calls hang under.
    assert response.headers["traceparent"] == f"00-{TRACE_ID}-{span.context.span_id:016x}-01"


def test_peer_calls_carry_the_current_span_as_parent_when_tracing(exported: InMemorySpanExporter) -> None:
    own = f"00-{TRACE_ID}-{CALLER_SPAN}-01"
    token = traceparent_var.set(own)
    try:
        assert outgoing_headers()["traceparent"] == own
    finally:
        traceparent_var.reset(token)
