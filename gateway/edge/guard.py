"""What the gateway checks and records around every request, as a plain ASGI layer (cheap on
the hot path): load shedding, per-caller rate limits, `Cache-Control: no-store`, and the audit
rows of writes and of unmasked reads.

- Load shedding (`edge/shedding.py`): a request over the in-flight bound is refused at once.
- Rate limit (`edge/limits.py`): a token bucket per caller, keyed by the verified token's subject,
  else the client address; over it, a 429 problem with `Retry-After`.
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

from gateway.edge.limits import Buckets, retry_after_header
from gateway.edge.problems import send_kind
from gateway.edge.shedding import Admission
from gateway.enums import AuditAction
from gateway.errors import OVERLOADED, TOO_MANY_REQUESTS
from gateway.rules import GatewayPolicy
from gateway.service import audit
from services.kit.auth import TokenVerifier, Unauthorized
from services.kit.db import Database
from services.kit.observability import request_id_var
from services.kit.problems import ProblemKind

logger = logging.getLogger("gateway.guard")

API_PREFIX = "/api/v1/"
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
UNMASKED_HEADER = b"x-audit-unmasked"
# These routes record their own audit rows (login, refresh, logout and their failures).
SELF_AUDITED = frozenset({"/api/v1/auth/token", "/api/v1/auth/refresh", "/api/v1/auth/logout"})


@dataclass(frozen=True)
class KnownCaller:
    sub: str
    username: str | None
    roles: tuple[str, ...]
    expires_at: float


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
            await _refuse(send, scope, OVERLOADED, "The gateway is at capacity; retry later", wait_s=self.shed_retry_after_s)
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
            await _refuse(send, scope, TOO_MANY_REQUESTS, "Too many requests; retry later", wait_s=wait)
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
            trail = audit.trail_of(scope["app"])
            async with self.db.write_sessions() as session:
                if write:
                    await audit.record(
                        session, trail, actor=actor, action=scope["method"], target=scope["path"], outcome=status, origin=origin
                    )
                if unmasked:
                    await audit.record(
                        session,
                        trail,
                        actor=actor,
                        action=AuditAction.unmasked_read,
                        target=unmasked,
                        outcome=status,
                        origin=origin,
                    )
                await session.commit()
        except Exception:  # the status has gone out; a lost audit row must at least be loud
            logger.exception("audit row not written", extra={"path": scope["path"], "status": status})


# The refusals' details in Chinese (Traditional, like the kinds' titles).
_REFUSALS_ZH = {
    OVERLOADED.slug: "網關同時處理的請求已達上限，請稍後重試。",  # noqa: RUF001
    TOO_MANY_REQUESTS.slug: "請求過於頻繁，請稍後重試。",  # noqa: RUF001
}


async def _refuse(send: Send, scope: Scope, kind: ProblemKind, detail: str, *, wait_s: float) -> None:
    """A problem with `Retry-After`, sent straight from the guard (429 over the rate, 503 over
    capacity), in the reader's script like a route's."""
    await send_kind(
        send,
        scope,
        kind,
        detail,
        zh=_REFUSALS_ZH[kind.slug],
        retry_after=retry_after_header(wait_s),
        headers=((b"cache-control", b"no-store"),),
    )
