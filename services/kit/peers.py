"""Calls to peer services: one pooled httpx client per peer, explicit timeouts, bounded retries,
and a circuit breaker.

Only idempotent calls (GET) are retried, and only on connection failures or 502/503/504. After
`failure_threshold` failed calls in a row the peer's breaker opens: calls fail at once with a 503
problem instead of each waiting out its timeout; after `reset_after_s` one trial call goes through
(half open), and its success closes the breaker again.
Every call carries the current request id and a child `traceparent`, and the caller's service
token (`ServiceTokenProvider`, obtained from the gateway with client credentials).
"""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from services.kit import messages
from services.kit.metrics import PEER_BREAKER_OPEN, PEER_ERRORS
from services.kit.observability import outgoing_headers
from services.kit.problems import Problem
from services.kit.settings import ProcessSettings, ServiceSettings

logger = logging.getLogger("kit.peers")

TokenSource = Callable[[], Awaitable[str]]
# How long a client keeps an idle connection to a peer, and how long a server keeps one open
# (stack's `serve`). The client must give up first: a server closing a connection at the moment
# the client reuses it turns a good request into a connection error (a 502 at the gateway).
CLIENT_IDLE_S = 4.0
SERVER_KEEP_ALIVE_S = 20
_RETRYABLE_STATUS = {502, 503, 504}


class PeerUnavailable(Problem):
    def __init__(self, peer: str, reason: str) -> None:
        super().__init__(503, f"The {peer} service is unavailable ({reason})", slug="peer-unavailable", peer=peer)
        self.detail_zh = messages.peer_unavailable(peer)
        self.reason = reason


class CircuitBreaker:
    """Closed → open after `failure_threshold` failures in a row → half open after `reset_after_s`
    (one trial call) → closed on its success, open again on its failure."""

    def __init__(
        self, *, failure_threshold: int = 5, reset_after_s: float = 10.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.failure_threshold = failure_threshold
        self.reset_after_s = reset_after_s
        self._clock = clock
        self._failures = 0
        self._opened_at: float | None = None
        self._trial_running = False

    @property
    def state(self) -> str:
        if self._opened_at is None:
            return "closed"
        return "half_open" if self._clock() - self._opened_at >= self.reset_after_s else "open"

    def allow(self) -> bool:
        state = self.state
        if state == "closed":
            return True
        if state == "half_open" and not self._trial_running:
            self._trial_running = True
            return True
        return False

    def succeeded(self) -> None:
        self._failures = 0
        self._opened_at = None
        self._trial_running = False

    def failed(self) -> None:
        self._failures += 1
        if self._trial_running or self._failures >= self.failure_threshold:
            self._opened_at = self._clock()
        self._trial_running = False


def breaker_for(settings: ProcessSettings) -> CircuitBreaker:
    """A breaker with the process's configured threshold and reset time (one per peer)."""
    return CircuitBreaker(failure_threshold=settings.peer_breaker_failures, reset_after_s=settings.peer_breaker_reset_s)


class PeerClient:
    def __init__(
        self,
        name: str,
        base_url: str,
        *,
        token_source: TokenSource | None = None,
        connect_timeout_s: float = 1.0,
        read_timeout_s: float = 5.0,
        max_connections: int = 20,
        retries: int = 2,
        transport: httpx.AsyncBaseTransport | None = None,
        owner: str = "unknown",
        breaker: CircuitBreaker | None = None,
    ) -> None:
        self.name = name
        self.breaker = breaker or CircuitBreaker()
        self.retries = retries
        self.owner = owner
        self._token_source = token_source
        self._client = httpx.AsyncClient(
            base_url=base_url,
            timeout=httpx.Timeout(read_timeout_s, connect=connect_timeout_s),
            limits=httpx.Limits(
                max_connections=max_connections, max_keepalive_connections=max_connections, keepalive_expiry=CLIENT_IDLE_S
            ),
            transport=transport,
        )

    async def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        if not self.breaker.allow():
            PEER_ERRORS.labels(self.owner, self.name, "circuit open").inc()
            raise PeerUnavailable(self.name, "circuit open")
        try:
            response = await self._request(method, path, **kwargs)
        except PeerUnavailable as error:
            self._record(failed=True, reason=error.reason)
            raise
        except BaseException:
            # Cancelled (the caller went away) or an unexpected error: counted as a failure so that
            # a half-open breaker's trial call can never stay "running" and keep it open for good.
            self._record(failed=True, reason="interrupted")
            raise
        self._record(failed=response.status_code in _RETRYABLE_STATUS, reason=f"status {response.status_code}")
        return response

    def _record(self, *, failed: bool, reason: str) -> None:
        if failed:
            PEER_ERRORS.labels(self.owner, self.name, reason).inc()
            self.breaker.failed()
        else:
            self.breaker.succeeded()
        PEER_BREAKER_OPEN.labels(self.owner, self.name).set(0 if self.breaker.state == "closed" else 1)

    async def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {**outgoing_headers(), **kwargs.pop("headers", {})}
        if self._token_source is not None:
            headers["authorization"] = f"Bearer {await self._token_source()}"
        attempts = 1 + (self.retries if method.upper() == "GET" else 0)
        for attempt in range(attempts):
            try:
                response = await self._client.request(method, path, headers=headers, **kwargs)
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.ReadError, httpx.RemoteProtocolError) as error:
                if attempt + 1 >= attempts:
                    raise PeerUnavailable(self.name, type(error).__name__) from None
            except httpx.TimeoutException as error:
                raise PeerUnavailable(self.name, type(error).__name__) from None
            else:
                if response.status_code not in _RETRYABLE_STATUS or attempt + 1 >= attempts:
                    return response
            await asyncio.sleep(0.05 * 2**attempt)
        raise AssertionError("unreachable")

    async def get_json(self, path: str, **kwargs: Any) -> Any:
        response = await self.request("GET", path, **kwargs)
        if response.status_code >= 500:
            raise PeerUnavailable(self.name, f"status {response.status_code}")
        response.raise_for_status()
        return response.json()

    async def aclose(self) -> None:
        await self._client.aclose()


