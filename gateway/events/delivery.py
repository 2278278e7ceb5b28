"""The webhook worker: posts queued deliveries, signed, in event order per subscription.

One gateway replica delivers at a time (a scheduler lease decides), subscriptions in parallel,
each subscription's deliveries strictly one after the other: a delivery that fails holds back the
later ones of that subscription until it succeeds or, after the retry window, is parked (then
the rest go on; the client sees the parked ones and can replay them). At least once: a receiver
that got an event but whose answer was lost gets it again — the event id is there to de-duplicate.

Against server-side request forgery, every connection resolves the host anew through
`GuardedResolver`, which refuses loopback, private, link-local, CGNAT, multicast, unspecified and
metadata addresses — the connection goes to the addresses it checked, so a name cannot resolve
to a safe address for the check and to an internal one for the request. IP literals are judged
before (they are never resolved); redirects are never followed; keep-alive is off so each
delivery resolves again.
"""

import asyncio
import logging
import socket
import time
from datetime import UTC, datetime
from typing import Any

import aiohttp
import orjson
from aiohttp.abc import AbstractResolver, ResolveResult
from sqlalchemy import func, select, update

from gateway.enums import DeliveryStatus
from gateway.events import rules
from gateway.events.models import Delivery, EventRecord, Subscription, scheduler
from gateway.events.service import queue_depth
from gateway.settings import GatewaySettings
from services.kit.db import Database
from services.kit.loops import BackgroundLoop
from services.kit.metrics import WEBHOOK_QUEUE
from services.kit.scheduler import Job, Scheduler

logger = logging.getLogger("gateway.webhooks")

JOB_NAME = "webhooks.deliver"
USER_AGENT = "dangjian-webhooks/1"


class UnsafeDestination(OSError):
    def __init__(self, host: str, reason: str) -> None:
        super().__init__(f"refused destination {host} ({reason})")
        self.reason = reason


