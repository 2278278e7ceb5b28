"""every record and its history carry their organization's county (the distribution column of a
Citus cluster, docs/scaling.md); the org replica holds each organization's county

Revision ID: counties_0001
Revises: rollups_0002
Create Date: 2026-12-06 15:00:00

The backfill computes what service/counties.py keeps from then on: an organization's county is
the deepest organization of tier `county` on its path, itself included (or itself when its path
holds none); a record's is its organization's, its history's the record's. At 10 M records the
two record updates rewrite both tables: minutes, inside the migration's transaction.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "counties_0001"
down_revision: str | None = "rollups_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLES = ("members", "member_events")


def upgrade() -> None:
    op.add_column("org_replica", sa.Column("county_id", sa.Uuid(), nullable=True), schema="members")
    for table in _TABLES:
        op.add_column(table, sa.Column("county_id", sa.Uuid(), nullable=True), schema="members")
    _place_counties()
    op.execute(
        sa.text(
            """
            UPDATE members.members AS m SET county_id = COALESCE(
                (SELECT r.county_id FROM members.org_replica AS r WHERE r.id = m.org_id), m.org_id)
            """
        )
    )
    op.execute(
        sa.text(
            """
            UPDATE members.member_events AS e SET county_id =
                (SELECT m.county_id FROM members.members AS m WHERE m.id = e.member_id)
            """
        )
    )
    for table in _TABLES:
        with op.batch_alter_table(table, schema="members") as batch_op:
            batch_op.alter_column("county_id", existing_type=sa.Uuid(), nullable=False)


def _place_counties() -> None:
    """Each organization's county in the replica: one range update of the path's index per
    county-tier organization, the shallowest first, so that a deeper county overwrites its
    ancestors' below it; then every organization with none is its own. (A correlated subquery per
    organization reads the whole replica for each: 410 s for 60 000 organizations, hours for a
    province's 370 000; this takes seconds.)"""
    bind = op.get_bind()
    counties = bind.execute(sa.text("SELECT id, path FROM members.org_replica WHERE tier = 'county' ORDER BY length(path)"))
    for county_id, path in counties.all():
        bind.execute(
            sa.text("UPDATE members.org_replica SET county_id = :county WHERE path >= :path AND path < :upper"),
            {"county": county_id, "path": path, "upper": path + "~"},
        )
    op.execute(sa.text("UPDATE members.org_replica SET county_id = id WHERE county_id IS NULL"))


def downgrade() -> None:
    for table in (*_TABLES, "org_replica"):
        with op.batch_alter_table(table, schema="members") as batch_op:
            batch_op.drop_column("county_id")
