"""community records: cooperatives, community workers, venues

Revision ID: diag_0001
Revises: elections_0001
Create Date: 2026-12-06 01:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "diag_0001"
down_revision: str | None = "elections_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _versioned() -> list[sa.Column[object]]:
    return [
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


def _community_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["community_id"], ["orgs.communities.id"], name=op.f(f"fk_{table}_community_id_communities"))


def upgrade() -> None:
    op.create_table(
        "cooperatives",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("party_org_id", sa.Uuid(), nullable=True),
        *_versioned(),
        _community_fk("cooperatives"),
        sa.ForeignKeyConstraint(
            ["party_org_id"], ["orgs.organizations.id"], name=op.f("fk_cooperatives_party_org_id_organizations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cooperatives")),
        schema="orgs",
    )
    op.create_table(
        "community_workers",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("education", sa.String(length=32), nullable=False),
        sa.Column("pay_band", sa.String(length=40), nullable=True),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
        *_versioned(),
        _community_fk("community_workers"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_workers")),
        schema="orgs",
    )
    op.create_table(
        "venues",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("area_m2", sa.Integer(), nullable=True),
        sa.Column("facilities", sa.JSON(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        *_versioned(),
        _community_fk("venues"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_venues")),
        schema="orgs",
    )
    for table in ("cooperatives", "community_workers", "venues"):
        with op.batch_alter_table(table, schema="orgs") as batch_op:
            batch_op.create_index(batch_op.f(f"ix_orgs_{table}_community_id"), ["community_id"], unique=False)


def downgrade() -> None:
    for table in ("venues", "community_workers", "cooperatives"):
        with op.batch_alter_table(table, schema="orgs") as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_orgs_{table}_community_id"))
        op.drop_table(table, schema="orgs")
