"""community and unit replicas: the units an activity names are checked in the caller's scope

Revision ID: harden_0001
Revises: 6f00922041c9
Create Date: 2026-12-06 01:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "harden_0001"
down_revision: str | None = "6f00922041c9"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "community_replica",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("township_org_id", sa.Uuid(), nullable=False),
        sa.Column("party_org_id", sa.Uuid(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_replica")),
        schema="activities",
    )
    with op.batch_alter_table("community_replica", schema="activities") as batch_op:
        batch_op.create_index(batch_op.f("ix_activities_community_replica_party_org_id"), ["party_org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_activities_community_replica_township_org_id"), ["township_org_id"], unique=False)

    op.create_table(
        "unit_replica",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_replica")),
        schema="activities",
    )
    with op.batch_alter_table("unit_replica", schema="activities") as batch_op:
        batch_op.create_index(batch_op.f("ix_activities_unit_replica_community_id"), ["community_id"], unique=False)

    # The orgs feed already applied carried communities and units that were not kept: read it
    # again from its start. Org and position snapshots already held are skipped by version.
    op.execute(sa.text("DELETE FROM activities.consumer_cursors WHERE source = 'orgs'"))


def downgrade() -> None:
    with op.batch_alter_table("unit_replica", schema="activities") as batch_op:
        batch_op.drop_index(batch_op.f("ix_activities_unit_replica_community_id"))
    op.drop_table("unit_replica", schema="activities")
    with op.batch_alter_table("community_replica", schema="activities") as batch_op:
        batch_op.drop_index(batch_op.f("ix_activities_community_replica_township_org_id"))
        batch_op.drop_index(batch_op.f("ix_activities_community_replica_party_org_id"))
    op.drop_table("community_replica", schema="activities")