class ServiceTokenProvider:
    """A service's own access token, from the gateway's client-credentials grant, renewed before expiry."""

    def __init__(self, gateway_url: str, client_id: str, client_secret: str, *, timeout_s: float = 5.0) -> None:
        self._client_id = client_id
        self._client_secret = client_secret
        self._client = httpx.AsyncClient(base_url=gateway_url, timeout=timeout_s)
        self._token: str | None = None
        self._renew_at = 0.0
        self._lock = asyncio.Lock()

    async def __call__(self) -> str:
        if self._token and time.monotonic() < self._renew_at:
            return self._token
        async with self._lock:
            if self._token and time.monotonic() < self._renew_at:
                return self._token
            try:
                response = await self._client.post(
                    "/api/v1/auth/token",
                    data={
                        "grant_type": "client_credentials",
                        "client_id": self._client_id,
                        "client_secret": self._client_secret,
                    },
                )
            except httpx.HTTPError as error:
                raise PeerUnavailable("gateway", type(error).__name__) from None
            if response.status_code != 200:
                raise PeerUnavailable("gateway", f"token status {response.status_code}")
            body = response.json()
            self._token = str(body["access_token"])
            self._renew_at = time.monotonic() + max(10.0, float(body.get("expires_in", 300)) * 0.8)
            return self._token

    async def aclose(self) -> None:
        await self._client.aclose()


class ServicePeers:
    """A service's clients for the other services, each call carrying this service's own token.

    `transports` replaces the network for named peers (tests wire in-process apps this way).
    """

    def __init__(
        self,
        settings: ServiceSettings,
        client_id: str,
        *,
        transports: dict[str, httpx.AsyncBaseTransport] | None = None,
    ) -> None:
        self.tokens = ServiceTokenProvider(settings.gateway_url, client_id, settings.client_secret)
        urls = {"orgs": settings.orgs_url, "members": settings.members_url, "activities": settings.activities_url}
        self._clients = {
            name: PeerClient(
                name,
                url,
                token_source=self.tokens,
                connect_timeout_s=settings.peer_connect_timeout_s,
                read_timeout_s=settings.peer_read_timeout_s,
                retries=1,
                transport=(transports or {}).get(name),
                owner=client_id,
                breaker=breaker_for(settings),
            )
            for name, url in urls.items()
        }

    def __getitem__(self, name: str) -> PeerClient:
        return self._clients[name]

    async def stop(self, _app: object = None) -> None:
        for client in self._clients.values():
            await client.aclose()
        await self.tokens.aclose()
