"""elections and their candidates

Revision ID: elections_0001
Revises: docs_0001
Create Date: 2026-12-06 01:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "elections_0001"
down_revision: str | None = "docs_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "elections",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("method", sa.String(length=40), nullable=False),
        sa.Column("counting", sa.String(length=16), nullable=False),
        sa.Column("seats", sa.JSON(), nullable=False),
        sa.Column("eligible_voters", sa.Integer(), nullable=False),
        sa.Column("voters_present", sa.Integer(), nullable=True),
        sa.Column("ballots_cast", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("term_id", sa.Uuid(), nullable=True),
        sa.Column("approved_by", sa.String(length=200), nullable=True),
        sa.Column("approved_on", sa.Date(), nullable=True),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["orgs.organizations.id"], name=op.f("fk_elections_org_id_organizations")),
        sa.ForeignKeyConstraint(["term_id"], ["orgs.terms.id"], name=op.f("fk_elections_term_id_terms")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_elections")),
        schema="orgs",
    )
    with op.batch_alter_table("elections", schema="orgs") as batch_op:
        batch_op.create_index(batch_op.f("ix_orgs_elections_org_id"), ["org_id"], unique=False)

    op.create_table(
        "election_candidates",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("election_id", sa.Uuid(), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("nominated_by", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("vetting_note", sa.Text(), nullable=True),
        sa.Column("votes", sa.Integer(), nullable=True),
        sa.Column("elected", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["election_id"], ["orgs.elections.id"], name=op.f("fk_election_candidates_election_id_elections")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_election_candidates")),
        sa.UniqueConstraint("election_id", "member_id", name=op.f("uq_election_candidates_election_id")),
        schema="orgs",
    )
    with op.batch_alter_table("election_candidates", schema="orgs") as batch_op:
        batch_op.create_index(batch_op.f("ix_orgs_election_candidates_election_id"), ["election_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("election_candidates", schema="orgs") as batch_op:
        batch_op.drop_index(batch_op.f("ix_orgs_election_candidates_election_id"))
    op.drop_table("election_candidates", schema="orgs")
    with op.batch_alter_table("elections", schema="orgs") as batch_op:
        batch_op.drop_index(batch_op.f("ix_orgs_elections_org_id"))
    op.drop_table("elections", schema="orgs")
