"""The audit trail: appending a row to the keyed chain, querying, exporting, signed
checkpoints kept outside the database, and verifying the chain against them.

What lives outside the database (`AuditTrail`, loaded at the gateway's start): the chain key
(HMAC-SHA256), the Ed25519 key that signs checkpoints, and the checkpoint file, one signed JSON
line per checkpoint, append-only; every checkpoint is also written to the log stream. How they
are kept and what a check can and cannot find: docs/security.md, "Audit trail".
"""

import base64
import csv
import io
import logging
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import Select, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.models import AuditEvent
from gateway.rules.audit import (
    CHAINED_FIELDS,
    GENESIS_HASH,
    Finding,
    audit_mac,
    checkpoint_content,
    checkpoint_finding,
    expected_hash,
    retained_start,
)
from services.kit.crypto import decode_key, ensure_key_file
from services.kit.keys import ensure_keypair
from services.kit.pagination import keyset_page, page_of
from services.kit.partitions import Partitioning, detach_partitions

logger = logging.getLogger("gateway.audit")

# One constant key for PostgreSQL's transaction-scoped advisory lock that serializes appends to
# the chain across replicas (SQLite's write sessions are serialized by BEGIN IMMEDIATE already).
_CHAIN_LOCK_KEY = 0x6A_6175_6469_74  # "audit"


class AuditTrail:
    """The chain key, the checkpoint signing key and the checkpoint file: all outside the
    database. Made with the paths; `load` (at start) reads the keys, making them on first start."""

    def __init__(self, *, chain_key_file: Path, checkpoint_key_file: Path, checkpoints_file: Path) -> None:
        self.chain_key_file = chain_key_file
        self.checkpoint_key_file = checkpoint_key_file
        self.checkpoints_file = checkpoints_file
        self._chain_key: bytes | None = None
        self._signing_key: Ed25519PrivateKey | None = None

    def load(self) -> None:
        self._chain_key = decode_key(ensure_key_file(self.chain_key_file))
        ensure_keypair(self.checkpoint_key_file, self.public_key_file)
        key = serialization.load_pem_private_key(self.checkpoint_key_file.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("the audit checkpoint key must be an Ed25519 key")
        self._signing_key = key

    @property
    def public_key_file(self) -> Path:
        return self.checkpoint_key_file.with_name(self.checkpoint_key_file.stem + ".pub.pem")

    @property
    def chain_key(self) -> bytes:
        if self._chain_key is None:
            raise RuntimeError("the audit trail's keys are not loaded")
        return self._chain_key

    @property
    def public_key(self) -> Ed25519PublicKey:
        if self._signing_key is None:
            raise RuntimeError("the audit trail's keys are not loaded")
        return self._signing_key.public_key()

    def public_key_pem(self) -> str:
        return self.public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()

    def sign(self, content: dict[str, Any]) -> dict[str, Any]:
        if self._signing_key is None:
            raise RuntimeError("the audit trail's keys are not loaded")
        signature = self._signing_key.sign(checkpoint_content(content))
        return {**content, "signature": base64.b64encode(signature).decode()}

    def signature_holds(self, checkpoint: dict[str, Any]) -> bool:
        try:
            self.public_key.verify(base64.b64decode(str(checkpoint.get("signature", ""))), checkpoint_content(checkpoint))
        except (InvalidSignature, ValueError):
            return False
        return True

    def checkpoints(self) -> list[dict[str, Any]]:
        """Every checkpoint in the file, oldest first; a line that is not a JSON object is kept as
        an empty one (its signature then fails the check)."""
        if not self.checkpoints_file.exists():
            return []
        lines = self.checkpoints_file.read_bytes().splitlines()
        return [_parsed(line) for line in lines if line.strip()]

    def append(self, checkpoint: dict[str, Any]) -> None:
        """One line, appended and flushed to disk (O_APPEND: lines of replicas never interleave)."""
        self.checkpoints_file.parent.mkdir(parents=True, exist_ok=True)
        line = orjson.dumps(checkpoint, option=orjson.OPT_SORT_KEYS) + b"\n"
        descriptor = os.open(self.checkpoints_file, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(descriptor, line)
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _parsed(line: bytes) -> dict[str, Any]:
    try:
        value = orjson.loads(line)
    except orjson.JSONDecodeError:
        return {}
    return value if isinstance(value, dict) else {}


def trail_of(app: Any) -> AuditTrail:
    trail: AuditTrail = app.state.audit_trail
    return trail


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


async def _lock_chain(session: AsyncSession) -> None:
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CHAIN_LOCK_KEY})


