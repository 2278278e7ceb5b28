"""notices: inbox, contact addresses, deliveries and attempts

Revision ID: notify_0001
Revises: docs_0001
Create Date: 2026-12-06 01:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "notify_0001"
down_revision: str | None = "docs_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "notice_contacts",
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.Column("phone", sa.LargeBinary(), nullable=True),
        sa.Column("wechat_openid", sa.LargeBinary(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["gateway.accounts.id"], name=op.f("fk_notice_contacts_account_id_accounts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_notice_contacts")),
        schema="gateway",
    )
    op.create_table(
        "notices",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=False),
        sa.Column("item_id", sa.String(length=100), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.String(length=1000), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["gateway.accounts.id"], name=op.f("fk_notices_account_id_accounts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notices")),
        sa.UniqueConstraint("account_id", "dedupe_key", name=op.f("uq_notices_account_id")),
        schema="gateway",
    )
    with op.batch_alter_table("notices", schema="gateway") as batch_op:
        batch_op.create_index("ix_notices_account_id_created_at", ["account_id", "created_at"], unique=False)
    op.create_table(
        "notice_deliveries",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("notice_id", sa.Uuid(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("first_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["notice_id"], ["gateway.notices.id"], name=op.f("fk_notice_deliveries_notice_id_notices"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_deliveries")),
        schema="gateway",
    )
    with op.batch_alter_table("notice_deliveries", schema="gateway") as batch_op:
        batch_op.create_index("ix_notice_deliveries_status_next_attempt_at", ["status", "next_attempt_at"], unique=False)
        batch_op.create_index("ix_notice_deliveries_notice_id", ["notice_id"], unique=False)
    op.create_table(
        "notice_attempts",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("delivery_id", sa.BigInteger(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("error", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["gateway.notice_deliveries.id"],
            name=op.f("fk_notice_attempts_delivery_id_notice_deliveries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_attempts")),
        schema="gateway",
    )
    with op.batch_alter_table("notice_attempts", schema="gateway") as batch_op:
        batch_op.create_index("ix_notice_attempts_delivery_id", ["delivery_id"], unique=False)


def downgrade() -> None:
    op.drop_table("notice_attempts", schema="gateway")
    op.drop_table("notice_deliveries", schema="gateway")
    op.drop_table("notices", schema="gateway")
    op.drop_table("notice_contacts", schema="gateway")
