"""indexes for the as-of reading: events by effective date, the member id in the covering indexes

Revision ID: 3b8e6d2f4a10
Revises: 5e1f0c7a9b21
Create Date: 2026-12-05 23:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3b8e6d2f4a10"
down_revision: str | None = "5e1f0c7a9b21"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NOT_TRANSFERRED = sa.text("whereabouts = 'not_transferred'")
_COVERED = ["birth_date", "joined_on", "education", "occupation", "party_status", "state", "whereabouts", "sex"]


def _member_indexes(with_id: bool) -> None:
    extra = ["id"] if with_id else []
    with op.batch_alter_table("members", schema="members") as batch_op:
        batch_op.drop_index("ix_members_members_org_id_covering")
        batch_op.drop_index("ix_members_members_not_transferred")
        batch_op.create_index(
            "ix_members_members_org_id_covering", ["org_id"], unique=False, postgresql_include=extra + _COVERED
        )
        batch_op.create_index(
            "ix_members_members_not_transferred",
            ["residence_community_id", "org_id"],
            unique=False,
            postgresql_include=[*extra, "joined_on", "state"],
            postgresql_where=_NOT_TRANSFERRED,
            sqlite_where=_NOT_TRANSFERRED,
        )


def upgrade() -> None:
    # "Members with an event after day D": a range read of the recent events (service/facts.py).
    with op.batch_alter_table("member_events", schema="members") as batch_op:
        batch_op.create_index("ix_members_member_events_effective_on", ["effective_on", "kind", "member_id"], unique=False)
    # The as-of reading leaves out the members changed after the day by id: with the id in them,
    # the statistics and the not-transferred count still read these indexes alone.
    _member_indexes(with_id=True)


def downgrade() -> None:
    _member_indexes(with_id=False)
    with op.batch_alter_table("member_events", schema="members") as batch_op:
        batch_op.drop_index("ix_members_member_events_effective_on")
