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


class AuditVerification(Schema):
    intact: bool
    checked: int
    first_broken_id: int | None
    reason: str | None
