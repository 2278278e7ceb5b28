"""documents registry

Revision ID: docs_0001
Revises: 7d41c0a9e2b5
Create Date: 2026-12-06 01:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "docs_0001"
down_revision: str | None = "7d41c0a9e2b5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "documents",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=True),
        sa.Column("org_name", sa.String(length=200), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("issued_by", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
        sa.UniqueConstraint("kind", "subject", "issued_on", name=op.f("uq_documents_kind")),
        sa.UniqueConstraint("number", name=op.f("uq_documents_number")),
        schema="gateway",
    )
    op.create_table(
        "document_counters",
        sa.Column("prefix", sa.String(length=8), nullable=False),
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("prefix", "year", name=op.f("pk_document_counters")),
        schema="gateway",
    )


def downgrade() -> None:
    op.drop_table("document_counters", schema="gateway")
    op.drop_table("documents", schema="gateway")
