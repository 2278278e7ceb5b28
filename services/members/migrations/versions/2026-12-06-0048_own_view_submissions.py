"""A member's own view: change requests, floating reports, link codes; the member's address

Revision ID: me_0001
Revises: 3c8e2d4f6a10
Create Date: 2026-12-06 00:48:29.386974
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "me_0001"
down_revision: str | None = "3c8e2d4f6a10"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "change_requests",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("phone_cipher", sa.LargeBinary(), nullable=True),
        sa.Column("address", sa.String(length=300), nullable=True),
        sa.Column("education", sa.String(length=32), nullable=True),
        sa.Column("evidence_note", sa.String(length=1000), nullable=True),
        sa.Column("evidence_filename", sa.String(length=200), nullable=True),
        sa.Column("evidence_media_type", sa.String(length=100), nullable=True),
        sa.Column("evidence", sa.LargeBinary(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("requested_by", sa.String(length=100), nullable=False),
        sa.Column("requested_on", sa.Date(), nullable=False),
        sa.Column("reviewed_by", sa.String(length=100), nullable=True),
        sa.Column("reviewed_on", sa.Date(), nullable=True),
        sa.Column("review_note", sa.String(length=500), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_requests")),
        schema="members",
    )
    with op.batch_alter_table("change_requests", schema="members") as batch_op:
        batch_op.create_index("ix_members_change_requests_member_status", ["member_id", "status"], unique=False)
        batch_op.create_index(batch_op.f("ix_members_change_requests_org_id"), ["org_id"], unique=False)

    op.create_table(
        "floating_reports",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("reported_on", sa.Date(), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("work", sa.String(length=500), nullable=False),
        sa.Column("organizational_life", sa.String(length=1000), nullable=True),
        sa.Column("reported_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_floating_reports")),
        schema="members",
    )
    with op.batch_alter_table("floating_reports", schema="members") as batch_op:
        batch_op.create_index("ix_members_floating_reports_member_reported_on", ["member_id", "reported_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_members_floating_reports_org_id"), ["org_id"], unique=False)

    op.create_table(
        "link_codes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("code_index", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("issued_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link_codes")),
        schema="members",
    )
    with op.batch_alter_table("link_codes", schema="members") as batch_op:
        batch_op.create_index("ix_members_link_codes_member_id", ["member_id"], unique=False)

    with op.batch_alter_table("members", schema="members") as batch_op:
        batch_op.add_column(sa.Column("address", sa.String(length=300), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table("members", schema="members") as batch_op:
        batch_op.drop_column("address")

    with op.batch_alter_table("link_codes", schema="members") as batch_op:
        batch_op.drop_index("ix_members_link_codes_member_id")

    op.drop_table("link_codes", schema="members")
    with op.batch_alter_table("floating_reports", schema="members") as batch_op:
        batch_op.drop_index(batch_op.f("ix_members_floating_reports_org_id"))
        batch_op.drop_index("ix_members_floating_reports_member_reported_on")

    op.drop_table("floating_reports", schema="members")
    with op.batch_alter_table("change_requests", schema="members") as batch_op:
        batch_op.drop_index(batch_op.f("ix_members_change_requests_org_id"))
        batch_op.drop_index("ix_members_change_requests_member_status")

    op.drop_table("change_requests", schema="members")
