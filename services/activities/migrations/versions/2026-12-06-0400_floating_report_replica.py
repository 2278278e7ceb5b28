"""floating members' reports as the members service announces them

Revision ID: floating_0001
Revises: partition_0001
Create Date: 2026-12-06 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "floating_0001"
down_revision: str | None = "partition_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "floating_report_replica",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("reported_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_floating_report_replica")),
        schema="activities",
    )
    with op.batch_alter_table("floating_report_replica", schema="activities") as batch_op:
        batch_op.create_index("ix_floating_report_replica_member_id_reported_on", ["member_id", "reported_on"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("floating_report_replica", schema="activities") as batch_op:
        batch_op.drop_index("ix_floating_report_replica_member_id_reported_on")
    op.drop_table("floating_report_replica", schema="activities")
