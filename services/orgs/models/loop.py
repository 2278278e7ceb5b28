"""Tables of the district's working loop: tasks sent down, inspections and rectifications,
assessments, and elections."""

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from services.orgs.models.base import Base, Versioned, _now


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
