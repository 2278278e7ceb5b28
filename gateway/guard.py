"""What the gateway checks and records around every request, as a plain ASGI layer (cheap on
the hot path): load shedding, per-caller rate limits, `Cache-Control: no-store`, and the audit
rows of writes and of unmasked reads.

- Load shedding: at most `max_in_flight` API requests are inside this process at once; one more
  is answered at once with a 503 problem and `Retry-After`, before any other work (no token
  verification, no upstream call, no audit row). Beyond saturation callers thus get a fast,
  retryable refusal instead of joining a queue whose wait ends in their own timeout. When the
  requests that complete take longer than `target_latency_s` (median), the bound shrinks to what
  the system behind it finishes in that time (Little's law: completions per second x target), so
  that admitted requests wait about that long and not until the caller gives up; it grows back
  as latency falls. The bound is per process (per replica); `/healthz` and `/metrics` are outside
  it, so that an overloaded replica still answers its orchestrator.

- Rate limit: a token bucket per caller, keyed by the verified token's subject, else the client
  address; over it, a 429 problem with `Retry-After`. Buckets live in the process (per replica).
- The caller of a request is verified once per token and remembered until the token expires,
  so a GET costs a dictionary look-up, not an EdDSA verification.
- Audit: every write (method other than GET/HEAD/OPTIONS, forwarded or the gateway's own) gets a
  row with the status as outcome, committed before the last part of the answer is sent: a caller
  never holds an answer whose row is still to be written, and when rows are slow to write the
  callers wait (backpressure) instead of a queue of pending rows growing behind answers already
  given (under a burst of writes from only 8 callers the pending rows once filled the in-flight
  bound). The routes that log people in and out record their own, more precise rows. A service
  that returned raw ID numbers or phones says so in `X-Audit-Unmasked` (member ids, or
  `export:<count>`); the gateway records it as an `unmasked_read` row and removes the header
  before the client sees it.
"""

import logging
import time
from collections import OrderedDict
from dataclasses import dataclass

import jwt
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.rules import Bucket, GatewayPolicy, retry_after_header, take
from gateway.service import audit
from services.kit.auth import TokenVerifier, Unauthorized
from services.kit.db import Database
from services.kit.observability import request_id_var
from services.kit.problems import send_problem

logger = logging.getLogger("gateway.guard")

API_PREFIX = "/api/v1/"
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
UNMASKED_HEADER = b"x-audit-unmasked"
# These routes record their own audit rows (login, refresh, logout and their failures).
SELF_AUDITED = frozenset({"/api/v1/auth/token", "/api/v1/auth/refresh", "/api/v1/auth/logout"})
_MAX_BUCKETS = 100_000


