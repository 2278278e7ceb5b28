"""Access tokens that end before they expire: revocation, followed by every process within seconds.

An access token is verified with the public key alone, so without more it stays good until its
`exp` (15 minutes) whatever happens to its holder. The gateway therefore writes a
`token.revoked` event to its own outbox, in the transaction of the change, whenever tokens must
end early:

- `subject` with `version`: every token of that account or client carrying a `ver` below it
  (the account was disabled, its password or roles changed; the client was changed or disabled);
- `session`: every token of that login (`sid`): a logout, or a refresh token presented twice.

Every process follows that feed with a `RevocationWatch` (the services over HTTP at the gateway's
`GET /internal/events`, the gateway from its own table) polling every
`revocation_poll_interval_s`, and keeps what it read in memory, so the check on a request is two
dictionary look-ups. A process that has not read the feed to its end for `revocation_max_lag_s`
cannot know what was revoked meanwhile: it fails closed, answering 503 to people and machine
clients (the services' own tokens are not revocable and still pass) until it has read it again.

An ended login is needed only as long as one of its tokens could still be valid: every token's
lifetime is capped (`kit.auth.lifetime_refusal`), so it is forgotten after that cap and twice the
clock skew. The lowest good version of each subject is kept (one number per account or client).
For the same reason the gateway's scheduled `gateway.revocations_prune` deletes the feed's
revocations once they are that old, so the feed a starting process reads stays short.
"""

import asyncio
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Table, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.auth import SERVICE_KIND, Caller, Unauthorized
from services.kit.consumer import FetchPage, http_feed
from services.kit.db import Database
from services.kit.loops import BackgroundLoop
from services.kit.outbox import FEED_MAX_LIMIT, START, FeedEvent, FeedPage, read_feed, record_event
from services.kit.peers import CircuitBreaker, PeerClient, ServicePeers
from services.kit.problems import Problem
from services.kit.settings import ProcessSettings, ServiceSettings

logger = logging.getLogger("kit.revocation")

TOKEN_REVOKED = "token.revoked"  # noqa: S105 - an event type, not a secret
# Names the aggregate of a revocation whose subject is not a uuid ("client:<id>").
_SUBJECT_NAMESPACE = uuid.UUID("5a0c3e4e-8a43-4c55-9a5e-4c1f2d0b7e11")


class TokenRevoked(BaseModel):
    """The payload of `token.revoked`: a subject's tokens below a version, or one login's."""

    subject: str | None = None
    version: int | None = None
    session: str | None = None
    revoked_at: datetime


async def publish_subject_revoked(session: AsyncSession, outbox: Table, *, subject: str, version: int) -> None:
    """End every token of `subject` whose `ver` is below `version` (in the caller's transaction)."""
    payload = TokenRevoked(subject=subject, version=version, revoked_at=datetime.now(UTC))
    aggregate = uuid.uuid5(_SUBJECT_NAMESPACE, subject)
    await record_event(session, outbox, type=TOKEN_REVOKED, aggregate_id=aggregate, payload=payload.model_dump(mode="json"))


async def publish_session_revoked(session: AsyncSession, outbox: Table, *, session_id: uuid.UUID) -> None:
    """End every token of one login (`sid`), in the caller's transaction."""
    payload = TokenRevoked(session=str(session_id), revoked_at=datetime.now(UTC))
    await record_event(session, outbox, type=TOKEN_REVOKED, aggregate_id=session_id, payload=payload.model_dump(mode="json"))


async def forget_outlived_revocations(session: AsyncSession, outbox: Table, *, retention_s: float) -> int:
    """Delete the revocations older than `retention_s` (`retention_s(settings)`): every token they
    ended has expired by then, so a process reading the feed from its start needs them no more.

    The newest event always stays: SQLite gives an emptied table's next row the sequence number 1
    again, which would hide later revocations from readers whose cursor is further on."""
    cutoff = datetime.now(UTC) - timedelta(seconds=retention_s)
    newest = select(func.max(outbox.c.seq)).scalar_subquery()
    outlived = delete(outbox).where(outbox.c.type == TOKEN_REVOKED, outbox.c.occurred_at < cutoff, outbox.c.seq < newest)
    result = await session.execute(outlived)
    return int(result.rowcount)  # type: ignore[attr-defined]


# --- the pure rules --------------------------------------------------------------------------


def revocation_refusal(caller: Caller, *, versions: dict[str, int], sessions: dict[str, float]) -> str | None:
    """Why a verified token is revoked (None: it is not). `versions`: the lowest `ver` still good
    per subject; `sessions`: the logins that ended."""
    if caller.session_id is not None and caller.session_id in sessions:
        return "its login has ended"
    lowest = versions.get(caller.subject)
    if lowest is not None and caller.version < lowest:
        return "it was revoked"
    return None


# --- following the feed ----------------------------------------------------------------------


class RevocationsUnknown(Problem):
    def __init__(self, retry_after_s: float) -> None:
        super().__init__(
            503,
            "The revocation list could not be read lately; tokens cannot be checked now",
            slug="revocations-unknown",
            headers={"Retry-After": str(max(1, round(retry_after_s)))},
        )


