"""member records history transfers care

Revision ID: 4fcbbafbc6d5
Revises: b4e1d1bf82e8
Create Date: 2026-11-26 22:13:37.213645
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "4fcbbafbc6d5"
down_revision: str | None = "b4e1d1bf82e8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The foundation's placeholder rows (a name and an org, no ID number) cannot become records.
    op.execute("DELETE FROM members.members")
    op.create_table(
        "care_enrolments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("program", sa.String(length=32), nullable=False),
        sa.Column("grounds", sa.JSON(), nullable=False),
        sa.Column("services", sa.JSON(), nullable=False),
        sa.Column("partner", sa.String(length=200), nullable=True),
        sa.Column("target_level", sa.String(length=32), nullable=True),
        sa.Column("school", sa.String(length=200), nullable=True),
        sa.Column("enrolled_on", sa.Date(), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_enrolments")),
        schema="members",
    )
    with op.batch_alter_table("care_enrolments", schema="members") as batch_op:
        batch_op.create_index(batch_op.f("ix_members_care_enrolments_member_id"), ["member_id"], unique=False)

    op.create_table(
        "duty_reports",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("reported_on", sa.Date(), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("content", sa.String(length=4000), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duty_reports")),
        schema="members",
    )
    with op.batch_alter_table("duty_reports", schema="members") as batch_op:
        batch_op.create_index(batch_op.f("ix_members_duty_reports_member_id"), ["member_id"], unique=False)

    op.create_table(
        "member_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_events")),
        schema="members",
    )
    with op.batch_alter_table("member_events", schema="members") as batch_op:
        batch_op.create_index("ix_members_member_events_member_seq", ["member_id", "seq"], unique=True)

    op.create_table(
        "transfers",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("from_org_id", sa.Uuid(), nullable=True),
        sa.Column("to_org_id", sa.Uuid(), nullable=True),
        sa.Column("external_org", sa.String(length=200), nullable=True),
        sa.Column("across_provinces", sa.Boolean(), nullable=False),
        sa.Column("letter_number", sa.String(length=64), nullable=True),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("requested_on", sa.Date(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transfers")),
        schema="members",
    )
    with op.batch_alter_table("transfers", schema="members") as batch_op:
        batch_op.create_index(batch_op.f("ix_members_transfers_member_id"), ["member_id"], unique=False)

    with op.batch_alter_table("members", schema="members") as batch_op:
        batch_op.add_column(sa.Column("sex", sa.String(length=8), nullable=False))
        batch_op.add_column(sa.Column("ethnicity", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("id_number_cipher", sa.LargeBinary(), nullable=False))
        batch_op.add_column(sa.Column("id_number_index", sa.String(length=64), nullable=False))
        batch_op.add_column(sa.Column("phone_cipher", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("phone_index", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("birth_date", sa.Date(), nullable=False))
        batch_op.add_column(sa.Column("education", sa.String(length=32), nullable=False))
        batch_op.add_column(sa.Column("occupation", sa.String(length=32), nullable=False))
        batch_op.add_column(sa.Column("party_status", sa.String(length=16), nullable=False))
        batch_op.add_column(sa.Column("joined_on", sa.Date(), nullable=False))
        batch_op.add_column(sa.Column("full_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("state", sa.String(length=24), nullable=False))
        batch_op.add_column(sa.Column("state_since", sa.Date(), nullable=False))
        batch_op.add_column(sa.Column("residence_community_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("whereabouts", sa.String(length=24), nullable=False))
        batch_op.add_column(sa.Column("whereabouts_since", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("whereabouts_details", sa.JSON(), nullable=False))
        batch_op.add_column(sa.Column("care_programs", sa.JSON(), nullable=False))
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False))
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False))
        batch_op.create_index("ix_members_members_phone_index", ["phone_index"], unique=False)
        batch_op.create_index("ix_members_members_residence_community_id", ["residence_community_id"], unique=False)
        batch_op.create_index(
            "uq_members_open_id_number",
            ["id_number_index"],
            unique=True,
            postgresql_where=sa.text("state NOT IN ('left', 'deceased', 'transferred_out')"),
            sqlite_where=sa.text("state NOT IN ('left', 'deceased', 'transferred_out')"),
        )

    with op.batch_alter_table("org_replica", schema="members") as batch_op:
        batch_op.add_column(sa.Column("setting", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("merged_into_id", sa.Uuid(), nullable=True))

    # ### end Alembic commands ###


def downgrade() -> None:
    # ### commands auto generated by Alembic - please adjust! ###
    with op.batch_alter_table("org_replica", schema="members") as batch_op:
        batch_op.drop_column("merged_into_id")
        batch_op.drop_column("setting")

    with op.batch_alter_table("members", schema="members") as batch_op:
        batch_op.drop_index(
            "uq_members_open_id_number",
            postgresql_where=sa.text("state NOT IN ('left', 'deceased', 'transferred_out')"),
            sqlite_where=sa.text("state NOT IN ('left', 'deceased', 'transferred_out')"),
        )
        batch_op.drop_index("ix_members_members_residence_community_id")
        batch_op.drop_index("ix_members_members_phone_index")
        batch_op.drop_column("updated_at")
        batch_op.drop_column("version")
        batch_op.drop_column("care_programs")
        batch_op.drop_column("whereabouts_details")
        batch_op.drop_column("whereabouts_since")
        batch_op.drop_column("whereabouts")
        batch_op.drop_column("residence_community_id")
        batch_op.drop_column("state_since")
        batch_op.drop_column("state")
        batch_op.drop_column("full_on")
        batch_op.drop_column("joined_on")
        batch_op.drop_column("party_status")
        batch_op.drop_column("occupation")
        batch_op.drop_column("education")
        batch_op.drop_column("birth_date")
        batch_op.drop_column("phone_index")
        batch_op.drop_column("phone_cipher")
        batch_op.drop_column("id_number_index")
        batch_op.drop_column("id_number_cipher")
        batch_op.drop_column("ethnicity")
        batch_op.drop_column("sex")

    with op.batch_alter_table("transfers", schema="members") as batch_op:
        batch_op.drop_index(batch_op.f("ix_members_transfers_member_id"))

    op.drop_table("transfers", schema="members")
    with op.batch_alter_table("member_events", schema="members") as batch_op:
        batch_op.drop_index("ix_members_member_events_member_seq")

    op.drop_table("member_events", schema="members")
    with op.batch_alter_table("duty_reports", schema="members") as batch_op:
        batch_op.drop_index(batch_op.f("ix_members_duty_reports_member_id"))

    op.drop_table("duty_reports", schema="members")
    with op.batch_alter_table("care_enrolments", schema="members") as batch_op:
        batch_op.drop_index(batch_op.f("ix_members_care_enrolments_member_id"))

    op.drop_table("care_enrolments", schema="members")
    # ### end Alembic commands ###
