"""OpenTelemetry tracing across the gateway and the services, exported over OTLP — only when
`OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set; off otherwise, and
then it costs nothing on the request path.

W3C trace context is carried as before (kit.observability): when tracing is on, each request
becomes a server span whose parent is the caller's `traceparent`, and the request's own
`traceparent` (in logs, in the response, and sent on to peers) is that span's, so the gateway's
span is the parent of the service's span it forwarded to. The exporter reads the standard
`OTEL_*` variables (endpoint, headers, timeout); the service name is `dangjian-<process>`.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager

from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import Span, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter
from opentelemetry.trace import SpanKind, Tracer
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

ENDPOINT_VARIABLES = ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")

_propagator = TraceContextTextMapPropagator()


class _State:
    tracer: Tracer | None = None
    provider: TracerProvider | None = None


_state = _State()


def configure_tracing(service: str, exporter: SpanExporter | None = None) -> bool:
    """Turn tracing on for this process if an OTLP endpoint is configured (or an exporter given)."""
    if _state.tracer is not None:
        return True
    if exporter is None:
        if not any(os.environ.get(name) for name in ENDPOINT_VARIABLES):
            return False
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        exporter = OTLPSpanExporter()
    # Our own provider, not the global one: the process's spans are ours alone, and turning
    # tracing off again (tests) leaves nothing behind.
    _state.provider = TracerProvider(resource=Resource.create({"service.name": f"dangjian-{service}"}))
    _state.provider.add_span_processor(BatchSpanProcessor(exporter))
    _state.tracer = _state.provider.get_tracer("dangjian")
    return True


def shutdown_tracing() -> None:
    if _state.provider is not None:
        _state.provider.shutdown()
    _state.tracer = _state.provider = None


def tracing_enabled() -> bool:
    return _state.tracer is not None


def traceparent_of(span: Span) -> str:
    context = span.get_span_context()
    return f"00-{context.trace_id:032x}-{context.span_id:016x}-{int(context.trace_flags):02x}"


@contextmanager
def server_span(name: str, traceparent: str | None) -> Iterator[Span]:
    """A server span for one request, child of the caller's trace when it sent one."""
    assert _state.tracer is not None
    parent = _propagator.extract({"traceparent": traceparent} if traceparent else {})
    with _state.tracer.start_as_current_span(name, context=parent, kind=SpanKind.SERVER) as span:
        yield span  # type: ignore[misc]
