"""Tables of the activities schema, with local replicas of the organization tree and the members."""

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, Column, Date, DateTime, Index, Integer, Numeric, String, Table, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.activities.enums import ActivityStatus, CareProgram, StudyRecordStatus
from services.activities.settings import SCHEMA
from services.kit.consumer import cursor_table
from services.kit.db import make_metadata
from services.kit.idempotency import idempotency_table
from services.kit.outbox import outbox_table
from services.kit.partitions import Partitioning
from services.kit.replica import tree_replica_table
from services.kit.scheduler import scheduler_tables


def _now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = make_metadata(SCHEMA)


class ActivityType(Base):
    """The dictionary of activity types: seeded with DOMAIN.md's list, extendable by an administrator."""

    __tablename__ = "activity_types"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    zh_hant: Mapped[str] = mapped_column(String(100))
    zh_hans: Mapped[str] = mapped_column(String(100))
    # Which organization kinds hold this type (compliance expects it only of those).
    org_kinds: Mapped[list[str]] = mapped_column(JSON)
    # monthly | quarterly | yearly | None; the policy's frequency wins for the types it names.
    frequency: Mapped[str | None] = mapped_column(String(16))
    builtin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class Venue(Base):
    """An activity venue (活動陣地) of an organization, reused by its activities."""

    __tablename__ = "venues"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    org_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(300))
    area_m2: Mapped[int | None] = mapped_column(Integer)
    capacity: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class Activity(Base):
    """An activity organized by an organization."""

    __tablename__ = "activities"
    # Compliance and statistics read (org, day, type, status) from this index alone.
    __table_args__ = (Index("ix_activities_org_id_starts_on", "org_id", "starts_on", "type", "status"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    org_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    # Its organization's county: the distribution column on a Citus cluster (service/counties.py).
    county_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    type: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    ends_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The local calendar day it starts on (policy time zone): periods and months are days, so
    # compliance and statistics filter and group on an indexed date, the same on both databases.
    # The partition key on PostgreSQL (monthly, see kit.partitions and PARTITIONED below).
    starts_on: Mapped[date] = mapped_column(Date)
    location: Mapped[str | None] = mapped_column(String(300))
    venue_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    host_member_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    content: Mapped[str | None] = mapped_column(Text)
    decisions: Mapped[str | None] = mapped_column(Text)
    campaign: Mapped[str | None] = mapped_column(String(64))
    unit_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Home study delivery and home visits name the member served.
    served_member_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    # The expected attendance list when the organizer named one; None = the organization's members.
    expected_member_ids: Mapped[list[str] | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(
        String(16), default=ActivityStatus.planned.value, server_default=ActivityStatus.planned.value
    )
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=_now, onupdate=_now)


class Attendance(Base):
    """One member's attendance of one activity."""

    __tablename__ = "attendance"
    # "Members with no attendance in N months" is one index probe per member.
    __table_args__ = (Index("ix_attendance_member_id_status_starts_on", "member_id", "status", "starts_on"),)

    activity_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    member_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    # Its activity's county, copied like its day: kept on the activity's shard on Citus.
    county_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(300))
    hours: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    guest: Mapped[bool] = mapped_column(Boolean, default=False)
    # The activity's local day, copied (and kept in step when the activity moves): the partition
    # key on PostgreSQL, so that an activity and its attendance share their month's partitions.
    starts_on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class Attachment(Base):
    """A file of an activity (photo, minutes); the bytes live content-addressed under the data dir."""

    __tablename__ = "attachments"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    activity_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    # Its activity's county: kept on the activity's shard on Citus.
    county_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    kind: Mapped[str] = mapped_column(String(16))
    filename: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class Contact(Base):
    """A contact with a member (聯繫): the follow-up of floating, displaced, not-transferred members."""

    __tablename__ = "contacts"
    __table_args__ = (Index("ix_contacts_member_id_contacted_on", "member_id", "contacted_on"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    org_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    member_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    # Its organization's county (service/counties.py).
    county_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    contacted_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(16))
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class StudyRecord(Base):
    """A member's self-study (自學): its hours count once an admin of the member's organization approves it."""

    __tablename__ = "study_records"
    # The day limit and the yearly tallies read one member's days from this index.
    __table_args__ = (Index("ix_study_records_member_id_studied_on", "member_id", "studied_on"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    member_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    # The member's organization when recorded: whose admins may approve it, and the scope it is seen in.
    org_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    # Its organization's county (service/counties.py).
    county_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    studied_on: Mapped[date] = mapped_column(Date)
    hours: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    title: Mapped[str] = mapped_column(String(200))
    content: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(
        String(16), default=StudyRecordStatus.pending.value, server_default=StudyRecordStatus.pending.value
    )
    recorded_by: Mapped[str] = mapped_column(String(100))
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decision_note: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class Exemption(Base):
    """An organization excused from expecting a type of activity for a time (compliance)."""

    __tablename__ = "compliance_exemptions"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    org_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    type: Mapped[str] = mapped_column(String(64))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class Evaluation(Base):
    """The yearly evaluation (考評) of a community organization."""

    __tablename__ = "evaluations"
    __table_args__ = (UniqueConstraint("org_id", "year"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    org_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    # Its organization's county (service/counties.py).
    county_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    year: Mapped[int] = mapped_column(Integer)
    # [{indicator, score, max_score, evidence: [activity ids]}], as scored under that year's set.
    scores: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    total: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    grade: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class SatisfactionRating(Base):
    """A resident's satisfaction rating of a community (滿意農村社區)."""

    __tablename__ = "satisfaction_ratings"
    __table_args__ = (Index("ix_satisfaction_ratings_org_id_year", "org_id", "year"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    org_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    year: Mapped[int] = mapped_column(Integer)
    rating: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class Review(Base):
    """A member's grade in the yearly democratic review (民主評議黨員)."""

    __tablename__ = "reviews"
    __table_args__ = (UniqueConstraint("member_id", "year"), Index("ix_reviews_org_id_year", "org_id", "year"))

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    org_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    member_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    # Its organization's county (service/counties.py).
    county_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    year: Mapped[int] = mapped_column(Integer)
    grade: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


# The organization tree as the orgs service publishes it (see events.py).
org_replica = tree_replica_table(
    Base.metadata,
    "org_replica",
    Column("name", String(200), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("tier", String(32), nullable=False),
    Column("status", String(16), nullable=False),
    Column("community_id", Uuid, nullable=True),
    # The organization's county (service/counties.py), kept as nodes arrive and move.
    Column("county_id", Uuid, nullable=True),
)

# The members as the members service publishes them (see events.py): the expected attendance
# lists and the work lists are joins inside this schema, never calls per member.
member_replica = Table(
    "member_replica",
    Base.metadata,
    Column("id", Uuid, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("name", String(100), nullable=False),
    Column("org_id", Uuid, nullable=True, index=True),
    Column("residence_community_id", Uuid, nullable=True, index=True),
    Column("party_status", String(16), nullable=False),
    Column("state", String(32), nullable=False),
    Column("whereabouts", String(32), nullable=True),
    Column("care_programs", JSON, nullable=False),
    # Study hours: the months owed start when the member joined; elderly members' home study counts.
    # Null only on rows held before these columns existed, until the feed's replay fills them.
    Column("birth_date", Date, nullable=True),
    Column("joined_on", Date, nullable=True),
    # Derived from care_programs on apply, so the work list is a plain indexed filter (named after
    # the care program it flags).
    Column(CareProgram.green_channel.value, Boolean, nullable=False),
)
# The teams (班子) as the orgs service publishes them in its `position.*` events: who owes the
# higher yearly study hours of community secretaries and team members.
position_replica = Table(
    "position_replica",
    Base.metadata,
    Column("id", Uuid, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("org_id", Uuid, nullable=False, index=True),
    Column("member_id", Uuid, nullable=False, index=True),
    Column("role", String(32), nullable=False),
    Column("since", Date, nullable=False),
    Column("until", Date, nullable=True),
)
# Floating members' periodic reports (定期匯報) as the members service announces them
# (`floating_report.submitted`): which member reported on which day. A report counts as a contact
# with the member in the uncontacted work list and the contacts summary.
floating_report_replica = Table(
    "floating_report_replica",
    Base.metadata,
    Column("id", Uuid, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("member_id", Uuid, nullable=False),
    Column("reported_on", Date, nullable=False),
    Index("ix_floating_report_replica_member_id_reported_on", "member_id", "reported_on"),
)
# The communities and their units (社區單位) as the orgs service publishes them (`community.*`,
# `unit.*`): a unit an activity names is in the caller's scope when its community's township or
# party organization is, as in the orgs service.
community_replica = Table(
    "community_replica",
    Base.metadata,
    Column("id", Uuid, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("township_org_id", Uuid, nullable=False, index=True),
    Column("party_org_id", Uuid, nullable=True, index=True),
)
unit_replica = Table(
    "unit_replica",
    Base.metadata,
    Column("id", Uuid, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("community_id", Uuid, nullable=False, index=True),
)
outbox = outbox_table(Base.metadata)
# Partitioned on PostgreSQL (the migration partition_0001 and the partition job; SQLite keeps plain
# tables): by month of the activity's day, made a year ahead since activities are planned ahead.
PARTITIONED = (
    Partitioning("activities", "starts_on", "month", ahead=12),
    Partitioning("attendance", "starts_on", "month", ahead=12),
)
consumer_cursors = cursor_table(Base.metadata)
scheduler = scheduler_tables(Base.metadata)
idempotency_keys = idempotency_table(Base.metadata)


class TrainingCourse(Base):
    """A course of the training register (黨校, 社區黨校, 進修班) run by an organization: its days and
    hours; its attendees' hours count toward their study hours in the year it ends."""

    __tablename__ = "training_courses"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    org_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    # Its organization's county (service/counties.py).
    county_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    organizer: Mapped[str | None] = mapped_column(String(200))
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date] = mapped_column(Date)
    hours: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    recorded_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class TrainingAttendee(Base):
    """A member who completed a course, with the hours credited (at most the course's)."""

    __tablename__ = "training_attendees"
    __table_args__ = (UniqueConstraint("course_id", "member_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    course_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    member_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    # Its course's county: kept on the course's shard on Citus.
    county_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    hours: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    # The course's last day, kept here so the yearly tallies read one table.
    ended_on: Mapped[date] = mapped_column(Date)
