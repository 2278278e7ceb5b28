"""assessment schemes and manual scores

Revision ID: assess_0001
Revises: d49b3e77a958
Create Date: 2026-12-06 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "assess_0001"
down_revision: str | None = "d49b3e77a958"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "assessment_schemes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("owner_org_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("target_level", sa.String(length=16), nullable=False),
        sa.Column("indicators", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_org_id"], ["orgs.organizations.id"], name=op.f("fk_assessment_schemes_owner_org_id_organizations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_schemes")),
        schema="orgs",
    )
    with op.batch_alter_table("assessment_schemes", schema="orgs") as batch_op:
        batch_op.create_index(batch_op.f("ix_orgs_assessment_schemes_owner_org_id"), ["owner_org_id"], unique=False)

    op.create_table(
        "assessment_scores",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("scheme_id", sa.Uuid(), nullable=False),
        sa.Column("indicator_key", sa.String(length=40), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("scored_on", sa.Date(), nullable=False),
        sa.Column("scored_by", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["scheme_id"], ["orgs.assessment_schemes.id"], name=op.f("fk_assessment_scores_scheme_id_assessment_schemes")
        ),
        sa.ForeignKeyConstraint(["org_id"], ["orgs.organizations.id"], name=op.f("fk_assessment_scores_org_id_organizations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_scores")),
        sa.UniqueConstraint("scheme_id", "indicator_key", "org_id", name=op.f("uq_assessment_scores_scheme_id")),
        schema="orgs",
    )
    with op.batch_alter_table("assessment_scores", schema="orgs") as batch_op:
        batch_op.create_index(batch_op.f("ix_orgs_assessment_scores_org_id"), ["org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_orgs_assessment_scores_scheme_id"), ["scheme_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("assessment_scores", schema="orgs") as batch_op:
        batch_op.drop_index(batch_op.f("ix_orgs_assessment_scores_scheme_id"))
        batch_op.drop_index(batch_op.f("ix_orgs_assessment_scores_org_id"))
    op.drop_table("assessment_scores", schema="orgs")
    with op.batch_alter_table("assessment_schemes", schema="orgs") as batch_op:
        batch_op.drop_index(batch_op.f("ix_orgs_assessment_schemes_owner_org_id"))
    op.drop_table("assessment_schemes", schema="orgs")