class GuardedResolver(AbstractResolver):
    """Resolves like the default resolver, then refuses the name if ANY address is not public."""

    def __init__(self, development_hosts: frozenset[str], inner: AbstractResolver | None = None) -> None:
        self._development_hosts = development_hosts
        self._inner = inner or aiohttp.ThreadedResolver()

    async def resolve(self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        if not rules.is_development_host(host, port, self._development_hosts):
            for result in results:
                reason = rules.address_refusal(result["host"])
                if reason:
                    raise UnsafeDestination(host, reason)
        return results

    async def close(self) -> None:
        await self._inner.close()


def _aware(value: datetime | None) -> datetime | None:
    # SQLite hands timezone-aware columns back naive (in UTC, as written).
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def delivery_body(record: EventRecord) -> bytes:
    return orjson.dumps(
        {
            "id": str(record.event_id),
            "type": record.type,
            "source": record.source,
            "aggregate_id": str(record.aggregate_id),
            "org_id": str(record.org_id) if record.org_id else None,
            "occurred_at": _aware(record.occurred_at).isoformat() if record.occurred_at else None,  # type: ignore[union-attr]
            "payload": record.payload,
        }
    )


class DeliveryWorker:
    """`start`/`stop` are lifespan hooks; `deliver_round` is one pass (tests drive it by hand)."""

    def __init__(self, settings: GatewaySettings, db: Database, *, resolver: AbstractResolver | None = None) -> None:
        self.policy = settings.webhook_policy
        self.enabled = settings.deliver_webhooks
        self.development_hosts = frozenset(host.lower() for host in settings.webhook_development_hosts)
        self._db = db
        self._inner_resolver = resolver
        self._job = Job(JOB_NAME, 0, _never_called)
        # The lease outlasts the longest round (each subscription's batch, every attempt timing out),
        # so that no second replica starts delivering while this one still is.
        longest_round_s = self.policy.batch_per_subscription * self.policy.timeout_s
        self._lease = Scheduler(service="gateway", db=db, tables=scheduler, jobs=[], lease_s=longest_round_s + 60.0)
        self._http: aiohttp.ClientSession | None = None
        self._loop = BackgroundLoop(
            "webhooks", self._tick, interval_s=settings.webhook_poll_interval_s, logger=logger, failure="webhook round failed"
        )

    def _session(self) -> aiohttp.ClientSession:
        if self._http is None or self._http.closed:
            connector = aiohttp.TCPConnector(
                resolver=GuardedResolver(self.development_hosts, self._inner_resolver), use_dns_cache=False, force_close=True
            )
            self._http = aiohttp.ClientSession(
                connector=connector,
                timeout=aiohttp.ClientTimeout(total=self.policy.timeout_s),
                headers={"User-Agent": USER_AGENT},
            )
        return self._http

    async def deliver_round(self) -> int:
        """Deliver what is due, if this replica holds the lease; the number of attempts made."""
        if not await self._lease.claim(self._job):
            return 0
        try:
            async with self._db.read_sessions() as session:
                ids = (
                    await session.scalars(
                        select(Delivery.subscription_id)
                        .where(Delivery.status == DeliveryStatus.pending)
                        .group_by(Delivery.subscription_id)
                    )
                ).all()
            attempts = await asyncio.gather(*(self._deliver_subscription(subscription_id) for subscription_id in ids))
            async with self._db.read_sessions() as session:
                for state, count in (await queue_depth(session)).items():
                    WEBHOOK_QUEUE.labels("gateway", state).set(count)
            return sum(attempts)
        finally:
            await self._lease.release(self._job)

    async def _deliver_subscription(self, subscription_id: Any) -> int:
        attempts = 0
        for _ in range(self.policy.batch_per_subscription):
            async with self._db.read_sessions() as session:
                head = (
                    await session.execute(
                        select(Delivery, Subscription, EventRecord)
                        .join(Subscription, Subscription.id == Delivery.subscription_id)
                        .join(EventRecord, EventRecord.seq == Delivery.event_seq)
                        .where(Delivery.subscription_id == subscription_id, Delivery.status == DeliveryStatus.pending)
                        .order_by(Delivery.event_seq)
                        .limit(1)
                    )
                ).first()
            if head is None:
                break
            delivery, subscription, record = head
            now = datetime.now(UTC)
            if _aware(delivery.next_attempt_at) > now:  # type: ignore[operator]
                break
            ok, status, error = await self._post(subscription, record)
            attempts += 1
            parked = await self._record_attempt(delivery, ok=ok, status=status, error=error)
            if not ok and not parked:
                break
        return attempts

    async def _post(self, subscription: Subscription, record: EventRecord) -> tuple[bool, int | None, str | None]:
        refusal = rules.url_refusal(subscription.url, self.development_hosts)
        if refusal:
            return False, None, f"refused:{refusal}"
        body = delivery_body(record)
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            rules.EVENT_ID_HEADER: str(record.event_id),
            rules.EVENT_TYPE_HEADER: record.type,
            rules.TIMESTAMP_HEADER: timestamp,
            rules.SIGNATURE_HEADER: rules.signature(subscription.secret, timestamp, body),
        }
        try:
            async with self._session().post(subscription.url, data=body, headers=headers, allow_redirects=False) as response:
                await response.read()
                return (
                    200 <= response.status < 300,
                    response.status,
                    None if response.status < 300 else f"status {response.status}",
                )
        except UnsafeDestination as error:
            return False, None, f"refused:{error.reason}"
        except aiohttp.ClientConnectorError as error:
            if isinstance(error.os_error, UnsafeDestination):
                return False, None, f"refused:{error.os_error.reason}"
            return False, None, type(error).__name__
        except (aiohttp.ClientError, TimeoutError, OSError) as error:
            return False, None, type(error).__name__

    async def _record_attempt(self, delivery: Delivery, *, ok: bool, status: int | None, error: str | None) -> bool:
        """Store the attempt's outcome; True when the delivery was parked (its retries ran out)."""
        now = datetime.now(UTC)
        first = _aware(delivery.first_attempt_at) or now
        values: dict[str, Any] = {
            "attempts": Delivery.attempts + 1,
            "first_attempt_at": func.coalesce(Delivery.first_attempt_at, first),
            "last_status": status,
            "last_error": error,
        }
        parked = False
        if ok:
            values |= {"status": DeliveryStatus.delivered, "delivered_at": now}
        elif rules.retries_exhausted(first, now, self.policy):
            values |= {"status": DeliveryStatus.parked}
            parked = True
        else:
            values |= {"next_attempt_at": now + rules.backoff(delivery.attempts + 1, self.policy)}
        async with self._db.write_sessions() as session:
            await session.execute(
                update(Delivery).where(Delivery.id == delivery.id, Delivery.status == DeliveryStatus.pending).values(**values)
            )
            await session.commit()
        if parked:
            logger.warning("webhook delivery parked", extra={"subscription_id": str(delivery.subscription_id), "error": error})
        return parked

    async def _tick(self) -> bool:
        await self.deliver_round()
        return False  # what became due meanwhile waits for the next round

    async def start(self, _app: object = None) -> None:
        if self.enabled:
            self._loop.start()

    async def stop(self, _app: object = None) -> None:
        await self._loop.stop()
        if self._http is not None:
            await self._http.close()


async def _never_called(_session: Any) -> str:  # the worker holds the lease, it never runs as a job
    raise AssertionError("the webhook worker is not run by a scheduler")
