"""Tables of the members schema: records and their history with the org replica (models.records),
the work on records (models.work), the roll-ups (models.rollups), and the kit's tables (outbox,
scheduler, documents, idempotency keys, feed cursors)."""

from services.kit.consumer import cursor_table
from services.kit.documents import document_counters_table, documents_table
from services.kit.idempotency import idempotency_table
from services.kit.outbox import outbox_table
from services.kit.scheduler import scheduler_tables
from services.members.models.base import Base
from services.members.models.records import Member, MemberEventRow, PersonIndex, org_replica, position_replica
from services.members.models.rollups import member_rollup_deltas, member_rollup_orgs, member_rollup_state, member_rollups
from services.members.models.work import (
    Application,
    CareEnrolment,
    ChangeRequest,
    Commendation,
    Discipline,
    DuesMonth,
    DutyReport,
    FloatingReport,
    LinkCode,
    RecruitmentStep,
    Transfer,
)

outbox = outbox_table(Base.metadata)
scheduler = scheduler_tables(Base.metadata)
# Issued documents (介紹信, 黨員證明, 發展檔案): numbers and what the check codes sign (kit.documents).
documents = documents_table(Base.metadata)
document_counters = document_counters_table(Base.metadata)
idempotency_keys = idempotency_table(Base.metadata)
consumer_cursors = cursor_table(Base.metadata)

__all__ = [
    "Application",
    "Base",
    "CareEnrolment",
    "ChangeRequest",
    "Commendation",
    "Discipline",
    "DuesMonth",
    "DutyReport",
    "FloatingReport",
    "LinkCode",
    "Member",
    "MemberEventRow",
    "PersonIndex",
    "RecruitmentStep",
    "Transfer",
    "consumer_cursors",
    "document_counters",
    "documents",
    "idempotency_keys",
    "member_rollup_deltas",
    "member_rollup_orgs",
    "member_rollup_state",
    "member_rollups",
    "org_replica",
    "outbox",
    "position_replica",
    "scheduler",
]
