"""Tables of the orgs schema: the setup of organizations (models.setup), the working loop
(models.loop), and the kit's tables (outbox, scheduler, documents, idempotency keys)."""

from services.kit.documents import document_counters_table, documents_table
from services.kit.idempotency import idempotency_table
from services.kit.outbox import outbox_table
from services.kit.scheduler import scheduler_tables
from services.orgs.models.base import Base, Versioned
from services.orgs.models.loop import (
    AssessmentScheme,
    AssessmentScore,
    Candidate,
    Election,
    Finding,
    Inspection,
    Rectification,
    RectificationLog,
    Task,
    TaskAssignment,
    TaskReply,
)
from services.orgs.models.setup import (
    LISTING_COLUMNS,
    CoBuilding,
    CoBuildingRevision,
    Community,
    CommunityBody,
    CommunityWorker,
    Cooperative,
    Organization,
    OrgHistory,
    Position,
    Post,
    PostHolder,
    ReserveCadre,
    Term,
    Unit,
    Venue,
    Zone,
)

outbox = outbox_table(Base.metadata)
scheduler = scheduler_tables(Base.metadata)
# Issued documents (督查通報 as PDF): numbers and what the check codes sign (kit.documents).
documents = documents_table(Base.metadata)
document_counters = document_counters_table(Base.metadata)
idempotency_keys = idempotency_table(Base.metadata)

__all__ = [
    "LISTING_COLUMNS",
    "AssessmentScheme",
    "AssessmentScore",
    "Base",
    "Candidate",
    "CoBuilding",
    "CoBuildingRevision",
    "Community",
    "CommunityBody",
    "CommunityWorker",
    "Cooperative",
    "Election",
    "Finding",
    "Inspection",
    "OrgHistory",
    "Organization",
    "Position",
    "Post",
    "PostHolder",
    "Rectification",
    "RectificationLog",
    "ReserveCadre",
    "Task",
    "TaskAssignment",
    "TaskReply",
    "Term",
    "Unit",
    "Venue",
    "Versioned",
    "Zone",
    "document_counters",
    "documents",
    "idempotency_keys",
    "outbox",
    "scheduler",
]
