"""A member's record and history, and the replicas of the orgs service's tree and positions."""

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Uuid,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from services.kit.replica import tree_replica_table
from services.members.enums import Whereabouts
from services.members.models.base import Base, now, sql_codes
from services.members.rules.records import CLOSED_STATES

_OPEN_RECORD = text(f"state NOT IN ({sql_codes(CLOSED_STATES)})")  # records not closed: the ID number's unique index
_NOT_TRANSFERRED = text(f"whereabouts = {sql_codes([Whereabouts.not_transferred])}")  # living here, relationship elsewhere


class Member(Base):
    """The current record; its state fields are kept consistent with `member_events` (the history)."""

    __tablename__ = "members"
    __table_args__ = (
        # One open record per person: the keyed hash of the ID number, never the number itself.
        Index(
            "uq_members_open_id_number",
            "id_number_index",
            unique=True,
            postgresql_where=_OPEN_RECORD,
            sqlite_where=_OPEN_RECORD,
        ),
        # Search by ID number finds closed records too, which the partial unique index above leaves
        # out (and so cannot serve): without this index every search read the whole table.
        Index("ix_members_members_id_number_index", "id_number_index"),
        Index("ix_members_members_phone_index", "phone_index"),
        # Statistics of one township read only this index (index-only scan), never the wide rows;
        # on SQLite it is a plain index on org_id. The id is in it for the as-of reading, which
        # leaves out the few members changed after the day (service/facts.py).
        Index(
            "ix_members_members_org_id_covering",
            "org_id",
            postgresql_include=[
                "id",
                "birth_date",
                "joined_on",
                "education",
                "occupation",
                "party_status",
                "state",
                "whereabouts",
                "sex",
            ],
        ),
        Index("ix_members_members_residence_community_id", "residence_community_id"),
        # The roll-ups' month cut in two by an age edge or a date, counted from the rows (rollup_reads.py).
        Index(
            "ix_members_members_birth_date",
            "birth_date",
            postgresql_include=[
                "org_id",
                "id",
                "joined_on",
                "education",
                "occupation",
                "sex",
                "party_status",
                "state",
                "whereabouts",
            ],
        ),
        Index("ix_members_members_joined_on", "joined_on"),
        # The survey's "not transferred" count reads this small index alone (about 1% of the
        # records), not a scan of every record.
        Index(
            "ix_members_members_not_transferred",
            "residence_community_id",
            "org_id",
            postgresql_include=["id", "joined_on", "state"],
            postgresql_where=_NOT_TRANSFERRED,
            sqlite_where=_NOT_TRANSFERRED,
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(100))
    org_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    county_id: Mapped[uuid.UUID] = mapped_column(Uuid)  # the organization's: a Citus layout's key (service/counties.py)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    sex: Mapped[str] = mapped_column(String(8))
    ethnicity: Mapped[str | None] = mapped_column(String(32))
    # Ciphertexts (kit.crypto.FieldCipher) and their keyed hashes for exact search.
    id_number_cipher: Mapped[bytes] = mapped_column(LargeBinary)
    id_number_index: Mapped[str] = mapped_column(String(64))
    phone_cipher: Mapped[bytes | None] = mapped_column(LargeBinary)
    phone_index: Mapped[str | None] = mapped_column(String(64))
    birth_date: Mapped[date] = mapped_column(Date)
    education: Mapped[str] = mapped_column(String(32))
    occupation: Mapped[str] = mapped_column(String(32))
    party_status: Mapped[str] = mapped_column(String(16))
    joined_on: Mapped[date] = mapped_column(Date)
    full_on: Mapped[date | None] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(24))
    state_since: Mapped[date] = mapped_column(Date)
    residence_community_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    whereabouts: Mapped[str] = mapped_column(String(24))
    whereabouts_since: Mapped[date | None] = mapped_column(Date)
    whereabouts_details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    care_programs: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The first day of the last month of the unbroken run of settled dues (service/dues.py keeps it).
    dues_paid_through: Mapped[date | None] = mapped_column(Date)
    # Where the member lives (a change request of the member's own may set it).
    address: Mapped[str | None] = mapped_column(String(300))
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now, onupdate=now)


class MemberEventRow(Base):
    """One dated fact in a member's history: joining, becoming full, a state, whereabouts or org change."""

    __tablename__ = "member_events"
    __table_args__ = (
        Index("ix_members_member_events_member_seq", "member_id", "seq", unique=True),
        # "Members with an event after day D", which the as-of reading asks for every report: a
        # range read of the few recent events, not a scan of the history (service/facts.py).
        Index("ix_members_member_events_effective_on", "effective_on", "kind", "member_id"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    member_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    county_id: Mapped[uuid.UUID] = mapped_column(Uuid)  # the record's: the history sits on the record's shard
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32))
    effective_on: Mapped[date] = mapped_column(Date)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    actor: Mapped[str | None] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


class PersonIndex(Base):
    """Who has an open record: one row per person with a record not closed, keyed by the keyed hash
    of the ID number (never the number). Its key is what keeps one open record per person when the
    records are distributed by county (Citus keeps a unique index only when it holds the
    distribution column; this table is distributed by the hash): kept on every database, so that
    there is one way (service/person_index.py)."""

    __tablename__ = "person_index"

    id_number_index: Mapped[str] = mapped_column(String(64), primary_key=True)
    member_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    county_id: Mapped[uuid.UUID] = mapped_column(Uuid)  # the record's: the next hop of a search by ID number


# The organization tree as the orgs service publishes it (see events.py).
org_replica = tree_replica_table(
    Base.metadata,
    "org_replica",
    Column("name", String(200), nullable=False),
    # The organization's code: an import names an organization by it (or by its name path).
    Column("code", String(64), nullable=True, index=True),
    Column("kind", String(32), nullable=False),
    Column("tier", String(32), nullable=False),
    Column("status", String(16), nullable=False),
    Column("community_id", Uuid, nullable=True),
    Column("setting", String(16), nullable=True),
    Column("merged_into_id", Uuid, nullable=True),
    Column("county_id", Uuid, nullable=True),  # computed here, not sent by orgs (service/counties.py)
    # A rolled-up subtree's organizations and settings, read from the index alone (rollup_reads.py).
    path_index_include=("id", "setting"),
)
# The team positions (班子) from the orgs feed (`position.*`), joined by the survey report.
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
