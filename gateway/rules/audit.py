"""Rules of the audit trail: the hash chain. A row's hash covers its content and the hash of the
row before it, so a row changed or removed breaks the chain from there on."""

import hashlib
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
    return hashlib.sha256(canonical_audit_content(row)).hexdigest()
