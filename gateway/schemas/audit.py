"""Shapes of the audit trail (`/api/v1/audit`)."""

from datetime import datetime

from services.kit.schemas import Schema


class AuditEventOut(Schema):
    id: int
    at: datetime
    actor_sub: str | None
    actor_username: str | None
    roles: list[str]
    action: str
    target: str
    outcome: int
    client_address: str | None
    request_id: str | None
    prev_hash: str
    hash: str


class AuditCheckpoint(Schema):
    """A signed checkpoint: the head row and its hash, the number of rows, when, and from which
    row on the chain is keyed. `signature`: Ed25519 (base64) over the other fields as canonical
    JSON (sorted keys, no spaces), verifiable with the key of `GET /audit/checkpoints`."""

    seq: int
    hash: str
    count: int
    at: str
    keyed_from: int
    signature: str


class AuditCheckpoints(Schema):
    public_key: str  # PEM (SubjectPublicKeyInfo) of the key that signs the checkpoints
    items: list[AuditCheckpoint]


class AuditVerification(Schema):
    intact: bool
    checked: int
    first_broken_id: int | None
    reason: str | None
    # From this row on the chain is keyed (HMAC); rows before it are from before the keyed chain.
    keyed_from: int | None = None
    # Signed checkpoints held against the table; the newest of them.
    checkpoints: int = 0
    last_checkpoint: AuditCheckpoint | None = None
