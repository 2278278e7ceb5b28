"""id number search index

Revision ID: 5e1f0c7a9b21
Revises: 71c597db2dce
Create Date: 2026-11-27 03:20:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "5e1f0c7a9b21"
down_revision: str | None = "71c597db2dce"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Search by ID number (open and closed records): the partial unique index cannot serve it.
    with op.batch_alter_table("members", schema="members") as batch_op:
        batch_op.create_index("ix_members_members_id_number_index", ["id_number_index"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("members", schema="members") as batch_op:
        batch_op.drop_index("ix_members_members_id_number_index")
