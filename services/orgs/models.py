"""Tables of the orgs schema."""

import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.kit.db import make_metadata
from services.kit.documents import document_counters_table, documents_table
from services.kit.idempotency import idempotency_table
from services.kit.outbox import outbox_table
from services.kit.scheduler import scheduler_tables
from services.kit.tree import key_type, path_type
from services.orgs.enums import OrgStatus
from services.orgs.settings import SCHEMA


def _now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = make_metadata(SCHEMA)


class Versioned:
    """Every row another service may hold a copy of carries a version, +1 on each change."""

    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, onupdate=_now)


# What an organization listing returns (schemas.tree.Org): the covering index carries exactly these,
# so a subtree listing is an index-only scan that never visits the (scattered) heap.
LISTING_COLUMNS = (
    "id",
    "name",
    "code",
    "kind",
    "tier",
    "parent_id",
    "community_id",
    "setting",
    "status",
    "merged_into_id",
    "established_on",
    "dissolved_on",
    "version",
)


class Organization(Versioned, Base):
    __tablename__ = "organizations"
    __table_args__ = (
        Index("ix_organizations_listing", "tree_key", postgresql_include=list(LISTING_COLUMNS)),
        # Index-only scans need an up-to-date visibility map; the tree grows by inserts, which
        # autovacuum by default only notices after 20% growth.
        {
            "postgresql_with": {
                "autovacuum_vacuum_scale_factor": "0.02",
                "autovacuum_vacuum_insert_scale_factor": "0.02",
                "autovacuum_analyze_scale_factor": "0.02",
            }
        },
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200))
    code: Mapped[str | None] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    tier: Mapped[str] = mapped_column(String(32))
    parent_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    # The community this organization belongs to (its own for a community's top organization,
    # the enclosing one inside it) and that community's setting, kept here for the events.
    community_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    setting: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=OrgStatus.active.value)
    merged_into_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    established_on: Mapped[date | None] = mapped_column(Date)
    dissolved_on: Mapped[date | None] = mapped_column(Date)
    # Materialized path (kit.tree): a subtree is one index range.
    path: Mapped[str] = mapped_column(path_type(), unique=True)
    # Orgs' own compact ordering key (kit.tree): the orgs service ranges and orders its subtree
    # queries by it (an eighth of the path's index size); `children_made` hands out the ordinals.
    tree_key: Mapped[str] = mapped_column(key_type(), unique=True)
    children_made: Mapped[int] = mapped_column(Integer, default=0)


class OrgHistory(Base):
    """One row per change of an organization: who, when, what kind, and its state before and after."""

    __tablename__ = "org_history"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    org_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    actor: Mapped[str] = mapped_column(String(200))
    change: Mapped[str] = mapped_column(String(32))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class Community(Versioned, Base):
    __tablename__ = "communities"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200))
    township_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"), index=True)
    party_org_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organizations.id"), unique=True)
    setting: Mapped[str] = mapped_column(String(16))
    formation_mode: Mapped[str | None] = mapped_column(String(40))
    guidance_category: Mapped[str | None] = mapped_column(String(40))
    origin_villages: Mapped[list[str]] = mapped_column(JSON, default=list)
    households: Mapped[int | None] = mapped_column(Integer)
    population: Mapped[int | None] = mapped_column(Integer)


class CommunityBody(Versioned, Base):
    """One term of one of a community's bodies (residents' committee, supervisory committee,
    collective economic organization …), with its people and, when recorded, its election."""

    __tablename__ = "community_bodies"
    __table_args__ = (UniqueConstraint("community_id", "kind", "term_number"), Index("ix_community_bodies_ends_on", "ends_on"))

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    community_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("communities.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    term_number: Mapped[int] = mapped_column(Integer)
    started_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    people: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    elected_on: Mapped[date | None] = mapped_column(Date)
    eligible_voters: Mapped[int | None] = mapped_column(Integer)
    voters_present: Mapped[int | None] = mapped_column(Integer)
    lowest_votes_elected: Mapped[int | None] = mapped_column(Integer)


class ReserveCadre(Versioned, Base):
    __tablename__ = "reserve_cadres"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    community_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("communities.id"), index=True)
    member_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    name: Mapped[str] = mapped_column(String(100))
    birth_date: Mapped[date] = mapped_column(Date)
    education: Mapped[str] = mapped_column(String(32))
    since: Mapped[date] = mapped_column(Date)
    until: Mapped[date | None] = mapped_column(Date)
    # Why the cadre left the pool on `until` (ReserveEndReason) and a note.
    end_reason: Mapped[str | None] = mapped_column(String(16))
    end_note: Mapped[str | None] = mapped_column(Text)