class Admission:
    """How many API requests may be inside the process at once (see the module docstring).

    Completed requests are judged per window of at least `WINDOW_S` and `MIN_SAMPLES` answers (a
    window of a few slow reports on a quiet gateway says nothing about saturation); a window with
    fewer answers after `IDLE_WINDOW_S` counts as quiet and lets the bound grow back.
    """

    WINDOW_S = 1.0
    MIN_SAMPLES = 16
    IDLE_WINDOW_S = 10.0

    def __init__(self, *, max_in_flight: int, min_in_flight: int, target_latency_s: float, now: float | None = None) -> None:
        self.max_in_flight = max_in_flight
        self.min_in_flight = min(min_in_flight, max_in_flight)
        self.target_latency_s = target_latency_s
        self.limit = max_in_flight
        self.in_flight = 0
        self._window_start = time.monotonic() if now is None else now
        self._latencies: list[float] = []

    def admit(self, now: float) -> bool:
        if self.target_latency_s > 0:
            self._judge(now)
        if self.in_flight >= self.limit:
            return False
        self.in_flight += 1
        return True

    def done(self, latency_s: float) -> None:
        self.in_flight -= 1
        if self.target_latency_s > 0:
            self._latencies.append(latency_s)

    def _judge(self, now: float) -> None:
        elapsed = now - self._window_start
        samples = len(self._latencies)
        if elapsed < self.WINDOW_S or (samples < self.MIN_SAMPLES and elapsed < self.IDLE_WINDOW_S):
            return
        if samples >= self.MIN_SAMPLES and sorted(self._latencies)[samples // 2] > self.target_latency_s:
            # Saturated: admit what completes within the target (Little's law).
            fits = int(samples / elapsed * self.target_latency_s)
            self.limit = max(self.min_in_flight, min(self.max_in_flight, fits))
        else:
            self.limit = min(self.max_in_flight, max(self.min_in_flight, self.limit * 2))
        self._window_start = now
        self._latencies = []


@dataclass(frozen=True)
class KnownCaller:
    sub: str
    username: str | None
    roles: tuple[str, ...]
    expires_at: float


class Buckets:
    """Token buckets by key, the oldest forgotten first when there are too many."""

    def __init__(self, rate_per_s: float, burst: int) -> None:
        self.rate_per_s = rate_per_s
        self.burst = burst
        self._buckets: OrderedDict[str, Bucket] = OrderedDict()

    def wait_for(self, key: str, now: float | None = None) -> float:
        """0.0 when the request may go, else the seconds until it could."""
        bucket, wait = take(
            self._buckets.pop(key, None), time.monotonic() if now is None else now, rate_per_s=self.rate_per_s, burst=self.burst
        )
        self._buckets[key] = bucket
        if len(self._buckets) > _MAX_BUCKETS:
            self._buckets.popitem(last=False)
        return wait


class CallerCache:
    """Verified access tokens → who they name, until they expire (bounded)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._known: OrderedDict[str, KnownCaller] = OrderedDict()

    def caller(self, verifier: TokenVerifier | None, authorization: bytes | None) -> KnownCaller | None:
        if verifier is None or not authorization:
            return None
        scheme, _, token = authorization.decode("latin-1").partition(" ")
        if scheme.lower() != "bearer" or not token:
            return None
        known = self._known.get(token)
        if known is not None:
            if known.expires_at > time.time():
                return known
            del self._known[token]
        try:
            verified = verifier.verify(token)
        except Unauthorized:
            return None
        expires_at = float(jwt.decode(token, options={"verify_signature": False}).get("exp", 0))
        known = KnownCaller(verified.subject, verified.name, tuple(sorted(verified.roles)), expires_at)
        self._known[token] = known
        if len(self._known) > self.size:
            self._known.popitem(last=False)
        return known


class Guard:
    def __init__(
        self,
        app: ASGIApp,
        *,
        db: Database,
        policy: GatewayPolicy,
        cache_size: int,
        admission: Admission,
        shed_retry_after_s: float,
    ) -> None:
        self.app = app
        self.db = db
        self.buckets = Buckets(policy.rate_per_s, policy.rate_burst)
        self.callers = CallerCache(cache_size)
        self.admission = admission
        self.shed_retry_after_s = shed_retry_after_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(API_PREFIX):
            await self.app(scope, receive, send)
            return
        started = time.monotonic()
        if not self.admission.admit(started):
            await _refuse(send, 503, "The gateway is at capacity; retry later", "overloaded", self.shed_retry_after_s)
            return
        try:
            await self._guarded(scope, receive, send)
        finally:
            self.admission.done(time.monotonic() - started)

    async def _guarded(self, scope: Scope, receive: Receive, send: Send) -> None:
        authorization = None
        for name, value in scope["headers"]:
            if name == b"authorization":
                authorization = value
                break
        caller = self.callers.caller(getattr(scope["app"].state, "verifier", None), authorization)
        client = scope.get("client")
        address = client[0] if client else None
        wait = self.buckets.wait_for(f"sub:{caller.sub}" if caller else f"ip:{address}")
        if wait > 0:
            await _refuse(send, 429, "Too many requests; retry later", "too-many-requests", wait)
            return
        status = 500
        unmasked: str | None = None
        write = scope["method"] not in READ_METHODS and scope["path"] not in SELF_AUDITED
        audited = False

        async def guarded_send(message: Message) -> None:
            nonlocal status, unmasked, audited
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                # A failed answer (5xx) goes out first and its row after it (the `finally` below):
                # its database may be the one that failed, and the caller should learn at once.
                if (write or unmasked) and not audited and status < 500:
                    audited = True
                    await self._audit(scope, caller, address, status, write=write, unmasked=unmasked)
            elif message["type"] == "http.response.start":
                status = message["status"]
                headers = []
                has_cache_control = False
                for name, value in message.get("headers", []):
                    if name == UNMASKED_HEADER:
                        unmasked = value.decode("latin-1")
                        continue
                    if name == b"cache-control":
                        has_cache_control = True
                    headers.append((name, value))
                if not has_cache_control:
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, guarded_send)
        finally:
            # No answer completed (the app failed or the caller went away): the row still.
            if (write or unmasked) and not audited:
                await self._audit(scope, caller, address, status, write=write, unmasked=unmasked)

    async def _audit(
        self, scope: Scope, caller: KnownCaller | None, address: str | None, status: int, *, write: bool, unmasked: str | None
    ) -> None:
        actor = audit.Actor(caller.sub, caller.username, caller.roles) if caller else audit.Actor()
        origin = audit.Origin(address, request_id_var.get())
        try:
            async with self.db.write_sessions() as session:
                if write:
                    await audit.record(
                        session, actor=actor, action=scope["method"], target=scope["path"], outcome=status, origin=origin
                    )
                if unmasked:
                    await audit.record(
                        session, actor=actor, action="unmasked_read", target=unmasked, outcome=status, origin=origin
                    )
                await session.commit()
        except Exception:  # the status has gone out; a lost audit row must at least be loud
            logger.exception("audit row not written", extra={"path": scope["path"], "status": status})


async def _refuse(send: Send, status: int, detail: str, slug: str, wait_s: float) -> None:
    """A problem with `Retry-After`, sent straight from the guard (429 over the rate, 503 over capacity)."""
    await send_problem(
        send, status, detail, slug=slug, retry_after=retry_after_header(wait_s), headers=((b"cache-control", b"no-store"),)
    )