async def _head(session: AsyncSession) -> tuple[int, str] | None:
    last = (await session.execute(select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))).first()
    return (last[0], last[1]) if last else None


async def record(
    session: AsyncSession, trail: AuditTrail, *, actor: Actor, action: str, target: str, outcome: int, origin: Origin
) -> AuditEvent:
    """Append one row to the keyed chain (flushed; committed with the caller's transaction)."""
    await _lock_chain(session)
    last = await _head(session)
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
    event.hash = audit_mac(row_content(event), trail.chain_key)
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
    keyed_from: int | None = None
    checkpoints: int = 0
    last_checkpoint: dict[str, Any] | None = None


@dataclass
class _Walk:
    """Where a walk along the chain got to: the last row that held, and the hashes it saw at
    the rows it was asked to note."""

    last_id: int = 0
    last_hash: str = GENESIS_HASH
    rows: int = 0
    noted: dict[int, str] = field(default_factory=dict)
    finding: Finding | None = None


async def _walk(
    session: AsyncSession, key: bytes, keyed_from: int, walk: _Walk, *, note: frozenset[int] = frozenset(), batch: int = 1000
) -> _Walk:
    """Walk the chain on from `walk`'s last row: each row must follow the one before it (next id,
    its hash as `prev_hash`) and carry the hash of its content (keyed from `keyed_from` on)."""
    while walk.finding is None:
        rows = (
            await session.scalars(select(AuditEvent).where(AuditEvent.id > walk.last_id).order_by(AuditEvent.id).limit(batch))
        ).all()
        for event in rows:
            if event.id != walk.last_id + 1 or event.prev_hash != walk.last_hash:
                reason = "the link to the previous row is broken (a row changed or was removed)"
                walk.finding = Finding(event.id, reason)
                break
            if expected_hash(row_content(event), key, keyed_from) != event.hash:
                walk.finding = Finding(event.id, "the row's content does not match its hash")
                break
            if event.id in note:
                walk.noted[event.id] = event.hash
            walk.last_id, walk.last_hash, walk.rows = event.id, event.hash, walk.rows + 1
        if len(rows) < batch:
            break
    return walk


def _keyed_from(checkpoints: list[dict[str, Any]]) -> int | None:
    return int(checkpoints[0]["keyed_from"]) if checkpoints and "keyed_from" in checkpoints[0] else None


async def anchor(session: AsyncSession, trail: AuditTrail) -> None:
    """At start: a trail without checkpoints (a new deployment, or the first start after the
    keyed chain came) gets its first one, which says from which row on the chain is keyed and
    pins the hash of the last row before (written with plain SHA-256 by earlier versions)."""
    if trail.checkpoints():
        return
    await _lock_chain(session)  # no row is appended between reading the head and the switch
    head = await _head(session)
    seq, head_hash = head if head else (0, GENESIS_HASH)
    await _write_checkpoint(session, trail, seq, head_hash, keyed_from=seq + 1)


async def _write_checkpoint(
    session: AsyncSession, trail: AuditTrail, seq: int, head_hash: str, *, keyed_from: int, **retained: Any
) -> dict[str, Any]:
    count = int(await session.scalar(select(func.count()).select_from(AuditEvent)) or 0)
    at = datetime.now(UTC).isoformat(timespec="microseconds")
    checkpoint = trail.sign({"seq": seq, "hash": head_hash, "count": count, "at": at, "keyed_from": keyed_from, **retained})
    trail.append(checkpoint)
    # The log stream is the second copy outside the database (shipped off the host).
    logger.info("audit checkpoint", extra={"audit_checkpoint": checkpoint})
    return checkpoint