class RevocationWatch:
    """What this process knows was revoked, read from the gateway's feed (see the module docstring).

    `check` is the per-request part (a `CallerCheck`); `start`/`stop` are lifespan hooks: `start`
    waits up to `startup_wait_s` for a first complete read, so that a process that just started
    does not answer before it knows the revocations (or, failing that, it fails closed).
    With `read_on_demand` (the gateway, whose feed is a table of its own database) there is no
    background task: a request finding the last reading older than the poll interval reads on
    first, so the answer is never staler than that interval.
    """

    def __init__(
        self,
        fetch: FetchPage,
        *,
        poll_interval_s: float,
        max_lag_s: float,
        retention_s: float,
        startup_wait_s: float = 30.0,
        read_on_demand: bool = False,
        on_stop: Callable[[], Awaitable[None]] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._fetch = fetch
        self.max_lag_s = max_lag_s
        self.retention_s = retention_s
        self.startup_wait_s = startup_wait_s
        self.read_on_demand = read_on_demand
        self._reading = asyncio.Lock()
        self._on_stop = on_stop
        self._clock = clock
        self.cursor = START
        self.versions: dict[str, int] = {}
        self.sessions: dict[str, float] = {}  # sid → when it may be forgotten (wall clock)
        self._read_to_end_at: float | None = None
        self._loop = BackgroundLoop(
            "revocations",
            self._tick,
            interval_s=poll_interval_s,
            logger=logger,
            failure="revocation feed unavailable",
            backoff_max_s=max(poll_interval_s, 1.0),
            recovery="revocation feed available again",
        )

    def apply(self, event: FeedEvent) -> None:
        if event.type != TOKEN_REVOKED:
            return
        revoked = TokenRevoked.model_validate(event.payload)
        if revoked.subject is not None and revoked.version is not None:
            self.versions[revoked.subject] = max(revoked.version, self.versions.get(revoked.subject, 0))
        if revoked.session is not None:
            self.sessions[revoked.session] = revoked.revoked_at.timestamp() + self.retention_s

    async def catch_up(self) -> int:
        """Read the feed to its end; the number of events read."""
        read = 0
        while True:
            asked_at = self._clock()
            page = await self._fetch(self.cursor, FEED_MAX_LIMIT)
            for event in page.events:
                self.apply(event)
            self.cursor = page.next_cursor
            read += len(page.events)
            if len(page.events) < FEED_MAX_LIMIT:
                self._read_to_end_at = asked_at
                self._forget_old_sessions()
                return read

    def _forget_old_sessions(self) -> None:
        now = time.time()
        for sid in [sid for sid, until in self.sessions.items() if until < now]:
            del self.sessions[sid]

    @property
    def lag_s(self) -> float | None:
        """Seconds since the feed was last read to its end (None: never)."""
        return None if self._read_to_end_at is None else self._clock() - self._read_to_end_at

    async def check(self, caller: Caller) -> None:
        if caller.kind == SERVICE_KIND:
            return  # our own services' tokens come from configuration and are not revocable
        if self.read_on_demand:
            await self._read_if_older_than(self._loop.interval_s)
        lag = self.lag_s
        if lag is None or lag > self.max_lag_s:
            raise RevocationsUnknown(self._loop.interval_s * 5)
        reason = revocation_refusal(caller, versions=self.versions, sessions=self.sessions)
        if reason is not None:
            raise Unauthorized(f"The bearer token is not valid ({reason})")

    async def _read_if_older_than(self, age_s: float) -> None:
        lag = self.lag_s
        if lag is not None and lag <= age_s:
            return
        async with self._reading:  # one reading for the requests that arrive meanwhile
            lag = self.lag_s
            if lag is None or lag > age_s:
                await self.catch_up()

    async def _tick(self) -> bool:
        await self.catch_up()
        return False

    async def start(self, _app: Any = None) -> None:
        if self.read_on_demand:
            return
        deadline = self._clock() + self.startup_wait_s
        while True:
            try:
                await self.catch_up()
                break
            except Exception as error:  # the gateway is not up yet: wait a little, then fail closed
                if self._clock() >= deadline:
                    logger.warning("revocation feed unavailable at start", extra={"error": type(error).__name__})
                    break
                await asyncio.sleep(min(0.5, self.startup_wait_s))
        self._loop.start()

    async def stop(self, _app: Any = None) -> None:
        await self._loop.stop()
        if self._on_stop is not None:
            await self._on_stop()


def retention_s(settings: ProcessSettings) -> float:
    """How long an ended login must be remembered: as long as one of its tokens could be valid."""
    return float(settings.access_token_max_lifetime_s + 2 * settings.token_clock_skew_s)


def following_the_gateway(settings: ServiceSettings, peers: ServicePeers) -> RevocationWatch | None:
    """A service's watch of the gateway's revocations, with this service's own token (None when
    `follow_revocations` is off: in-process tests without a gateway)."""
    if not settings.follow_revocations:
        return None
    # Its own breaker opens late and closes soon: while it is open the process fails closed.
    gateway = PeerClient(
        "gateway",
        settings.gateway_url,
        token_source=peers.tokens,
        connect_timeout_s=settings.peer_connect_timeout_s,
        read_timeout_s=settings.peer_read_timeout_s,
        retries=0,
        owner="revocations",
        breaker=CircuitBreaker(failure_threshold=20, reset_after_s=1.0),
    )
    return RevocationWatch(
        http_feed(gateway),
        poll_interval_s=settings.revocation_poll_interval_s,
        max_lag_s=settings.revocation_max_lag_s,
        retention_s=retention_s(settings),
        startup_wait_s=settings.revocation_startup_wait_s,
        on_stop=gateway.aclose,
    )


def from_own_outbox(settings: ProcessSettings, db: Database, outbox: Table) -> RevocationWatch:
    """The gateway's watch of its own outbox, read on demand (see `RevocationWatch`)."""

    async def fetch(after: str, limit: int) -> FeedPage:
        async with db.read_sessions() as session:
            return await read_feed(session, outbox, after, limit)

    return RevocationWatch(
        fetch,
        poll_interval_s=settings.revocation_poll_interval_s,
        max_lag_s=settings.revocation_max_lag_s,
        retention_s=retention_s(settings),
        read_on_demand=True,
    )