class Term(Versioned, Base):
    __tablename__ = "terms"
    __table_args__ = (UniqueConstraint("org_id", "number"), Index("ix_terms_ends_on", "ends_on"))

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    started_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    elected_on: Mapped[date | None] = mapped_column(Date)
    election_method: Mapped[str | None] = mapped_column(String(40))
    eligible_voters: Mapped[int | None] = mapped_column(Integer)
    voters_present: Mapped[int | None] = mapped_column(Integer)
    lowest_votes_elected: Mapped[int | None] = mapped_column(Integer)


class Position(Versioned, Base):
    """A place in an organization's team (班子) held by a member for a time."""

    __tablename__ = "positions"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"), index=True)
    member_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    role: Mapped[str] = mapped_column(String(32))
    since: Mapped[date] = mapped_column(Date)
    until: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(32))
    concurrent_posts: Mapped[list[str]] = mapped_column(JSON, default=list)


class Unit(Versioned, Base):
    """A community unit (社區單位): an enterprise, school, agency … in a community."""

    __tablename__ = "units"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    community_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("communities.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(32))
    party_org_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organizations.id"))


class CoBuilding(Versioned, Base):
    __tablename__ = "co_building_agreements"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("units.id"), index=True)
    community_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("communities.id"), index=True)
    started_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    content: Mapped[str] = mapped_column(Text)
    # Ended before (or at) its planned end: on which day and why.
    ended_on: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(Text)


class CoBuildingRevision(Base):
    """An agreement as it stood before each amendment or its end (version by version)."""

    __tablename__ = "co_building_revisions"
    __table_args__ = (UniqueConstraint("agreement_id", "version"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    agreement_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("co_building_agreements.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    change: Mapped[str] = mapped_column(String(16))
    before: Mapped[dict[str, Any]] = mapped_column(JSON)
    after: Mapped[dict[str, Any]] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    actor: Mapped[str] = mapped_column(String(200))


class Zone(Versioned, Base):
    """A responsibility zone (責任區) of a party group or a unit's organization."""

    __tablename__ = "zones"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    unit_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("units.id"))
    description: Mapped[str | None] = mapped_column(Text)


class Post(Versioned, Base):
    """A member responsibility post (黨員責任崗) with its duties."""

    __tablename__ = "posts"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"), index=True)
    zone_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("zones.id"))
    name: Mapped[str] = mapped_column(String(200))
    duties: Mapped[str | None] = mapped_column(Text)
    # A closed post is kept with its holders' history; its holdings end on `closed_on`.
    closed_on: Mapped[date | None] = mapped_column(Date)
    close_reason: Mapped[str | None] = mapped_column(Text)


class PostHolder(Base):
    __tablename__ = "post_holders"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    post_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("posts.id"), index=True)
    member_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    since: Mapped[date] = mapped_column(Date)
    until: Mapped[date | None] = mapped_column(Date)


class Cooperative(Versioned, Base):
    """A community's (village) joint-stock economic cooperative (股份經濟合作社) and the party
    organization it has, if any."""

    __tablename__ = "cooperatives"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    community_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("communities.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    party_org_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organizations.id"))


