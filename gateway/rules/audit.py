"""Rules of the audit trail: the keyed hash chain and its signed checkpoints.

A row's hash covers its content and the hash of the row before it, so a row changed or removed
breaks the chain from there on. Since the keyed chain (issue #17) the hash is HMAC-SHA256 under a
key kept outside the database: whoever can write the table but not read the key cannot compute
the hashes of a rewritten tail. Rows written before the switch keep their plain SHA-256; the
first checkpoint after the upgrade names the first keyed row (`keyed_from`) and pins the hash of
the last plain one, so the older rows are anchored too.

A checkpoint — head row, its hash, the number of rows, the time, `keyed_from` — is signed and
kept outside the database; a table that no longer holds a checkpointed head was truncated or
rewritten.
"""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

GENESIS_HASH = "0" * 64
# The fields a row's hash covers, in this order (every field but `hash`).
CHAINED_FIELDS = (
    "id",
    "at",
    "actor_sub",
    "actor_username",
    "roles",
    "action",
    "target",
    "outcome",
    "client_address",
    "request_id",
    "prev_hash",
)
# The signed fields of a checkpoint, besides its signature.
CHECKPOINT_FIELDS = ("seq", "hash", "count", "at", "keyed_from")
# A checkpoint written as months are detached to the archive names the last row detached (its id
# and hash): verification walks on from there. Signed only when present, so that the checkpoints
# written before them keep their signatures.
RETENTION_FIELDS = ("retained_seq", "retained_hash")


def canonical_audit_content(row: dict[str, Any]) -> bytes:
    """The bytes a row's hash covers: its fields in a fixed order and format, without `hash`."""
    content = {name: _canonical(row.get(name)) for name in CHAINED_FIELDS}
    return orjson.dumps(content, option=orjson.OPT_SORT_KEYS)


def _canonical(value: Any) -> Any:
    if isinstance(value, datetime):
        # UTC to the microsecond: SQLite gives the stored time back without a zone, PostgreSQL with.
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.isoformat(timespec="microseconds")
    if isinstance(value, (list, tuple)):
        return sorted(str(v) for v in value)
    return value


def audit_hash(row: dict[str, Any]) -> str:
    """The plain SHA-256 of the rows written before the keyed chain (verification only)."""
    return hashlib.sha256(canonical_audit_content(row)).hexdigest()


def audit_mac(row: dict[str, Any], key: bytes) -> str:
    """The keyed hash of a row: HMAC-SHA256 of its canonical content under the chain key."""
    return hmac.new(key, canonical_audit_content(row), hashlib.sha256).hexdigest()


def expected_hash(row: dict[str, Any], key: bytes, keyed_from: int) -> str:
    """The hash the row must carry: keyed from row `keyed_from` on, plain SHA-256 before it."""
    return audit_mac(row, key) if row["id"] >= keyed_from else audit_hash(row)


def checkpoint_content(checkpoint: dict[str, Any]) -> bytes:
    """The bytes a checkpoint's signature covers."""
    content = {name: checkpoint.get(name) for name in CHECKPOINT_FIELDS}
    content.update({name: checkpoint[name] for name in RETENTION_FIELDS if name in checkpoint})
    return orjson.dumps(content, option=orjson.OPT_SORT_KEYS)


def retained_start(checkpoints: list[dict[str, Any]]) -> tuple[int, str]:
    """Where the rows still in the table start: the last row detached to the archive by the
    latest retention (its id and hash), or before the first row when none was."""
    marks = [(int(kept["retained_seq"]), str(kept["retained_hash"])) for kept in checkpoints if "retained_seq" in kept]
    return max(marks) if marks else (0, GENESIS_HASH)


@dataclass(frozen=True)
class Finding:
    """The first place where the trail does not hold: a row id and why."""

    row_id: int
    reason: str


def checkpoint_finding(checkpoint: dict[str, Any], found_hash: str | None, rows: int) -> Finding | None:
    """Compare the table with one checkpoint: its head row must still be there, with the
    checkpointed hash, and the table must hold at least as many rows as it did then.

    `found_hash` is the hash of the row at the checkpoint's `seq` (None: no such row); `rows` is
    how many consecutive rows from the first the chain check walked."""
    seq, count = int(checkpoint["seq"]), int(checkpoint["count"])
    if rows < count or (seq and found_hash is None):
        return Finding(
            rows + 1,
            f"rows are missing: the trail ends at row {rows}, the checkpoint of {checkpoint['at']} "
            f"recorded {count} rows up to row {seq} (rows deleted or the table truncated)",
        )
    if seq and found_hash != checkpoint["hash"]:
        return Finding(seq, f"row {seq} differs from the checkpoint of {checkpoint['at']} (the trail was rewritten)")
    return None
