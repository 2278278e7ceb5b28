"""commendations and disciplinary measures on the record

Revision ID: elections_0002
Revises: docs_0001
Create Date: 2026-12-06 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "elections_0002"
down_revision: str | None = "docs_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "member_commendations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=True),
        sa.Column("awarded_on", sa.Date(), nullable=False),
        sa.Column("awarded_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_commendations")),
        schema="members",
    )
    with op.batch_alter_table("member_commendations", schema="members") as batch_op:
        batch_op.create_index(batch_op.f("ix_members_member_commendations_member_id"), ["member_id"], unique=False)
    op.create_table(
        "member_discipline",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("measure", sa.String(length=32), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.String(length=2000), nullable=True),
        sa.Column("probation_years", sa.Integer(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_discipline")),
        schema="members",
    )
    with op.batch_alter_table("member_discipline", schema="members") as batch_op:
        batch_op.create_index(batch_op.f("ix_members_member_discipline_member_id"), ["member_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("member_discipline", schema="members") as batch_op:
        batch_op.drop_index(batch_op.f("ix_members_member_discipline_member_id"))
    op.drop_table("member_discipline", schema="members")
    with op.batch_alter_table("member_commendations", schema="members") as batch_op:
        batch_op.drop_index(batch_op.f("ix_members_member_commendations_member_id"))
    op.drop_table("member_commendations", schema="members")
