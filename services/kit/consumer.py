"""Applies another service's event feed to this service's schema, each event exactly once.

The consumer reads a page of the feed after its stored cursor, then in one write transaction
re-reads the cursor (locking it), applies the events and stores the new cursor. If the stored
cursor moved meanwhile (another replica of this service got there first) the page is dropped:
an event is applied once however many replicas run. A producer that is down only delays the
consumer, which retries with a growing pause and logs the outage once.
"""

import logging
import os
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from sqlalchemy import Column, DateTime, MetaData, String, Table, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.db import Database
from services.kit.loops import BackgroundLoop
from services.kit.metrics import CONSUMER_LAG, CONSUMER_POSITION
from services.kit.outbox import START, FeedEvent, FeedPage
from services.kit.peers import PeerClient, ServicePeers
from services.kit.settings import ServiceSettings

logger = logging.getLogger("kit.consumer")

Apply = Callable[[AsyncSession, FeedEvent], Awaitable[None]]
FetchPage = Callable[[str, int], Awaitable[FeedPage]]


def cursor_table(metadata: MetaData) -> Table:
    return Table(
        "consumer_cursors",
        metadata,
        Column("source", String(64), primary_key=True),
        Column("position", String(64), nullable=False),
        Column("updated_at", DateTime(timezone=True), nullable=False),
    )


def http_feed(peer: PeerClient) -> FetchPage:
    async def fetch(after: str, limit: int) -> FeedPage:
        body = await peer.get_json("/internal/events", params={"after": after, "limit": limit})
        return FeedPage.model_validate(body)

    return fetch


class FeedConsumer:
    def __init__(
        self,
        *,
        source: str,
        fetch: FetchPage,
        apply: Apply,
        db: Database,
        cursors: Table,
        poll_interval_s: float = 0.2,
        batch_size: int = 200,
        fault_exit_after_events: int = 0,
    ) -> None:
        self.source = source
        self._fetch = fetch
        self._apply = apply
        self._db = db
        self._cursors = cursors
        self._batch_size = batch_size
        self._fault_exit_after_events = fault_exit_after_events
        # A producer that is down only delays the consumer: one warning, a growing pause (to 5 s).
        self._loop = BackgroundLoop(
            f"consumer:{source}",
            self._tick,
            interval_s=poll_interval_s,
            logger=logger,
            failure="feed unavailable",
            backoff_max_s=5.0,
            recovery="feed available again",
            log_extra={"source": source},
        )
        # Lag = time since the consumer last read its feed to the end (the schema names the consumer).
        self._metric_labels = (str(cursors.schema or ""), source)
        self._caught_up_at = time.monotonic()
        CONSUMER_LAG.labels(*self._metric_labels).set_function(lambda: time.monotonic() - self._caught_up_at)

    async def position(self) -> str:
        async with self._db.read_sessions() as session:
            held = await session.scalar(select(self._cursors.c.position).where(self._cursors.c.source == self.source))
        return held or START

    async def step(self) -> int:
        """Fetch and apply one page; the number of events applied (0 when idle or overtaken)."""
        after = await self.position()
        page = await self._fetch(after, self._batch_size)
        if len(page.events) < self._batch_size:
            self._caught_up_at = time.monotonic()
        if not page.events:
            return 0
        if after == START:
            await self._ensure_cursor_row()
        async with self._db.write_sessions() as session:
            held = await session.scalar(
                select(self._cursors.c.position).where(self._cursors.c.source == self.source).with_for_update()
            )
            if held != after:  # another replica of this service applied the page first
                return 0
            for applied, event in enumerate(page.events, start=1):
                await self._apply(session, event)
                if applied == self._fault_exit_after_events:
                    await self._crash_mid_page(session, applied)
            await session.execute(
                update(self._cursors)
                .where(self._cursors.c.source == self.source)
                .values(position=page.next_cursor, updated_at=datetime.now(UTC))
            )
            await session.commit()
        if page.next_cursor.isdigit():
            CONSUMER_POSITION.labels(*self._metric_labels).set(int(page.next_cursor))
        return len(page.events)

    async def _crash_mid_page(self, session: AsyncSession, applied: int) -> None:
        """The fault tests' crash: the page's writes so far reach the database (flushed, inside
        the open transaction), then the process dies before the cursor moves, as under a SIGKILL."""
        await session.flush()
        logger.warning("fault injection: exiting mid-page", extra={"source": self.source, "applied": applied})
        for handler in logging.getLogger().handlers:
            handler.flush()
        os._exit(70)

    async def _ensure_cursor_row(self) -> None:
        async with self._db.write_sessions() as session:
            exists = await session.scalar(select(self._cursors.c.source).where(self._cursors.c.source == self.source))
            if exists:
                return
            try:
                await session.execute(
                    insert(self._cursors).values(source=self.source, position=START, updated_at=datetime.now(UTC))
                )
                await session.commit()
            except IntegrityError:  # a concurrent replica made it: fine
                await session.rollback()

    async def _tick(self) -> bool:
        # A full page means more is waiting: read on at once.
        return await self.step() >= self._batch_size

    def start(self) -> None:
        self._loop.start()

    async def stop(self) -> None:
        await self._loop.stop()


class FeedSubscriptions:
    """The feeds one service follows, a consumer per peer feed; `start`/`stop` are lifespan hooks."""

    def __init__(
        self, *, settings: ServiceSettings, peers: ServicePeers, db: Database, cursors: Table, feeds: dict[str, Apply]
    ) -> None:
        self.enabled = settings.consume_feeds
        self.consumers = [
            FeedConsumer(
                source=source,
                fetch=http_feed(peers[source]),
                apply=apply,
                db=db,
                cursors=cursors,
                poll_interval_s=settings.feed_poll_interval_s,
                fault_exit_after_events=settings.feed_fault_exit_after_events,
            )
            for source, apply in feeds.items()
        ]

    async def start(self, _app: object) -> None:
        for consumer in self.consumers if self.enabled else []:
            consumer.start()

    async def stop(self, _app: object) -> None:
        for consumer in self.consumers:
            await consumer.stop()
