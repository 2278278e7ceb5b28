"""org replica code

Revision ID: 3c8e2d4f6a10
Revises: 3b8e6d2f4a10
Create Date: 2026-12-05 23:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3c8e2d4f6a10"
down_revision: str | None = "3b8e6d2f4a10"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("org_replica", schema="members") as batch_op:
        batch_op.add_column(sa.Column("code", sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f("ix_members_org_replica_code"), ["code"], unique=False)
    # The codes held so far were not kept: read the orgs feed again from its start, and let every
    # snapshot apply again (version 0 is older than any), so each row gets its code. Applying the
    # tree's events again moves nothing: the newest snapshot of each node wins in the end.
    op.execute(sa.text("UPDATE members.org_replica SET version = 0"))
    op.execute(sa.text("DELETE FROM members.consumer_cursors WHERE source = 'orgs'"))


def downgrade() -> None:
    with op.batch_alter_table("org_replica", schema="members") as batch_op:
        batch_op.drop_index(batch_op.f("ix_members_org_replica_code"))
        batch_op.drop_column("code")
