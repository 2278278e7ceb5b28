"""the outbox partitioned by blocks of sequence numbers (PostgreSQL; SQLite keeps a plain table)

Rebuilt by `services.kit.partitions` with every row copied and counted. Its `event_id` stays
unique together with `seq` (a unique constraint on a partitioned table must hold its key).

Revision ID: partition_0001
Revises: diag_0001
Create Date: 2026-12-06 04:00:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

from alembic import op

from services.kit.partitions import OUTBOX, partition_table, unpartition_table

revision: str = "partition_0001"
down_revision: str | None = "diag_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "orgs"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    today = datetime.now(UTC).date()
    unique = {"uq_outbox_event_id": ["event_id", "seq"]}
    partition_table(op.get_bind(), SCHEMA, OUTBOX, primary_key=["seq"], unique=unique, today=today)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    unpartition_table(op.get_bind(), SCHEMA, "outbox", primary_key=["seq"], unique={"uq_outbox_event_id": ["event_id"]})
