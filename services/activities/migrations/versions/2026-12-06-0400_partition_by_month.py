"""activities and attendance partitioned by month, the outbox by sequence (PostgreSQL)

The day an activity starts on becomes required (it is the partition key; every write already
set it): the rows written before it existed get it from their start time in the policy's
default zone, attendance rows from their activity. On PostgreSQL the three tables are rebuilt
as partitioned tables (`services.kit.partitions`, rows copied and counted); SQLite keeps plain
tables.

Revision ID: partition_0001
Revises: elections_0003
Create Date: 2026-12-06 04:00:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from services.kit.partitions import Partitioning, partition_table, unpartition_table

revision: str = "partition_0001"
down_revision: str | None = "elections_0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "activities"
ACTIVITIES = Partitioning("activities", "starts_on", "month", ahead=12)
ATTENDANCE = Partitioning("attendance", "starts_on", "month", ahead=12)
OUTBOX = Partitioning("outbox", "seq", "seq", ahead=1)


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute(
            "UPDATE activities.activities SET starts_on = (starts_at AT TIME ZONE 'Asia/Shanghai')::date WHERE starts_on IS NULL"
        )
    else:
        op.execute("UPDATE activities.activities SET starts_on = date(starts_at, '+8 hours') WHERE starts_on IS NULL")
    op.execute(
        "UPDATE activities.attendance SET starts_on = (SELECT a.starts_on FROM activities.activities a "
        "WHERE a.id = attendance.activity_id) WHERE starts_on IS NULL"
    )
    # An attendance row of an activity that no longer exists has no day to be filed under: it
    # takes the day it was recorded (nothing reads it without its activity).
    if postgres:
        op.execute("UPDATE activities.attendance SET starts_on = recorded_at::date WHERE starts_on IS NULL")
    else:
        op.execute("UPDATE activities.attendance SET starts_on = date(recorded_at) WHERE starts_on IS NULL")
    for table in ("activities", "attendance"):
        with op.batch_alter_table(table, schema=SCHEMA) as batch_op:
            batch_op.alter_column("starts_on", existing_type=sa.Date(), nullable=False)
    if not postgres:
        return
    connection = op.get_bind()
    today = datetime.now(UTC).date()
    partition_table(connection, SCHEMA, ACTIVITIES, primary_key=["id", "starts_on"], today=today)
    partition_table(connection, SCHEMA, ATTENDANCE, primary_key=["activity_id", "member_id", "starts_on"], today=today)
    partition_table(
        connection, SCHEMA, OUTBOX, primary_key=["seq"], unique={"uq_outbox_event_id": ["event_id", "seq"]}, today=today
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        connection = op.get_bind()
        unpartition_table(connection, SCHEMA, "outbox", primary_key=["seq"], unique={"uq_outbox_event_id": ["event_id"]})
        unpartition_table(connection, SCHEMA, "attendance", primary_key=["activity_id", "member_id"])
        unpartition_table(connection, SCHEMA, "activities", primary_key=["id"])
    for table in ("attendance", "activities"):
        with op.batch_alter_table(table, schema=SCHEMA) as batch_op:
            batch_op.alter_column("starts_on", existing_type=sa.Date(), nullable=True)
