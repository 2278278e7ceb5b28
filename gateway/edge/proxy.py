"""Forwarding of `/api/v1/...` to the services, as a plain ASGI layer in front of FastAPI.

The proxied path skips FastAPI's routing and dependency machinery on purpose: it is the hot path
of every request. The upstream client is aiohttp's, not httpx's: httpx's connection pool
serializes under concurrency (encode/httpx#3215) and kept 0.37 of direct throughput at 10
concurrent requests on this kind of machine, aiohttp 0.82 to 0.96 (shared/ENGINEERING.md); our own
figures through this proxy are in benchmarks/README.md.

Status, headers and bodies pass through unchanged (bodies stream in both directions; encoded
bodies are not decoded), hop-by-hop headers are dropped, and the request id and a child
`traceparent` are added. A service that refuses connections answers 503, one that is too slow
504, one that breaks the exchange 502 — each an RFC 9457 problem, within the upstream timeout.
"""

import logging
from collections.abc import AsyncIterator

import aiohttp
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.errors import BAD_GATEWAY, GATEWAY_TIMEOUT, SERVICE_UNAVAILABLE
from services.kit.observability import outgoing_headers
from services.kit.peers import CLIENT_IDLE_S
from services.kit.problems import ProblemKind, send_problem

logger = logging.getLogger("gateway.proxy")

API_PREFIX = "/api/v1/"

# The first path segment under /api/v1 decides the service (API.md). Anything else is the
# gateway's own (auth, me, users, clients, audit, reports, meta, openapi.json).
ROUTES: dict[str, str] = {
    "orgs": "orgs",
    "communities": "orgs",
    "units": "orgs",
    "co-building": "orgs",
    "zones": "orgs",
    "posts": "orgs",
    "terms": "orgs",
    "tasks": "orgs",
    "inspections": "orgs",
    "rectifications": "orgs",
    "members": "members",
    "transfers": "members",
    "recruitment": "members",
    "dues": "members",
    "activities": "activities",
    "activity-types": "activities",
    "venues": "activities",
    "contacts": "activities",
    "evaluations": "activities",
    "reviews": "activities",
    "compliance": "activities",
    "study": "activities",
    "change-requests": "members",
    "floating-reports": "members",
}
# A member's own view, `/api/v1/me/<part>/...`: each service answers its own part (`/api/v1/me`
# alone is the gateway's: the caller's identity).
ME_ROUTES: dict[str, str] = {
    "record": "members",
    "history": "members",
    "dues": "members",
    "transfers": "members",
    "change-requests": "members",
    "floating-reports": "members",
    "posts": "orgs",
    "zones": "orgs",
    "positions": "orgs",
    "activities": "activities",
    "study": "activities",
    "study-records": "activities",
}

_HOP_BY_HOP = frozenset(
    {
        b"connection",
        b"keep-alive",
        b"proxy-authenticate",
        b"proxy-connection",
        b"te",
        b"trailer",
        b"transfer-encoding",
        b"upgrade",
        b"host",
        b"content-length",
    }
)
# Content-length stays on responses: the body passes through byte for byte. The request id and
# trace headers are the gateway's own, added by its RequestContextMiddleware; `date` and `server`
# are the gateway's server's to give (one of each, not the service's as well).
_RESPONSE_DROPPED = (_HOP_BY_HOP - {b"content-length"}) | {b"x-request-id", b"traceparent", b"date", b"server"}
_STREAM_THRESHOLD = 64 * 1024
_BODYLESS_METHODS = frozenset({"GET", "HEAD", "DELETE", "OPTIONS"})


def service_for(path: str) -> str | None:
    if not path.startswith(API_PREFIX):
        return None
    segment, _, rest = path[len(API_PREFIX) :].partition("/")
    if segment == "me":
        return ME_ROUTES.get(rest.split("/", 1)[0])
    return ROUTES.get(segment)


class Upstreams:
    """The services' base URLs and one pooled aiohttp session to reach them (made in the loop)."""

    def __init__(self, urls: dict[str, str], *, connect_timeout_s: float, timeout_s: float, max_connections: int) -> None:
        self.urls = urls
        # A read timeout, not a total one: a slow service is cut off after `timeout_s` of
        # silence, while a large body that keeps flowing may take longer.
        self._timeout = aiohttp.ClientTimeout(total=None, sock_connect=connect_timeout_s, sock_read=timeout_s)
        self._max_connections = max_connections
        self._session: aiohttp.ClientSession | None = None

    def session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(
                limit=self._max_connections,
                limit_per_host=self._max_connections,
                ttl_dns_cache=300,
                keepalive_timeout=CLIENT_IDLE_S,
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                timeout=self._timeout,
                auto_decompress=False,
                skip_auto_headers=("User-Agent", "Accept-Encoding", "Accept", "Content-Type"),
            )
        return self._session

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()


