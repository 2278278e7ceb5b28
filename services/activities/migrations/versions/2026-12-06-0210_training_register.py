"""the training register: courses and their attendees

Revision ID: elections_0003
Revises: harden_0001
Create Date: 2026-12-06 02:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "elections_0003"
down_revision: str | None = "harden_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "training_courses",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("organizer", sa.String(length=200), nullable=True),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=False),
        sa.Column("hours", sa.Numeric(precision=6, scale=2), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_courses")),
        schema="activities",
    )
    with op.batch_alter_table("training_courses", schema="activities") as batch_op:
        batch_op.create_index(batch_op.f("ix_activities_training_courses_org_id"), ["org_id"], unique=False)
    op.create_table(
        "training_attendees",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("course_id", sa.Uuid(), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("hours", sa.Numeric(precision=6, scale=2), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_attendees")),
        sa.UniqueConstraint("course_id", "member_id", name=op.f("uq_training_attendees_course_id")),
        schema="activities",
    )
    with op.batch_alter_table("training_attendees", schema="activities") as batch_op:
        batch_op.create_index(batch_op.f("ix_activities_training_attendees_course_id"), ["course_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_activities_training_attendees_member_id"), ["member_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("training_attendees", schema="activities") as batch_op:
        batch_op.drop_index(batch_op.f("ix_activities_training_attendees_member_id"))
        batch_op.drop_index(batch_op.f("ix_activities_training_attendees_course_id"))
    op.drop_table("training_attendees", schema="activities")
    with op.batch_alter_table("training_courses", schema="activities") as batch_op:
        batch_op.drop_index(batch_op.f("ix_activities_training_courses_org_id"))
    op.drop_table("training_courses", schema="activities")
