"""Tables of the organizations' setup: the tree, communities and their bodies, teams and terms,
units, co-building, zones and posts, and the communities' small records."""

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from services.kit.tree import key_type, path_type
from services.orgs.enums import OrgStatus
from services.orgs.models.base import Base, Versioned, _now

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
