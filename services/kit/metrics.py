"""Prometheus metrics of a process, served at `/metrics` by every process (kit `create_app`).

The series (every one carries the process as `service`):
- `http_requests_total{service,method,route,status}` and `http_request_duration_seconds{…}`: by
  route TEMPLATE (`/members/{member_id}`), never the raw path, so ids do not explode the label
  set; the gateway's forwarded calls count as `proxy:<service>`, unmatched paths as `<unmatched>`.
- `db_pool_connections{service,state=in_use|idle|size}`: the engine's pool, read at scrape time.
- `peer_call_errors_total{service,peer,reason}` and `peer_breaker_open{service,peer}`: calls to
  other services that failed, and whether the peer's breaker is open (kit.peers).
- `feed_consumer_position{service,source}` and `feed_consumer_lag_seconds{service,source}`: how far
  each event consumer has read, and how long since it last caught up with its feed (0 = caught up).
- `webhook_queue_depth{service,state}`: deliveries waiting or parked (the gateway sets it).
- `scheduled_job_runs_total{service,job,outcome}` and `scheduled_job_duration_seconds{service,job}`.

Metrics live in prometheus_client's default registry, one per OS process; tests that run several
apps in one process share it, which the `service` label keeps apart.

`/metrics` carries no personal data and no credentials; it answers without a token but only to
clients in `metrics_allowed_networks` (loopback and private ranges by default): Prometheus
scrapes from inside the deployment, and the public entrance must not forward `/metrics`.
"""

import ipaddress
import time
import weakref
from collections.abc import Iterable, Iterator
from typing import Any

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import REGISTRY, GaugeMetricFamily
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.kit.problems import Problem

REQUESTS = Counter("http_requests_total", "HTTP requests answered", ["service", "method", "route", "status"])
REQUEST_DURATION = Histogram(
    "http_request_duration_seconds",
    "Time to answer an HTTP request",
    ["service", "method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
PEER_ERRORS = Counter("peer_call_errors_total", "Calls to a peer service that failed", ["service", "peer", "reason"])
PEER_BREAKER_OPEN = Gauge("peer_breaker_open", "1 while calls to the peer are refused by its breaker", ["service", "peer"])
CONSUMER_POSITION = Gauge("feed_consumer_position", "The last event sequence number applied", ["service", "source"])
CONSUMER_LAG = Gauge(
    "feed_consumer_lag_seconds", "Seconds since the consumer last caught up with its feed", ["service", "source"]
)
WEBHOOK_QUEUE = Gauge("webhook_queue_depth", "Webhook deliveries by state", ["service", "state"])
JOB_RUNS = Counter("scheduled_job_runs_total", "Scheduled job runs", ["service", "job", "outcome"])
JOB_DURATION = Histogram("scheduled_job_duration_seconds", "Duration of scheduled job runs", ["service", "job"])

UNMATCHED = "<unmatched>"


class _PoolCollector(Collector):
    """Pool use of every registered engine, read when Prometheus scrapes (no bookkeeping per checkout)."""

    def __init__(self) -> None:
        self._pools: weakref.WeakValueDictionary[str, Any] = weakref.WeakValueDictionary()

    def register(self, service: str, pool: Any) -> None:
        self._pools[service] = pool

    def collect(self) -> Iterable[GaugeMetricFamily]:
        family = GaugeMetricFamily("db_pool_connections", "Database pool connections", labels=["service", "state"])
        for service, pool in list(self._pools.items()):
            for state, value in _pool_figures(pool):
                family.add_metric([service, state], value)
        yield family


def _pool_figures(pool: Any) -> Iterator[tuple[str, float]]:
    for state, method in (("in_use", "checkedout"), ("idle", "checkedin"), ("size", "size")):
        reader = getattr(pool, method, None)
        if callable(reader):
            yield state, float(reader())


_pools = _PoolCollector()
REGISTRY.register(_pools)


def watch_pool(service: str, pool: Any) -> None:
    _pools.register(service, pool)


def route_label(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    if isinstance(path, str):
        return path
    forwarded = scope.get("metrics.route")
    return forwarded if isinstance(forwarded, str) else UNMATCHED


class MetricsMiddleware:
    """Counts and times every HTTP request by route template (pure ASGI: cheap on the hot path)."""

    def __init__(self, app: ASGIApp, *, service: str) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_recording(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_recording)
        finally:
            route = route_label(scope)
            REQUESTS.labels(self.service, scope["method"], route, str(status)).inc()
            REQUEST_DURATION.labels(self.service, scope["method"], route).observe(time.perf_counter() - started)


def _allowed(host: str | None, networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network]) -> bool:
    if host is None:
        return False
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host == "testclient"  # Starlette's TestClient
    return any(address in network for network in networks)


def metrics_router(allowed_networks: list[str]) -> APIRouter:
    networks = [ipaddress.ip_network(network, strict=False) for network in allowed_networks]
    router = APIRouter(tags=["operations"], include_in_schema=False)

    @router.get("/metrics")
    async def metrics(request: Request) -> Response:
        if not _allowed(request.client.host if request.client else None, networks):
            raise Problem(404, "Not found", slug="not-found")
        return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)

    return router
