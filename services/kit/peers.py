"""Calls to peer services: one pooled httpx client per peer, explicit timeouts, bounded retries.

Only idempotent calls (GET) are retried, and only on connection failures or 502/503/504.
Every call carries the current request id and a child `traceparent`, and the caller's service
token (`ServiceTokenProvider`, obtained from the gateway with client credentials).
"""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from services.kit.metrics import PEER_BREAKER_OPEN, PEER_ERRORS
from services.kit.observability import outgoing_headers
from services.kit.problems import Problem
from services.kit.settings import ServiceSettings

logger = logging.getLogger("kit.peers")

TokenSource = Callable[[], Awaitable[str]]
_RETRYABLE_STATUS = {502, 503, 504}


class PeerUnavailable(Problem):
    def __init__(self, peer: str, reason: str) -> None:
        super().__init__(503, f"The {peer} service is unavailable ({reason})", slug="peer-unavailable", peer=peer)
        self.reason = reason


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
    ) -> None:
        self.name = name
        self.retries = retries
        self.owner = owner
        self._token_source = token_source
        self._client = httpx.AsyncClient(
            base_url=base_url,
            timeout=httpx.Timeout(read_timeout_s, connect=connect_timeout_s),
            limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections),
            transport=transport,
        )

    async def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = await self._request(method, path, **kwargs)
        except PeerUnavailable as error:
            self._record(failed=True, reason=error.reason)
            raise
        self._record(failed=response.status_code in _RETRYABLE_STATUS, reason=f"status {response.status_code}")
        return response

    def _record(self, *, failed: bool, reason: str) -> None:
        # There is no circuit breaker (calls have short timeouts and bounded retries instead);
        # `peer_breaker_open` shows the state one would have: 1 while the last call failed.
        if failed:
            PEER_ERRORS.labels(self.owner, self.name, reason).inc()
        PEER_BREAKER_OPEN.labels(self.owner, self.name).set(1 if failed else 0)

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
            )
            for name, url in urls.items()
        }

    def __getitem__(self, name: str) -> PeerClient:
        return self._clients[name]

    async def stop(self, _app: object = None) -> None:
        for client in self._clients.values():
            await client.aclose()
        await self.tokens.aclose()
