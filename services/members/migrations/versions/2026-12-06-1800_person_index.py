"""the person index: one row per person with an open record (the keyed hash of the ID number →
the record and its county), the guarantee of one open record per person that a Citus cluster
can keep when the records are distributed by county (docs/scaling.md)

Revision ID: persons_0001
Revises: counties_0001
Create Date: 2026-12-06 18:00:00

Filled from the open records of a filled database. The open-record unique index on the records
stays: on one server it says the same, and `python -m stack citus-distribute` drops it where
Citus cannot keep it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "persons_0001"
down_revision: str | None = "counties_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CLOSED = "('left', 'deceased', 'transferred_out')"  # rules/records.py CLOSED_STATES, as of this revision


def upgrade() -> None:
    op.create_table(
        "person_index",
        sa.Column("id_number_index", sa.String(length=64), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("county_id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id_number_index", name=op.f("pk_person_index")),
        schema="members",
    )
    op.execute(
        sa.text(
            "INSERT INTO members.person_index (id_number_index, member_id, county_id) "
            f"SELECT id_number_index, id, county_id FROM members.members WHERE state NOT IN {_CLOSED}"
        )
    )


def downgrade() -> None:
    op.drop_table("person_index", schema="members")
