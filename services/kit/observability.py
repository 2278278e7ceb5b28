"""Request ids, W3C trace context and JSON logs.

`RequestContextMiddleware` (pure ASGI, so it costs little on the hot path) takes `X-Request-ID`
and `traceparent` from the caller or makes them, keeps them in context variables for the log
formatter and for outgoing peer calls, returns them on the response, and writes one access line
per request. Query strings are never logged: they can carry ID numbers or phone numbers.
"""

import contextlib
import contextvars
import logging
import re
import secrets
import sys
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.kit.tracing import server_span, traceparent_of, tracing_enabled

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
traceparent_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("traceparent", default=None)

_TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._\-]{1,128}$")

access_logger = logging.getLogger("access")
_ROUTINE_PATHS = frozenset({"/healthz", "/readyz", "/internal/events"})


def new_span_id() -> str:
    return secrets.token_hex(8)


def child_traceparent(parent: str | None) -> str:
    """The traceparent for a call made now: same trace, new span (a fresh trace without a parent)."""
    match = _TRACEPARENT.match(parent or "")
    trace_id = match.group(1) if match else secrets.token_hex(16)
    flags = match.group(3) if match else "01"
    return f"00-{trace_id}-{new_span_id()}-{flags}"


def outgoing_headers() -> dict[str, str]:
    """Headers that carry the current request's identity to a peer."""
    current = traceparent_var.get()
    # With tracing on, the current traceparent is a recorded server span: the peer's span is its child.
    headers = {"traceparent": current if tracing_enabled() and current else child_traceparent(current)}
    request_id = request_id_var.get()
    if request_id:
        headers["x-request-id"] = request_id
    return headers


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, *, service: str) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming_id = incoming_trace = None
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                incoming_id = value.decode("latin-1")
            elif name == b"traceparent":
                incoming_trace = value.decode("latin-1")
        request_id = incoming_id if incoming_id and _REQUEST_ID.match(incoming_id) else uuid.uuid4().hex
        valid_trace = incoming_trace if incoming_trace and _TRACEPARENT.match(incoming_trace) else None
        traceparent = valid_trace or child_traceparent(None)
        spans = contextlib.ExitStack()
        span = spans.enter_context(server_span(scope["method"], valid_trace)) if tracing_enabled() else None
        if span is not None:
            traceparent = traceparent_of(span)
        id_token = request_id_var.set(request_id)
        trace_token = traceparent_var.set(traceparent)
        started = time.perf_counter()
        status = 500

        async def send_with_ids(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode("latin-1")))
                headers.append((b"traceparent", traceparent.encode("latin-1")))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_ids)
        finally:
            # Health probes and feed polls run several times a second: debug, unless they fail.
            routine = status < 400 and scope["path"] in _ROUTINE_PATHS
            level = logging.DEBUG if routine else logging.INFO
            if access_logger.isEnabledFor(level):
                access_logger.log(
                    level,
                    "request",
                    extra={
                        "method": scope["method"],
                        "path": scope["path"],
                        "status": status,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    },
                )
            request_id_var.reset(id_token)
            traceparent_var.reset(trace_token)
            if span is not None:
                route = getattr(scope.get("route"), "path", None)
                if route:
                    span.update_name(f"{scope['method']} {route}")
                    span.set_attribute("http.route", route)
                span.set_attribute("http.request.method", scope["method"])
                span.set_attribute("http.response.status_code", status)
                spans.close()


_RESERVED = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "service": self.service,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = request_id_var.get()
        if request_id:
            entry["request_id"] = request_id
        traceparent = traceparent_var.get()
        if traceparent:
            entry["trace_id"] = traceparent[3:35]
        for key, value in record.__dict__.items():
            if key not in _RESERVED and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            # Exception type only: a formatted traceback can quote values that hold personal data.
            entry["error"] = record.exc_info[0].__name__ if record.exc_info[0] else "unknown"
        return orjson.dumps(entry, default=str).decode()


def configure_logging(service: str, level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    logging.getLogger("uvicorn.access").disabled = True
    # httpx logs every URL at INFO, query strings included: those may carry personal data.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
