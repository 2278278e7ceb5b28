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
    op.execute(
        sa.text(
            """
            UPDATE activities.org_replica AS r SET county_id = COALESCE((
                SELECT c.id FROM activities.org_replica AS c
                WHERE c.tier = 'county' AND r.path >= c.path AND r.path < c.path || '~'
                ORDER BY length(c.path) DESC LIMIT 1), r.id)
            """
        )
    )
    for table in _BY_ORGANIZATION:
        county = "COALESCE((SELECT r.county_id FROM activities.org_replica AS r WHERE r.id = t.org_id), t.org_id)"
        op.execute(sa.text(f"UPDATE activities.{table} AS t SET county_id = {county}"))
    for table, (parent, key) in _BY_PARENT.items():
        county = f"(SELECT p.county_id FROM activities.{parent} AS p WHERE p.id = t.{key})"
        op.execute(sa.text(f"UPDATE activities.{table} AS t SET county_id = {county}"))
    for table in _TABLES:
        with op.batch_alter_table(table, schema="activities") as batch_op:
            batch_op.alter_column("county_id", existing_type=sa.Uuid(), nullable=False)


def downgrade() -> None:
    for table in (*_TABLES, "org_replica"):
        with op.batch_alter_table(table, schema="activities") as batch_op:
            batch_op.drop_column("county_id")
