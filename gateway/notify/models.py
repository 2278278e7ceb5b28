"""Tables of notifications (gateway schema): accounts' contact addresses, the inbox, the outbox of
deliveries through the channels, and every attempt made."""

import uuid
from datetime import UTC, date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from gateway.enums import DeliveryStatus
from gateway.models import Base


def _now() -> datetime:
    return datetime.now(UTC)


class NoticeContact(Base):
    """Where an account's notices go besides the inbox: AES-GCM ciphertexts, never plaintext."""

    __tablename__ = "notice_contacts"

    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True)
    phone: Mapped[bytes | None] = mapped_column(LargeBinary)
    wechat_openid: Mapped[bytes | None] = mapped_column(LargeBinary)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    # +1 on each change (its ETag): a change is made against the version read last.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class Notice(Base):
    """One entry of an account's inbox; at most one per account and due item (`dedupe_key`)."""

    __tablename__ = "notices"
    __table_args__ = (
        UniqueConstraint("account_id", "dedupe_key"),
        Index("ix_notices_account_id_created_at", "account_id", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    dedupe_key: Mapped[str] = mapped_column(String(200))
    item_id: Mapped[str] = mapped_column(String(100))
    due_on: Mapped[date] = mapped_column(Date)
    org_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class NoticeDelivery(Base):
    """A notice due to go out through one channel (the outbox): pending until delivered, parked
    when the retry window ran out."""

    __tablename__ = "notice_deliveries"
    __table_args__ = (
        Index("ix_notice_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_notice_deliveries_notice_id", "notice_id"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    notice_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("notices.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=DeliveryStatus.pending)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    first_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class NoticeAttempt(Base):
    """One attempt to hand a delivery to its channel's gateway, as it went."""

    __tablename__ = "notice_attempts"
    __table_args__ = (Index("ix_notice_attempts_delivery_id", "delivery_id"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    delivery_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("notice_deliveries.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ok: Mapped[bool] = mapped_column(Boolean)
    http_status: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(String(200))
