"""notice contacts carry a version (their ETag): the contact PUT takes If-Match

Revision ID: integrate_0001
Revises: notify_0001
Create Date: 2026-12-06 02:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "integrate_0001"
down_revision: str | None = "notify_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("notice_contacts", schema="gateway") as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("notice_contacts", schema="gateway") as batch_op:
        batch_op.drop_column("version")