class ServiceProxy:
    """ASGI middleware: requests for a service go upstream, the rest to the wrapped app."""

    def __init__(self, app: ASGIApp, *, upstreams: Upstreams) -> None:
        self.app = app
        self.upstreams = upstreams

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        service = service_for(scope["path"])
        if service is None:
            await self.app(scope, receive, send)
            return
        await self._forward(service, scope, receive, send)

    async def _forward(self, service: str, scope: Scope, receive: Receive, send: Send) -> None:
        url = self.upstreams.urls[service] + scope["raw_path"].decode("latin-1")
        if scope["query_string"]:
            url += "?" + scope["query_string"].decode("latin-1")
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"] if k not in _HOP_BY_HOP]
        headers = [(k, v) for k, v in headers if k not in ("x-request-id", "traceparent")]
        headers.extend(outgoing_headers().items())
        client = scope.get("client")
        if client:
            headers.append(("x-forwarded-for", client[0]))
        refused: list[HTTPException] = []  # the body limit, met while the body streamed upstream
        body, length = await _request_body(scope, receive, refused)
        if length is not None and (length or scope["method"] not in _BODYLESS_METHODS):
            headers.append(("content-length", str(length)))
        started = False
        try:
            async with self.upstreams.session().request(
                scope["method"], url, headers=headers, data=body, allow_redirects=False, compress=None
            ) as upstream:
                response_headers = [(k.lower(), v) for k, v in upstream.raw_headers if k.lower() not in _RESPONSE_DROPPED]
                upstream_length = upstream.content_length
                if upstream_length is not None and upstream_length <= _STREAM_THRESHOLD:
                    content = await upstream.read()
                    await send({"type": "http.response.start", "status": upstream.status, "headers": response_headers})
                    started = True
                    await send({"type": "http.response.body", "body": content})
                    return
                await send({"type": "http.response.start", "status": upstream.status, "headers": response_headers})
                started = True
                async for chunk in upstream.content.iter_chunked(_STREAM_THRESHOLD):
                    await send({"type": "http.response.body", "body": chunk, "more_body": True})
                await send({"type": "http.response.body", "body": b""})
        except aiohttp.ClientConnectorError as error:
            if started:
                raise
            await _problem(send, SERVICE_UNAVAILABLE, f"The {service} service is unavailable", service=service, error=error)
        except TimeoutError as error:
            if started:
                raise
            await _problem(send, GATEWAY_TIMEOUT, f"The {service} service did not answer in time", service=service, error=error)
        except aiohttp.ClientError as error:
            if started:
                raise
            if refused:  # not the service's fault: the body limit answers (413)
                raise refused[0] from error
            await _problem(send, BAD_GATEWAY, f"The {service} service gave no valid answer", service=service, error=error)


async def _request_body(
    scope: Scope, receive: Receive, refused: list[HTTPException]
) -> tuple[bytes | AsyncIterator[bytes], int | None]:
    """The request body: none when none is announced, read whole when small, streamed otherwise
    (a refusal of the body limit while it streams lands in `refused`: the HTTP client upstream
    turns it into an error of its own)."""
    declared = None
    chunked = False
    for name, value in scope["headers"]:
        if name == b"content-length":
            declared = int(value)
        elif name == b"transfer-encoding":
            chunked = True
    if declared is None and not chunked:
        # A GET or DELETE: sending an empty chunked body upstream cost 11-13% of the gateway's CPU.
        return b"", None
    if declared is not None and declared <= _STREAM_THRESHOLD:
        chunks = []
        more = True
        while more:
            message: Message = await receive()
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        return body, len(body)

    async def stream() -> AsyncIterator[bytes]:
        more = True
        while more:
            try:
                message = await receive()
            except HTTPException as error:
                refused.append(error)
                raise
            chunk = message.get("body", b"")
            if chunk:
                yield chunk
            more = message.get("more_body", False)

    return stream(), declared


async def _problem(send: Send, kind: ProblemKind, detail: str, *, service: str, error: BaseException) -> None:
    logger.warning("upstream failed", extra={"service": service, "status": kind.status, "error": type(error).__name__})
    retry_after = "1" if kind is SERVICE_UNAVAILABLE else None
    await send_problem(send, kind.status, detail, slug=kind.slug, retry_after=retry_after, service=service)
