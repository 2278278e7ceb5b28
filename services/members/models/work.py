"""The work on records: transfers, care, duty reports, recruitment, dues, change requests, floating
reports, link codes, commendations and discipline."""

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from services.members.models.base import Base, now, sql_codes
from services.members.rules.recruitment import CLOSED_STAGES

_OPEN_APPLICATION = text(f"stage NOT IN ({sql_codes(CLOSED_STAGES)})")  # applications still on the way


class Transfer(Base):
    """A relationship transfer (組織關係轉接): within the system, out of it, or into it."""

    __tablename__ = "transfers"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    member_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    county_id: Mapped[uuid.UUID] = mapped_column(Uuid)  # the record's county: with it on its shard (service/counties.py)
    kind: Mapped[str] = mapped_column(String(16))
    from_org_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    to_org_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    external_org: Mapped[str | None] = mapped_column(String(200))
    across_provinces: Mapped[bool] = mapped_column(default=False)
    letter_number: Mapped[str | None] = mapped_column(String(64))
    issued_on: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))
    requested_on: Mapped[date] = mapped_column(Date)
    decided_on: Mapped[date | None] = mapped_column(Date)
    received_on: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(String(500))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


class CareEnrolment(Base):
    """A member in a care program: the green channel (elderly, needy) or the education upgrade."""

    __tablename__ = "care_enrolments"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    member_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    county_id: Mapped[uuid.UUID] = mapped_column(Uuid)  # the record's county: with it on its shard (service/counties.py)
    program: Mapped[str] = mapped_column(String(32))
    grounds: Mapped[list[str]] = mapped_column(JSON, default=list)
    services: Mapped[list[str]] = mapped_column(JSON, default=list)
    partner: Mapped[str | None] = mapped_column(String(200))
    target_level: Mapped[str | None] = mapped_column(String(32))
    school: Mapped[str | None] = mapped_column(String(200))
    enrolled_on: Mapped[date] = mapped_column(Date)
    completed_on: Mapped[date | None] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class DutyReport(Base):
    """A young member's report on their duty (述職述行)."""

    __tablename__ = "duty_reports"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    member_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    county_id: Mapped[uuid.UUID] = mapped_column(Uuid)  # the record's county: with it on its shard (service/counties.py)
    reported_on: Mapped[date] = mapped_column(Date)
    topic: Mapped[str] = mapped_column(String(200))
    content: Mapped[str | None] = mapped_column(String(4000))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


