"""outbox for token revocations

Revision ID: 7d41c0a9e2b5
Revises: b33cc09dd89b
Create Date: 2026-12-01 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7d41c0a9e2b5"
down_revision: str | None = "b33cc09dd89b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The gateway's own feed (`GET /internal/events`): revocations of access tokens for the services.
    op.create_table(
        "outbox",
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("txid", sa.BigInteger(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("type", sa.String(length=100), nullable=False),
        sa.Column("aggregate_id", sa.Uuid(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_outbox")),
        sa.UniqueConstraint("event_id", name=op.f("uq_outbox_event_id")),
        schema="gateway",
    )
    with op.batch_alter_table("outbox", schema="gateway") as batch_op:
        batch_op.create_index("ix_outbox_txid_seq", ["txid", "seq"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema="gateway") as batch_op:
        batch_op.drop_index("ix_outbox_txid_seq")
    op.drop_table("outbox", schema="gateway")
