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
from collections.abc import AsyncIterator, Sequence

import aiohttp
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.edge.problems import send_kind
from gateway.errors import BAD_GATEWAY, GATEWAY_TIMEOUT, SERVICE_UNAVAILABLE
from services.kit import messages
from services.kit.observability import outgoing_headers
from services.kit.peers import CLIENT_IDLE_S
from services.kit.problems import ProblemKind

logger = logging.getLogger("gateway.proxy")

API_PREFIX = "/api/v1/"

# The first path segment under /api/v1 decides the service (API.md). Anything else is the
# gateway's own (auth, me, users, clients, audit, reports, meta, openapi.json).
ROUTES: dict[str, str] = {
    "orgs": "orgs",
    "communities": "orgs",
    "reserve-cadres": "orgs",
    "units": "orgs",
    "co-building": "orgs",
    "cooperatives": "orgs",
    "community-workers": "orgs",
    "community-venues": "orgs",
    "zones": "orgs",
    "posts": "orgs",
    "terms": "orgs",
    "tasks": "orgs",
    "assessments": "orgs",
    "inspections": "orgs",
    "rectifications": "orgs",
    "elections": "orgs",
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
    "training": "activities",
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

    def __init__(
        self,
        urls: dict[str, str],
        *,
        connect_timeout_s: float,
        timeout_s: float,
        max_connections: int,
        long_paths: Sequence[str] = (),
        long_timeout_s: float = 0.0,
    ) -> None:
        self.urls = urls
        # A read timeout, not a total one: a slow service is cut off after `timeout_s` of
        # silence, while a large body that keeps flowing may take longer.
        self._timeout = aiohttp.ClientTimeout(total=None, sock_connect=connect_timeout_s, sock_read=timeout_s)
        self._long_paths = tuple(long_paths)
        self._long_timeout = aiohttp.ClientTimeout(total=None, sock_connect=connect_timeout_s, sock_read=long_timeout_s)
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

    def timeout_for(self, path: str) -> aiohttp.ClientTimeout:
        """The wait for an answer on `path`: the long one for the routes that work long."""
        return self._long_timeout if path.startswith(self._long_paths) else self._timeout

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
                scope["method"],
                url,
                headers=headers,
                data=body,
                allow_redirects=False,
                compress=None,
                timeout=self.upstreams.timeout_for(scope["path"]),
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
            await _problem(
                send, scope, SERVICE_UNAVAILABLE, f"The {service} service is unavailable", service=service, error=error
            )
        except TimeoutError as error:
            if started:
                raise
            await _problem(
                send, scope, GATEWAY_TIMEOUT, f"The {service} service did not answer in time", service=service, error=error
            )
        except aiohttp.ClientError as error:
            if started:
                raise
            if refused:  # not the service's fault: the body limit answers (413)
                raise refused[0] from error
            await _problem(send, scope, BAD_GATEWAY, f"The {service} service gave no valid answer", service=service, error=error)


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


# The Chinese detail of each failure, naming the service (Traditional, as the kinds' titles).
_DETAILS_ZH = {
    SERVICE_UNAVAILABLE.slug: "{service}暫不可用，請稍後重試。",  # noqa: RUF001
    GATEWAY_TIMEOUT.slug: "{service}未能及時響應。",
    BAD_GATEWAY.slug: "{service}未返回有效應答。",
}


async def _problem(send: Send, scope: Scope, kind: ProblemKind, detail: str, *, service: str, error: BaseException) -> None:
    logger.warning("upstream failed", extra={"service": service, "status": kind.status, "error": type(error).__name__})
    retry_after = "1" if kind is SERVICE_UNAVAILABLE else None
    zh = _DETAILS_ZH[kind.slug].format(service=messages.process_name(service))
    await send_kind(send, scope, kind, detail, zh=zh, retry_after=retry_after, service=service)
