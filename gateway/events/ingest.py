"""The gateway's consumers of the services' event feeds: each event offered to other systems is
logged once (with the place in the org tree where it happened) and queued for every subscription
that may see it, in the same transaction as the consumer's cursor.

The orgs feed also keeps the gateway's replica of the org tree, which scope filtering needs.
Before a page of another feed is applied the orgs feed is read to its end: an event of a member
or an activity names an organization that existed when the event was written, so after that
read the replica knows it.
"""

import time
from collections.abc import Sequence
from datetime import UTC, datetime

from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.events import rules
from gateway.events.models import Delivery, EventRecord, Subscription, consumer_cursors, org_replica
from gateway.settings import GatewaySettings
from services.kit.auth import SERVICE_KIND, SERVICE_ROLE
from services.kit.consumer import Apply, FeedConsumer, FetchPage, http_feed
from services.kit.db import Database
from services.kit.keys import TokenSigner
from services.kit.outbox import EVENTS_READ_SCOPE, FeedEvent, FeedPage
from services.kit.peers import PeerClient
from services.kit.replica import snapshot_applier

GATEWAY_SUBJECT = "service:gateway"


class OwnServiceToken:
    """The gateway's token for the services' feeds, signed by itself (it holds the signing key)."""

    def __init__(self, app: FastAPI) -> None:
        self._app = app
        self._token: str | None = None
        self._renew_at = 0.0

    async def __call__(self) -> str:
        if self._token is None or time.monotonic() >= self._renew_at:
            signer: TokenSigner = self._app.state.signer
            self._token = signer.access_token(
                subject=GATEWAY_SUBJECT, kind=SERVICE_KIND, roles=[SERVICE_ROLE], scopes=[EVENTS_READ_SCOPE]
            )
            self._renew_at = time.monotonic() + signer.lifetime_s * 0.8
        return self._token


async def log_event(session: AsyncSession, source: str, event: FeedEvent) -> EventRecord | None:
    """Log an event other systems may read and queue it for the subscriptions that see it."""
    read_scope = rules.read_scope_of(event.type)
    if read_scope is None:
        return None
    org_id, org_path = rules.org_of(event.type, event.aggregate_id, event.payload)
    if org_path is None and org_id is not None:
        org_path = await session.scalar(select(org_replica.c.path).where(org_replica.c.id == org_id))
    record = EventRecord(
        event_id=event.id,
        source=source,
        type=event.type,
        read_scope=read_scope,
        aggregate_id=event.aggregate_id,
        org_id=org_id,
        org_path=org_path,
        payload=rules.without_personal_fields(event.payload),
        occurred_at=event.occurred_at,
    )
    session.add(record)
    await session.flush()
    await fan_out(session, record)
    return record


async def fan_out(session: AsyncSession, record: EventRecord) -> int:
    """Queue the event for each active subscription whose owner could read it and that asked for its type."""
    stmt = (
        select(Subscription, org_replica.c.path)
        .outerjoin(org_replica, org_replica.c.id == Subscription.scope_org_id)
        .where(Subscription.active.is_(True))
        .order_by(Subscription.id)
    )
    now = datetime.now(UTC)
    queued = 0
    for subscription, scope_path in (await session.execute(stmt)).all():
        if not rules.type_matches(record.type, subscription.event_types) or record.read_scope not in subscription.read_scopes:
            continue
        if not rules.visible_at(record.org_path, scope_path, unrestricted=subscription.scope_org_id is None):
            continue
        session.add(Delivery(subscription_id=subscription.id, event_seq=record.seq, next_attempt_at=now))
        queued += 1
    return queued


def _logger_for(source: str) -> Apply:
    async def apply(session: AsyncSession, event: FeedEvent) -> None:
        await log_event(session, source, event)

    return apply


_hold_org = snapshot_applier(org_replica, "org.")


async def apply_orgs_event(session: AsyncSession, event: FeedEvent) -> None:
    await _hold_org(session, event)
    await log_event(session, "orgs", event)


class EventIngest:
    """The three consumers (orgs, members, activities); `start`/`stop` are lifespan hooks."""

    def __init__(self, settings: GatewaySettings, db: Database, app: FastAPI) -> None:
        self.enabled = settings.consume_feeds
        token = OwnServiceToken(app)
        urls = {"orgs": settings.orgs_url, "members": settings.members_url, "activities": settings.activities_url}
        self.peers = {
            name: PeerClient(
                name,
                url,
                token_source=token,
                connect_timeout_s=settings.peer_connect_timeout_s,
                read_timeout_s=settings.peer_read_timeout_s,
                retries=1,
                owner="gateway",
            )
            for name, url in urls.items()
        }

        def consumer(source: str, fetch: FetchPage, apply: Apply) -> FeedConsumer:
            return FeedConsumer(
                source=source,
                fetch=fetch,
                apply=apply,
                db=db,
                cursors=consumer_cursors,
                poll_interval_s=settings.feed_poll_interval_s,
            )

        self.orgs = consumer("orgs", http_feed(self.peers["orgs"]), apply_orgs_event)
        self.consumers: Sequence[FeedConsumer] = [
            self.orgs,
            *(
                consumer(source, self._after_orgs(http_feed(self.peers[source])), _logger_for(source))
                for source in ("members", "activities")
            ),
        ]

    def _after_orgs(self, fetch: FetchPage) -> FetchPage:
        async def fetch_then_orgs(after: str, limit: int) -> FeedPage:
            page = await fetch(after, limit)
            if page.events:
                await self.drain_orgs()
            return page

        return fetch_then_orgs

    async def drain_orgs(self) -> None:
        """Read the orgs feed to its end. A step that applies nothing because the orgs consumer's own
        task got there first still moved the cursor: go on until a step finds nothing new."""
        while True:
            before = await self.orgs.position()
            if not await self.orgs.step() and await self.orgs.position() == before:
                return

    async def step_all(self) -> int:
        """Read every feed once to its end, orgs first (tests and the command line drive it so)."""
        total = 0
        for consumer in self.consumers:
            while applied := await consumer.step():
                total += applied
        return total

    async def start(self, _app: object = None) -> None:
        for consumer in self.consumers if self.enabled else []:
            consumer.start()

    async def stop(self, _app: object = None) -> None:
        for consumer in self.consumers:
            await consumer.stop()
        for peer in self.peers.values():
            await peer.aclose()
