"""the organizations' path index also holds id and setting (PostgreSQL): a rolled-up subtree's
organizations are read from the index alone

Revision ID: rollups_0002
Revises: rollups_0001
Create Date: 2026-12-06 08:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "rollups_0002"
down_revision: str | None = "rollups_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_members_org_replica_path", table_name="org_replica", schema="members")
    op.create_index(
        "ix_members_org_replica_path", "org_replica", ["path"], schema="members", postgresql_include=["id", "setting"]
    )


def downgrade() -> None:
    op.drop_index("ix_members_org_replica_path", table_name="org_replica", schema="members")
    op.create_index("ix_members_org_replica_path", "org_replica", ["path"], schema="members")
