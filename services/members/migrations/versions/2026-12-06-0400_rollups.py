"""roll-ups of member counts: totals per rolled-up subtree, pending deltas, the rolled-up organizations

Revision ID: rollups_0001
Revises: floating_0001
Create Date: 2026-12-06 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "rollups_0001"
down_revision: str | None = "floating_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "member_rollups",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        *[sa.Column(name, sa.String(length=40), nullable=False) for name in ("pair", "setting", "population", "a", "b")],
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("org_id", "pair", "setting", "population", "a", "b", name=op.f("pk_member_rollups")),
        schema="members",
    )
    op.create_table(
        "member_rollup_deltas",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("residence_community_id", sa.Uuid(), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("joined_on", sa.Date(), nullable=False),
        *[
            sa.Column(name, sa.String(length=32), nullable=False)
            for name in ("education", "occupation", "sex", "state", "party_status", "whereabouts")
        ],
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_rollup_deltas")),
        schema="members",
    )
    op.create_table(
        "member_rollup_orgs",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("path", sa.String(length=529).with_variant(sa.String(length=529, collation="C"), "postgresql"), nullable=False),
        sa.PrimaryKeyConstraint("org_id", name=op.f("pk_member_rollup_orgs")),
        schema="members",
    )
    op.create_table(
        "member_rollup_state",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("current", sa.Integer(), nullable=False),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_rollup_state")),
        schema="members",
    )
    op.create_index(
        "ix_members_members_birth_date",
        "members",
        ["birth_date"],
        schema="members",
        postgresql_include=["org_id", "id", "joined_on", "education", "occupation", "sex", "party_status", "state", "whereabouts"],
    )
    op.create_index("ix_members_members_joined_on", "members", ["joined_on"], schema="members")


def downgrade() -> None:
    op.drop_index("ix_members_members_joined_on", table_name="members", schema="members")
    op.drop_index("ix_members_members_birth_date", table_name="members", schema="members")
    for table in ("member_rollup_state", "member_rollup_orgs", "member_rollup_deltas", "member_rollups"):
        op.drop_table(table, schema="members")
