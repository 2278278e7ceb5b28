"""the audit trail partitioned by month, the outbox by blocks of sequence numbers (PostgreSQL)

Both rebuilt by `services.kit.partitions`, every row copied and counted; SQLite keeps plain
tables. The audit trail's primary key becomes (id, at) — a partitioned table's keys must hold
its partition key; ids stay consecutive, taken under the chain lock — and its append-only
triggers and revoked rights are put back on the rebuilt table (row triggers on a partitioned
table are cloned onto every partition, present and future).

Revision ID: partition_0001
Revises: integrate_0001
Create Date: 2026-12-06 04:00:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

from alembic import op

from services.kit.partitions import OUTBOX, Partitioning, partition_table, unpartition_table

revision: str = "partition_0001"
down_revision: str | None = "integrate_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "gateway"
AUDIT = Partitioning("audit_events", "at", "month", ahead=3, timestamp=True)


def _append_only() -> None:
    op.execute(
        "CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON gateway.audit_events "
        "FOR EACH ROW EXECUTE FUNCTION gateway.audit_events_append_only()"
    )
    op.execute(
        "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON gateway.audit_events "
        "FOR EACH STATEMENT EXECUTE FUNCTION gateway.audit_events_append_only()"
    )
    op.execute("REVOKE UPDATE, DELETE, TRUNCATE ON gateway.audit_events FROM CURRENT_USER")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    connection = op.get_bind()
    today = datetime.now(UTC).date()
    unique = {"uq_outbox_event_id": ["event_id", "seq"]}
    partition_table(connection, SCHEMA, OUTBOX, primary_key=["seq"], unique=unique, today=today)
    partition_table(connection, SCHEMA, AUDIT, primary_key=["id", "at"], today=today)
    _append_only()


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    connection = op.get_bind()
    unpartition_table(connection, SCHEMA, "audit_events", primary_key=["id"])
    _append_only()
    unpartition_table(connection, SCHEMA, "outbox", primary_key=["seq"], unique={"uq_outbox_event_id": ["event_id"]})
