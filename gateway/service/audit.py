"""The audit trail: appending a hash-chained row, querying, exporting and verifying the chain."""

import csv
import io
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.models import AuditEvent
from gateway.rules.audit import CHAINED_FIELDS, GENESIS_HASH, audit_hash
from services.kit.pagination import keyset_page, page_of

# One constant key for PostgreSQL's transaction-scoped advisory lock that serializes appends to
# the chain across replicas (SQLite's write sessions are serialized by BEGIN IMMEDIATE already).
_CHAIN_LOCK_KEY = 0x6A_6175_6469_74  # "audit"


@dataclass(frozen=True)
class Actor:
    sub: str | None = None
    username: str | None = None
    roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class Origin:
    """Where a request came from: the caller's address and the request id."""

    client_address: str | None = None
    request_id: str | None = None


def row_content(event: AuditEvent) -> dict[str, Any]:
    return {name: getattr(event, name) for name in CHAINED_FIELDS}


async def record(session: AsyncSession, *, actor: Actor, action: str, target: str, outcome: int, origin: Origin) -> AuditEvent:
    """Append one row to the chain (flushed; committed with the caller's transaction)."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CHAIN_LOCK_KEY})
    last = (await session.execute(select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))).first()
    event = AuditEvent(
        id=(last[0] + 1) if last else 1,
        at=datetime.now(UTC),
        actor_sub=actor.sub,
        actor_username=actor.username,
        roles=sorted(actor.roles),
        action=action,
        target=target[:2000],
        outcome=outcome,
        client_address=origin.client_address,
        request_id=origin.request_id,
        prev_hash=last[1] if last else GENESIS_HASH,
    )
    event.hash = audit_hash(row_content(event))
    session.add(event)
    await session.flush()
    return event


@dataclass(frozen=True)
class AuditFilter:
    actor: str | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    outcome: int | None = None


def _filtered(stmt: Select[Any], where: AuditFilter) -> Select[Any]:
    if where.actor:
        stmt = stmt.where((AuditEvent.actor_username == where.actor) | (AuditEvent.actor_sub == where.actor))
    if where.action:
        stmt = stmt.where(AuditEvent.action == where.action)
    if where.since:
        stmt = stmt.where(AuditEvent.at >= where.since)
    if where.until:
        stmt = stmt.where(AuditEvent.at < where.until)
    if where.outcome is not None:
        stmt = stmt.where(AuditEvent.outcome == where.outcome)
    return stmt


async def list_events(
    session: AsyncSession, where: AuditFilter, *, cursor: str | None, limit: int, newest_first: bool = False
) -> tuple[list[AuditEvent], str | None]:
    stmt = keyset_page(_filtered(select(AuditEvent), where), [AuditEvent.id], cursor, limit, descending=newest_first)
    rows = (await session.scalars(stmt)).all()
    return page_of(rows, limit, lambda event: [event.id])


CSV_COLUMNS = (*CHAINED_FIELDS, "hash")


async def export_csv(
    session: AsyncSession, where: AuditFilter, *, newest_first: bool = False, batch: int = 1000
) -> AsyncIterator[str]:
    """Every matching row as CSV, read in keyset batches so that memory stays flat."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    cursor = None
    while True:
        events, cursor = await list_events(session, where, cursor=cursor, limit=batch, newest_first=newest_first)
        for event in events:
            values = {**row_content(event), "hash": event.hash, "roles": " ".join(event.roles), "at": event.at.isoformat()}
            writer.writerow([_csv_safe(values[column]) for column in CSV_COLUMNS])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        if cursor is None:
            return


def _csv_safe(value: Any) -> Any:
    # A cell starting with = + - @ is run as a formula by spreadsheet programs (CSV injection).
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return "" if value is None else value


@dataclass(frozen=True)
class ChainReport:
    intact: bool
    checked: int
    first_broken_id: int | None = None
    reason: str | None = None


async def verify_chain(session: AsyncSession, *, batch: int = 1000) -> ChainReport:
    """Walk the chain from the first row: each row's hash must match its content and link."""
    previous_hash = GENESIS_HASH
    previous_id = 0
    checked = 0
    while True:
        rows = (
            await session.scalars(select(AuditEvent).where(AuditEvent.id > previous_id).order_by(AuditEvent.id).limit(batch))
        ).all()
        for event in rows:
            if event.prev_hash != previous_hash:
                return ChainReport(
                    False, checked, event.id, "the link to the previous row is broken (a row changed or was removed)"
                )
            if audit_hash(row_content(event)) != event.hash:
                return ChainReport(False, checked, event.id, "the row's content does not match its hash")
            previous_hash = event.hash
            previous_id = event.id
            checked += 1
        if len(rows) < batch:
            return ChainReport(True, checked)
