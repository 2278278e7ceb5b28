"""The notifier: the reminder job's peers and the worker that hands notices to their channels.

The worker is the webhook worker's shape (`gateway/events/delivery.py`): a `BackgroundLoop` whose
round runs under a scheduler lease (one replica sends at a time), the same retry rules (backoff
doubling up to a maximum, parked when the retry window ran out). Every attempt is recorded (time,
whether it went, the gateway's status, the error). In the quiet hours nothing is sent: the round
does nothing until they end (the inbox entry was made at once).
"""

import hashlib
import logging
from datetime import UTC, datetime
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select, update

from gateway.enums import DeliveryStatus, NoticeChannel
from gateway.events.ingest import OwnServiceToken
from gateway.events.models import scheduler
from gateway.events.rules import backoff, retries_exhausted
from gateway.notify import reminders, rules
from gateway.notify.channels import Adapter, Message, configured
from gateway.notify.models import Notice, NoticeAttempt, NoticeContact, NoticeDelivery
from gateway.notify.service import ADDRESS_FIELDS
from gateway.settings import GatewaySettings
from services.kit.crypto import FieldCipher, decode_key, ensure_key_file
from services.kit.db import Database
from services.kit.loops import BackgroundLoop
from services.kit.peers import PeerClient
from services.kit.scheduler import Job, Scheduler

logger = logging.getLogger("gateway.notify")

JOB_NAME = "notify.deliver"
USER_AGENT = "dangjian-notify/1"


def contact_cipher(settings: GatewaySettings) -> FieldCipher:
    """AES-GCM of accounts' addresses: the configured key, else one made once in the data folder."""
    configured = settings.notify.contact_key.get_secret_value()
    key = decode_key(configured or ensure_key_file(settings.data_dir / "keys" / "notify-contact.key"))
    # No blind index of addresses is kept; the cipher wants an index key all the same, never used.
    return FieldCipher(key, hashlib.sha256(b"notify-contact-index" + key).digest())


