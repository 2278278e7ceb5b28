"""every row of an organization's work carries its county (the distribution column of a Citus
cluster, docs/scaling.md): activities, contacts, study records, evaluations, reviews and courses
their organization's, attendance and attachments their activity's, a course's attendees the
course's; the org replica holds each organization's county

Revision ID: counties_0001
Revises: floating_0001
Create Date: 2026-12-07 01:00:00

The backfill computes what service/counties.py keeps from then on: an organization's county is
the deepest organization of tier `county` on its path, itself included (or itself when its path
holds none, and for a row whose organization the replica does not hold).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "counties_0001"
down_revision: str | None = "floating_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BY_ORGANIZATION = ("activities", "contacts", "study_records", "evaluations", "reviews", "training_courses")
# Each table whose rows take their parent row's county: its parent table and the column naming it.
_BY_PARENT = {
    "attendance": ("activities", "activity_id"),
    "attachments": ("activities", "activity_id"),
    "training_attendees": ("training_courses", "course_id"),
}
_TABLES = (*_BY_ORGANIZATION, *_BY_PARENT)


def upgrade() -> None:
    op.add_column("org_replica", sa.Column("county_id", sa.Uuid(), nullable=True), schema="activities")
    for table in _TABLES:
        op.add_column(table, sa.Column("county_id", sa.Uuid(), nullable=True), schema="activities")
    _place_counties()
    for table in _BY_ORGANIZATION:
        county = "COALESCE((SELECT r.county_id FROM activities.org_replica AS r WHERE r.id = t.org_id), t.org_id)"
        op.execute(sa.text(f"UPDATE activities.{table} AS t SET county_id = {county}"))
    for table, (parent, key) in _BY_PARENT.items():
        county = f"(SELECT p.county_id FROM activities.{parent} AS p WHERE p.id = t.{key})"
        op.execute(sa.text(f"UPDATE activities.{table} AS t SET county_id = {county}"))
    for table in _TABLES:
        with op.batch_alter_table(table, schema="activities") as batch_op:
            batch_op.alter_column("county_id", existing_type=sa.Uuid(), nullable=False)


def _place_counties() -> None:
    """Each organization's county in the replica: one range update of the path's index per
    county-tier organization, the shallowest first, so that a deeper county overwrites its
    ancestors' below it; then every organization with none is its own. (A correlated subquery per
    organization reads the whole replica for each: 410 s for 60 000 organizations, hours for a
    province's 370 000; this takes seconds.)"""
    bind = op.get_bind()
    counties = bind.execute(sa.text("SELECT id, path FROM activities.org_replica WHERE tier = 'county' ORDER BY length(path)"))
    for county_id, path in counties.all():
        bind.execute(
            sa.text("UPDATE activities.org_replica SET county_id = :county WHERE path >= :path AND path < :upper"),
            {"county": county_id, "path": path, "upper": path + "~"},
        )
    op.execute(sa.text("UPDATE activities.org_replica SET county_id = id WHERE county_id IS NULL"))


def downgrade() -> None:
    for table in (*_TABLES, "org_replica"):
        with op.batch_alter_table(table, schema="activities") as batch_op:
            batch_op.drop_column("county_id")
