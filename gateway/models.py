"""Tables of the gateway schema: accounts, refresh tokens, machine clients and the audit trail."""

import uuid
from datetime import UTC, datetime

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, ForeignKey, Index, Integer, String, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from gateway.enums import AccountStatus
from gateway.settings import SCHEMA
from services.kit.db import make_metadata
from services.kit.documents import document_counters_table, documents_table
from services.kit.idempotency import idempotency_table
from services.kit.outbox import outbox_table


def _now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = make_metadata(SCHEMA)


class Account(Base):
    """A person's login. The lockout counter lives here so that every replica sees it."""

    __tablename__ = "accounts"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    roles: Mapped[list[str]] = mapped_column(JSON)
    scope_org_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    member_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    status: Mapped[str] = mapped_column(String(16), default=AccountStatus.active, server_default=AccountStatus.active)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Base32 TOTP secret; `totp_enabled` once the holder has proved a code from it.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # The time step of the last code accepted: a code is good once.
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), onupdate=_now)
    # +1 on each change an administrator makes (its ETag); logins and lockouts do not count.
    # Tokens carry it (`ver`): a change ends the tokens issued before it (kit/revocation.py).
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class RefreshToken(Base):
    """One refresh token of a login (a family): only its hash is kept; used once, then replaced."""

    __tablename__ = "refresh_tokens"
    __table_args__ = (Index("ix_refresh_tokens_family_id", "family_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    family_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    family_started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    amr: Mapped[list[str]] = mapped_column(JSON)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Client(Base):
    """A machine client of another government system (OAuth2 client credentials)."""

    __tablename__ = "clients"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    secret_hash: Mapped[str] = mapped_column(String(255))
    # After a rotation the previous secret still works until `previous_valid_until`.
    previous_secret_hash: Mapped[str | None] = mapped_column(String(255))
    previous_valid_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    scopes: Mapped[list[str]] = mapped_column(JSON)
    scope_org_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(16), default=AccountStatus.active)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    rotated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # +1 on each PATCH (its ETag); tokens carry it (`ver`), so a change ends those issued before.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class AuditEvent(Base):
    """The audit trail: append-only (triggers on both databases, no UPDATE/DELETE grant on
    PostgreSQL) and hash-chained: `hash` = sha256(canonical row content, `prev_hash`)."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_at", "at"), Index("ix_audit_events_actor_username", "actor_username"))

    # Taken as the previous id + 1 under the chain lock, so that the hash can cover it.
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor_sub: Mapped[str | None] = mapped_column(String(128))
    actor_username: Mapped[str | None] = mapped_column(String(64))
    roles: Mapped[list[str]] = mapped_column(JSON)
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(2000))
    outcome: Mapped[int] = mapped_column(Integer)
    client_address: Mapped[str | None] = mapped_column(String(64))
    request_id: Mapped[str | None] = mapped_column(String(128))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


idempotency_keys = idempotency_table(Base.metadata)
# The gateway's own feed (`GET /internal/events`): revocations of access tokens (kit/revocation.py).
outbox = outbox_table(Base.metadata)


# The reports the gateway printed (format=pdf): their numbers and what their check codes sign.
documents = documents_table(Base.metadata)
document_counters = document_counters_table(Base.metadata)