def _aware(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


class Notifier:
    """`start`/`stop` are lifespan hooks; `run_reminders` and `deliver_round` are one pass each
    (the scheduler and the loop call them; tests call them by hand with a pinned `now`)."""

    def __init__(self, settings: GatewaySettings, db: Database) -> None:
        self._gateway_settings = settings
        self.settings = settings.notify
        self.timezone = settings.policy.timezone
        self.quiet = rules.parse_quiet_hours(settings.notify.quiet_hours)
        self.policy = settings.notify.delivery_policy()
        self.adapters: dict[NoticeChannel, Adapter] = configured(settings.notify)
        self._cipher: FieldCipher | None = None
        self._db = db
        self.peers: dict[str, PeerClient] = {}
        self._job = Job(JOB_NAME, 0, _never_called)
        self._lease = Scheduler(
            service="gateway",
            db=db,
            tables=scheduler,
            jobs=[],
            lease_s=self.policy.batch_per_subscription * self.policy.timeout_s + 60,
        )
        self._http: httpx.AsyncClient | None = None
        self._loop = BackgroundLoop(
            "notices", self._tick, interval_s=settings.notify.poll_interval_s, logger=logger, failure="notice round failed"
        )

    @property
    def cipher(self) -> FieldCipher:
        """Made on first use: a development key file is written only by a process that runs."""
        if self._cipher is None:
            self._cipher = contact_cipher(self._gateway_settings)
        return self._cipher

    def attach(self, app: FastAPI) -> None:
        """The peers the reminder job reads, as the gateway's own service (its token needs the app's signer)."""
        settings = self._gateway_settings
        token = OwnServiceToken(app)
        urls = {"orgs": settings.orgs_url, "members": settings.members_url, "activities": settings.activities_url}
        self.peers = {
            name: PeerClient(
                name,
                url,
                token_source=token,
                connect_timeout_s=settings.peer_connect_timeout_s,
                read_timeout_s=settings.report_timeout_s,
                retries=1,
                owner="gateway",
            )
            for name, url in urls.items()
        }

    async def run_reminders(self, session: Any, *, now: datetime | None = None) -> str:
        if not self.peers:
            return "not started"
        return await reminders.run_reminders(session, self.peers, self.settings, self.timezone, now=now)

    def _client(self) -> httpx.AsyncClient:
        if self._http is None or self._http.is_closed:
            self._http = httpx.AsyncClient(
                timeout=httpx.Timeout(self.policy.timeout_s), headers={"User-Agent": USER_AGENT}, follow_redirects=False
            )
        return self._http

    async def deliver_round(self, *, now: datetime | None = None) -> int:
        """Send what is due (outside quiet hours, if this replica holds the lease): attempts made."""
        moment = now or datetime.now(UTC)
        if rules.quiet_until(moment, self.quiet, self.timezone) is not None:
            return 0
        if not await self._lease.claim(self._job):
            return 0
        try:
            async with self._db.read_sessions() as session:
                rows = (
                    await session.execute(
                        select(NoticeDelivery, Notice, NoticeContact)
                        .join(Notice, Notice.id == NoticeDelivery.notice_id)
                        .outerjoin(NoticeContact, NoticeContact.account_id == Notice.account_id)
                        .where(NoticeDelivery.status == DeliveryStatus.pending, NoticeDelivery.next_attempt_at <= moment)
                        .order_by(NoticeDelivery.next_attempt_at, NoticeDelivery.id)
                        .limit(self.policy.batch_per_subscription)
                    )
                ).all()
            for delivery, notice, contact in rows:
                outcome = await self._send(delivery, notice, contact)
                await self._record(delivery, outcome, moment)
            return len(rows)
        finally:
            await self._lease.release(self._job)

    async def _send(
        self, delivery: NoticeDelivery, notice: Notice, contact: NoticeContact | None
    ) -> tuple[bool, int | None, str | None]:
        channel = NoticeChannel(delivery.channel)
        adapter = self.adapters.get(channel)
        if adapter is None:
            return False, None, "channel not configured"
        field = ADDRESS_FIELDS[channel]
        blob = getattr(contact, field) if contact is not None else None
        if not blob:
            return False, None, "no address"
        address = self.cipher.decrypt(field, blob)
        return await adapter.send(self._client(), address, Message(kind=notice.kind, title=notice.title, due_on=notice.due_on))

    async def _record(self, delivery: NoticeDelivery, outcome: tuple[bool, int | None, str | None], now: datetime) -> None:
        ok, status, error = outcome
        first = _aware(delivery.first_attempt_at) or now
        values: dict[str, Any] = {
            "attempts": NoticeDelivery.attempts + 1,
            "first_attempt_at": func.coalesce(NoticeDelivery.first_attempt_at, first),
        }
        if ok:
            values |= {"status": DeliveryStatus.delivered, "delivered_at": now}
        elif retries_exhausted(first, now, self.policy):
            values |= {"status": DeliveryStatus.parked}
        else:
            values |= {"next_attempt_at": now + backoff(delivery.attempts + 1, self.policy)}
        async with self._db.write_sessions() as session:
            session.add(NoticeAttempt(delivery_id=delivery.id, at=now, ok=ok, http_status=status, error=error))
            await session.execute(
                update(NoticeDelivery)
                .where(NoticeDelivery.id == delivery.id, NoticeDelivery.status == DeliveryStatus.pending)
                .values(**values)
            )
            await session.commit()
        if not ok:
            logger.warning("notice delivery failed", extra={"channel": delivery.channel, "error": error})

    async def _tick(self) -> bool:
        await self.deliver_round()
        return False

    async def start(self, app: FastAPI) -> None:
        """Attach to the app (`app.state.notifier`) and start the worker when channels are configured."""
        self.attach(app)
        app.state.notifier = self
        if self.settings.deliver and self.adapters:
            self._loop.start()

    async def stop(self, _app: object = None) -> None:
        await self._loop.stop()
        if self._http is not None:
            await self._http.aclose()
        for peer in self.peers.values():
            await peer.aclose()


async def _never_called(_session: Any) -> str:  # the worker holds the lease, it never runs as a job
    raise AssertionError("the notice worker is not run by a scheduler")