class TrailBroken(Exception):
    """The rows since the last checkpoint do not hold: no checkpoint may bless them."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.reason)
        self.finding = finding


async def checkpoint(session: AsyncSession, trail: AuditTrail, **retained: Any) -> dict[str, Any]:
    """Sign the current head and keep it outside the database, after checking the rows since
    the last checkpoint (a broken or shortened trail is never signed: `TrailBroken`). `retained`:
    the retention fields (`archive_months`)."""
    checkpoints = trail.checkpoints()
    keyed_from = _keyed_from(checkpoints)
    if keyed_from is None:
        raise TrailBroken(Finding(1, "the first checkpoint, which anchors the chain, is missing"))
    last = checkpoints[-1]
    head = await _head(session)
    start = _Walk(last_id=int(last.get("seq", 0)), last_hash=str(last.get("hash", GENESIS_HASH)))
    walk = await _walk(session, trail.chain_key, keyed_from, start)
    head_id = head[0] if head else 0
    if walk.finding is None and head_id < int(last.get("seq", 0)):
        walk.finding = Finding(head_id + 1, "rows are missing: the trail ends before the last checkpoint's head")
    if walk.finding is not None:
        logger.error(
            "audit trail broken; no checkpoint written", extra={"row": walk.finding.row_id, "reason": walk.finding.reason}
        )
        raise TrailBroken(walk.finding)
    return await _write_checkpoint(session, trail, walk.last_id, walk.last_hash, keyed_from=keyed_from, **retained)


async def checkpoint_when_new(session: AsyncSession, trail: AuditTrail) -> dict[str, Any] | None:
    """The scheduled checkpoint: only when rows came since the last one."""
    checkpoints = trail.checkpoints()
    head = await _head(session)
    if checkpoints and int(checkpoints[-1].get("seq", -1)) == (head[0] if head else 0):
        return None
    return await checkpoint(session, trail)


async def verify_chain(session: AsyncSession, trail: AuditTrail, *, batch: int = 1000) -> ChainReport:
    """Walk the chain from the first row with the chain key, and hold the table against every
    signed checkpoint: each checkpointed head must still be there with its hash."""
    checkpoints = trail.checkpoints()
    for number, kept in enumerate(checkpoints, start=1):
        if not trail.signature_holds(kept):
            return ChainReport(False, 0, None, f"checkpoint {number} in the checkpoint file is not validly signed")
    keyed_from = _keyed_from(checkpoints)
    if keyed_from is None:
        return ChainReport(False, 0, 1, "no checkpoint anchors the chain (the checkpoint file is missing or empty)")
    if any(int(kept.get("keyed_from", -1)) != keyed_from for kept in checkpoints):
        return ChainReport(False, 0, None, "the checkpoints disagree on where the keyed chain starts")
    seqs = frozenset(int(kept["seq"]) for kept in checkpoints)
    # Rows detached to the archive are not walked: the walk starts after the last of them.
    retained_seq, retained_hash = retained_start(checkpoints)
    start = _Walk(last_id=retained_seq, last_hash=retained_hash)
    walk = await _walk(session, trail.chain_key, keyed_from, start, note=seqs, batch=batch)
    report = ChainReport(True, walk.rows, keyed_from=keyed_from, checkpoints=len(checkpoints), last_checkpoint=checkpoints[-1])
    findings = (
        checkpoint_finding(kept, walk.noted.get(int(kept["seq"])), retained_seq + walk.rows)
        for kept in checkpoints
        if int(kept["seq"]) > retained_seq
    )
    finding = walk.finding or next((found for found in findings if found is not None), None)
    if finding is not None:
        return replace(report, intact=False, first_broken_id=finding.row_id, reason=finding.reason)
    return report


# Monthly partitions on PostgreSQL (migration partition_0001; the gateway's partition job).
AUDIT_PARTITIONING = Partitioning("audit_events", "at", "month", ahead=3, timestamp=True)


async def archive_months(session: AsyncSession, trail: AuditTrail, *, before: datetime) -> list[str]:
    """Detach the trail's months that end by `before` (a month's first instant, UTC) to the
    archive, keeping the rest verifiable: first a checkpoint is signed that names the last row
    detached (`retained_seq`, `retained_hash`), from which `verify_chain` walks on. Nothing is
    detached when the rows since the last checkpoint do not hold (`TrailBroken`), or when an
    earlier row was written after a later one's month (a clock set back across a month's end):
    the chain would then not continue from the archive's last row. PostgreSQL only."""
    if session.get_bind().dialect.name != "postgresql":
        return []
    await _lock_chain(session)
    last = (
        await session.execute(
            select(AuditEvent.id, AuditEvent.hash).where(AuditEvent.at < before).order_by(AuditEvent.id.desc()).limit(1)
        )
    ).first()
    if last is None:
        return []
    later = await session.scalar(select(func.min(AuditEvent.id)).where(AuditEvent.at >= before))
    if later is None:
        return []  # the head row stays in the table: the next row is chained to it
    if later < last[0]:
        logger.error("audit months not archived: row order and time disagree", extra={"row": later})
        return []
    await checkpoint(session, trail, retained_seq=last[0], retained_hash=last[1])
    month = before.date()

    def detach(sync_session: Any) -> list[str]:
        return detach_partitions(sync_session.connection(), "gateway", AUDIT_PARTITIONING, before=month, drop=False)

    return await session.run_sync(detach)
