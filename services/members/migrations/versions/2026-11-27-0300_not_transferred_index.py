"""a partial index for the survey's not-transferred count

Revision ID: 9d3c1f0a5b27
Revises: 2193164f90d6
Create Date: 2026-11-27 03:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9d3c1f0a5b27"
down_revision: str | None = "2193164f90d6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NOT_TRANSFERRED = sa.text("whereabouts = 'not_transferred'")


def upgrade() -> None:
    with op.batch_alter_table("members", schema="members") as batch_op:
        batch_op.create_index(
            "ix_members_members_not_transferred",
            ["residence_community_id", "org_id"],
            unique=False,
            postgresql_include=["joined_on", "state"],
            postgresql_where=_NOT_TRANSFERRED,
            sqlite_where=_NOT_TRANSFERRED,
        )


def downgrade() -> None:
    with op.batch_alter_table("members", schema="members") as batch_op:
        batch_op.drop_index("ix_members_members_not_transferred")