class Application(Base):
    """A person on the way to membership (發展黨員): applicant → activist → development target →
    probationary (the member record is made) → full; each step is a `RecruitmentStep`."""

    __tablename__ = "applications"
    __table_args__ = (
        Index("ix_members_applications_org_stage", "org_id", "stage"),
        # One open application per person (by the keyed hash of the ID number), even under concurrency.
        Index(
            "uq_members_applications_open_id_number",
            "id_number_index",
            unique=True,
            postgresql_where=_OPEN_APPLICATION,
            sqlite_where=_OPEN_APPLICATION,
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    org_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    county_id: Mapped[uuid.UUID] = mapped_column(Uuid)  # the organization's (service/counties.py)
    stage: Mapped[str] = mapped_column(String(24))
    name: Mapped[str] = mapped_column(String(100))
    sex: Mapped[str] = mapped_column(String(8))
    ethnicity: Mapped[str | None] = mapped_column(String(32))
    # Encrypted and indexed exactly as the member record's (kit.crypto.FieldCipher).
    id_number_cipher: Mapped[bytes] = mapped_column(LargeBinary)
    id_number_index: Mapped[str] = mapped_column(String(64))
    phone_cipher: Mapped[bytes | None] = mapped_column(LargeBinary)
    phone_index: Mapped[str | None] = mapped_column(String(64))
    birth_date: Mapped[date] = mapped_column(Date)
    education: Mapped[str] = mapped_column(String(32))
    occupation: Mapped[str] = mapped_column(String(32))
    residence_community_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    applied_on: Mapped[date] = mapped_column(Date)
    talked_on: Mapped[date | None] = mapped_column(Date)
    activist_on: Mapped[date | None] = mapped_column(Date)
    reviewed_on: Mapped[date | None] = mapped_column(Date)
    contact_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    target_on: Mapped[date | None] = mapped_column(Date)
    introducer_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    training: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    notice_from: Mapped[date | None] = mapped_column(Date)
    notice_to: Mapped[date | None] = mapped_column(Date)
    meeting_on: Mapped[date | None] = mapped_column(Date)
    approved_on: Mapped[date | None] = mapped_column(Date)
    member_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    extension_months: Mapped[int] = mapped_column(Integer, default=0)
    probation_ends_on: Mapped[date | None] = mapped_column(Date)
    full_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


class RecruitmentStep(Base):
    """One dated step of an application, with the body that decided it and its documents."""

    __tablename__ = "recruitment_steps"
    __table_args__ = (Index("ix_members_recruitment_steps_application_seq", "application_id", "seq", unique=True),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    application_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32))
    effective_on: Mapped[date] = mapped_column(Date)
    deciding_body: Mapped[str | None] = mapped_column(String(200))
    documents: Mapped[list[str]] = mapped_column(JSON, default=list)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    actor: Mapped[str | None] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


class DuesMonth(Base):
    """One member's dues (黨費) for one month: base, category, the computed rate and amount due, the
    reduction or exemption with its approval, and the payment. Money in integer fen."""

    __tablename__ = "dues"
    __table_args__ = (
        UniqueConstraint("member_id", "month", name="uq_members_dues_member_month"),
        Index("ix_members_dues_org_month", "org_id", "month"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    member_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    county_id: Mapped[uuid.UUID] = mapped_column(Uuid)  # the record's county: with it on its shard (service/counties.py)
    # The organization holding the member when the month was assessed (the treasurer's totals).
    org_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    month: Mapped[date] = mapped_column(Date)
    category: Mapped[str] = mapped_column(String(24))
    base_fen: Mapped[int | None] = mapped_column(BigInteger)
    rate_bp: Mapped[int | None] = mapped_column(Integer)
    standard_fen: Mapped[int] = mapped_column(BigInteger)
    due_fen: Mapped[int] = mapped_column(BigInteger)
    reduction: Mapped[str | None] = mapped_column(String(16))
    reduction_approved_by: Mapped[str | None] = mapped_column(String(200))
    reduction_approved_on: Mapped[date | None] = mapped_column(Date)
    reduction_reason: Mapped[str | None] = mapped_column(String(500))
    unpaid_reason: Mapped[str | None] = mapped_column(String(500))
    paid_fen: Mapped[int | None] = mapped_column(BigInteger)
    paid_on: Mapped[date | None] = mapped_column(Date)
    paid_by_member_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


class ChangeRequest(Base):
    """A member's request to change their own record (phone, address, education with its
    evidence), reviewed by an administrator whose scope holds the member's organization. The
    asked phone is encrypted like the record's."""

    __tablename__ = "change_requests"
    __table_args__ = (Index("ix_members_change_requests_member_status", "member_id", "status"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    member_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    county_id: Mapped[uuid.UUID] = mapped_column(Uuid)  # the record's county: with it on its shard (service/counties.py)
    # The member's organization when asked: whose administrators review it.
    org_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    status: Mapped[str] = mapped_column(String(16))
    fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    phone_cipher: Mapped[bytes | None] = mapped_column(LargeBinary)
    address: Mapped[str | None] = mapped_column(String(300))
    education: Mapped[str | None] = mapped_column(String(32))
    evidence_note: Mapped[str | None] = mapped_column(String(1000))
    evidence_filename: Mapped[str | None] = mapped_column(String(200))
    evidence_media_type: Mapped[str | None] = mapped_column(String(100))
    evidence: Mapped[bytes | None] = mapped_column(LargeBinary)
    reason: Mapped[str | None] = mapped_column(String(500))
    requested_by: Mapped[str] = mapped_column(String(100))
    requested_on: Mapped[date] = mapped_column(Date)
    reviewed_by: Mapped[str | None] = mapped_column(String(100))
    reviewed_on: Mapped[date | None] = mapped_column(Date)
    review_note: Mapped[str | None] = mapped_column(String(500))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


class FloatingReport(Base):
    """A floating member's periodic report (定期匯報): where they are, what work they do, which
    organizational life they attended there."""

    __tablename__ = "floating_reports"
    __table_args__ = (Index("ix_members_floating_reports_member_reported_on", "member_id", "reported_on"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    member_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    county_id: Mapped[uuid.UUID] = mapped_column(Uuid)  # the record's county: with it on its shard (service/counties.py)
    org_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    reported_on: Mapped[date] = mapped_column(Date)
    location: Mapped[str] = mapped_column(String(200))
    work: Mapped[str] = mapped_column(String(500))
    organizational_life: Mapped[str | None] = mapped_column(String(1000))
    reported_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


class LinkCode(Base):
    """A one-time code the community gives a member to link their own account to their record
    (`POST /api/v1/auth/link-member` at the gateway): only its keyed hash is kept, it expires soon,
    is good once, and dies after the policy's number of wrong tries."""

    __tablename__ = "link_codes"
    __table_args__ = (Index("ix_members_link_codes_member_id", "member_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    member_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    county_id: Mapped[uuid.UUID] = mapped_column(Uuid)  # the record's county: with it on its shard (service/counties.py)
    code_index: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    issued_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


class Commendation(Base):
    """A commendation on a member's record (優秀共產黨員 …), with the day and the awarding body."""

    __tablename__ = "member_commendations"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    member_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    county_id: Mapped[uuid.UUID] = mapped_column(Uuid)  # the record's county: with it on its shard (service/counties.py)
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str | None] = mapped_column(String(200))
    awarded_on: Mapped[date] = mapped_column(Date)
    awarded_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


class Discipline(Base):
    """A party disciplinary measure on a member's record: the day, the deciding body, the reason;
    留黨察看 with its period (1 or 2 years) and its end (`ends_on`, the first day after it)."""

    __tablename__ = "member_discipline"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    member_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    county_id: Mapped[uuid.UUID] = mapped_column(Uuid)  # the record's county: with it on its shard (service/counties.py)
    measure: Mapped[str] = mapped_column(String(32))
    decided_on: Mapped[date] = mapped_column(Date)
    decided_by: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str | None] = mapped_column(String(2000))
    probation_years: Mapped[int | None] = mapped_column(Integer)
    ends_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