class CommunityWorker(Versioned, Base):
    """A community worker (社區工作者) employed by a community for a time."""

    __tablename__ = "community_workers"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    community_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("communities.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    birth_date: Mapped[date] = mapped_column(Date)
    education: Mapped[str] = mapped_column(String(32))
    pay_band: Mapped[str | None] = mapped_column(String(40))
    since: Mapped[date] = mapped_column(Date)
    until: Mapped[date | None] = mapped_column(Date)


class Venue(Versioned, Base):
    """A community's activity venue (活動場地) with the facilities it is equipped with."""

    __tablename__ = "venues"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    community_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("communities.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    area_m2: Mapped[int | None] = mapped_column(Integer)
    facilities: Mapped[list[str]] = mapped_column(JSON, default=list)
    closed_on: Mapped[date | None] = mapped_column(Date)


class Task(Versioned, Base):
    """A task a higher organization sends down to organizations of its subtree (下發任務)."""

    __tablename__ = "tasks"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    issuer_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    content: Mapped[str] = mapped_column(Text)
    evidence_required: Mapped[list[str]] = mapped_column(JSON, default=list)
    evidence_note: Mapped[str | None] = mapped_column(Text)
    deadline: Mapped[date] = mapped_column(Date)
    issued_on: Mapped[date] = mapped_column(Date)
    issued_by: Mapped[str] = mapped_column(String(200))
    # How the recipients were chosen (TaskRecipients) and with what (a work list, a rule).
    recipients_mode: Mapped[str] = mapped_column(String(32))
    selection: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class TaskAssignment(Versioned, Base):
    """One recipient of a task and where it stands (AssignmentStatus)."""

    __tablename__ = "task_assignments"
    __table_args__ = (UniqueConstraint("task_id", "org_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    task_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tasks.id"), index=True)
    org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    replied_on: Mapped[date | None] = mapped_column(Date)
    accepted_on: Mapped[date | None] = mapped_column(Date)


class TaskReply(Base):
    """A recipient's reply, and the issuer's decision on it (accepted, or returned with a note)."""

    __tablename__ = "task_replies"
    __table_args__ = (UniqueConstraint("assignment_id", "number"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    assignment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("task_assignments.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str | None] = mapped_column(Text)
    activity_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    attachment_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    replied_on: Mapped[date] = mapped_column(Date)
    replied_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    replied_by: Mapped[str] = mapped_column(String(200))
    decision: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(String(200))


class Inspection(Versioned, Base):
    """An inspection (督查) of an organization on a date by named inspectors, in a round."""

    __tablename__ = "inspections"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    inspector_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"), index=True)
    org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"), index=True)
    inspected_on: Mapped[date] = mapped_column(Date)
    round: Mapped[str] = mapped_column(String(200), index=True)
    inspectors: Mapped[list[str]] = mapped_column(JSON, default=list)
    summary: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(200))


class Finding(Base):
    __tablename__ = "inspection_findings"
    __table_args__ = (UniqueConstraint("inspection_id", "number"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    inspection_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("inspections.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)


class Rectification(Versioned, Base):
    """A rectification (整改) demanded of an organization, from a finding or a diagnostic."""

    __tablename__ = "rectifications"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"), index=True)
    issuer_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"), index=True)
    source: Mapped[str] = mapped_column(String(16))
    inspection_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("inspections.id"), index=True)
    finding_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("inspection_findings.id"), unique=True)
    diagnostic_rule: Mapped[str | None] = mapped_column(String(40))
    figures: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    issue: Mapped[str] = mapped_column(Text)
    required_action: Mapped[str | None] = mapped_column(Text)
    evidence_required: Mapped[list[str]] = mapped_column(JSON, default=list)
    deadline: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))


class RectificationLog(Base):
    """One step of a rectification: demanded, reported (with evidence), closed, reopened."""

    __tablename__ = "rectification_steps"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    rectification_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("rectifications.id"), index=True)
    step: Mapped[str] = mapped_column(String(16))
    text: Mapped[str | None] = mapped_column(Text)
    activity_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    attachment_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    on: Mapped[date] = mapped_column(Date)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    actor: Mapped[str] = mapped_column(String(200))


class AssessmentScheme(Versioned, Base):
    """A target-based assessment scheme (目標管理考核方案) of an organization for a period: the
    level of its subtree it scores and the weighted indicators (`[{key, indicator, name, weight}]`)."""

    __tablename__ = "assessment_schemes"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    owner_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    period: Mapped[str] = mapped_column(String(16))
    target_level: Mapped[str] = mapped_column(String(16))
    indicators: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_by: Mapped[str] = mapped_column(String(200))


class AssessmentScore(Versioned, Base):
    """A score given by hand to one target organization on one manual indicator of a scheme."""

    __tablename__ = "assessment_scores"
    __table_args__ = (UniqueConstraint("scheme_id", "indicator_key", "org_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    scheme_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assessment_schemes.id"), index=True)
    indicator_key: Mapped[str] = mapped_column(String(40))
    org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"), index=True)
    score: Mapped[float] = mapped_column(Float)
    note: Mapped[str | None] = mapped_column(Text)
    scored_on: Mapped[date] = mapped_column(Date)
    scored_by: Mapped[str] = mapped_column(String(200))


outbox = outbox_table(Base.metadata)
scheduler = scheduler_tables(Base.metadata)
# Issued documents (督查通報 as PDF): numbers and what the check codes sign (kit.documents).
documents = documents_table(Base.metadata)
document_counters = document_counters_table(Base.metadata)
idempotency_keys = idempotency_table(Base.metadata)


class Election(Versioned, Base):
    """An election of an organization's team: for a new term (換屆) or a by-election (補選) within
    the current one. `seats`: `{role: number}`; `term_id`: the term it created or filled, once it
    took effect."""

    __tablename__ = "elections"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    held_on: Mapped[date] = mapped_column(Date)
    method: Mapped[str] = mapped_column(String(40))
    counting: Mapped[str] = mapped_column(String(16))
    seats: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    eligible_voters: Mapped[int] = mapped_column(Integer)
    voters_present: Mapped[int | None] = mapped_column(Integer)
    ballots_cast: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20))
    term_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("terms.id"))
    approved_by: Mapped[str | None] = mapped_column(String(200))
    approved_on: Mapped[date | None] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(200))


class Candidate(Versioned, Base):
    """A member nominated for a role in an election, vetted (審查), and the votes counted."""

    __tablename__ = "election_candidates"
    __table_args__ = (UniqueConstraint("election_id", "member_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    election_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("elections.id"), index=True)
    member_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    role: Mapped[str] = mapped_column(String(32))
    nominated_by: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16))
    vetting_note: Mapped[str | None] = mapped_column(Text)
    votes: Mapped[int | None] = mapped_column(Integer)
    elected: Mapped[bool] = mapped_column(Boolean, default=False)
