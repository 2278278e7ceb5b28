"""the work on records carries the county too: every table with a member's rows (transfers, care,
duty reports, dues, change requests, floating reports, link codes, commendations, discipline, the
roll-ups' pending deltas) the record's county, applications their organization's, so that a
Citus cluster can hold them on the record's shard (docs/scaling.md)

Revision ID: counties_0002
Revises: persons_0001
Create Date: 2026-12-07 00:00:00

The backfill computes what service/counties.py keeps from then on. A delta whose record is gone
(none should be) takes its organization's county, as an application does.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "counties_0002"
down_revision: str | None = "persons_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_WITH_THE_RECORD = (
    "transfers",
    "care_enrolments",
    "duty_reports",
    "dues",
    "change_requests",
    "floating_reports",
    "link_codes",
    "member_commendations",
    "member_discipline",
)
_BY_ORGANIZATION = ("applications",)
_TABLES = (*_WITH_THE_RECORD, *_BY_ORGANIZATION, "member_rollup_deltas")

_RECORD_COUNTY = "(SELECT m.county_id FROM members.members AS m WHERE m.id = t.member_id)"
_ORG_COUNTY = "COALESCE((SELECT r.county_id FROM members.org_replica AS r WHERE r.id = t.org_id), t.org_id)"


def upgrade() -> None:
    for table in _TABLES:
        op.add_column(table, sa.Column("county_id", sa.Uuid(), nullable=True), schema="members")
    for table in _WITH_THE_RECORD:
        op.execute(sa.text(f"UPDATE members.{table} AS t SET county_id = {_RECORD_COUNTY}"))
    for table in _BY_ORGANIZATION:
        op.execute(sa.text(f"UPDATE members.{table} AS t SET county_id = {_ORG_COUNTY}"))
    op.execute(sa.text(f"UPDATE members.member_rollup_deltas AS t SET county_id = COALESCE({_RECORD_COUNTY}, {_ORG_COUNTY})"))
    for table in _TABLES:
        with op.batch_alter_table(table, schema="members") as batch_op:
            batch_op.alter_column("county_id", existing_type=sa.Uuid(), nullable=False)


def downgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table, schema="members") as batch_op:
            batch_op.drop_column("county_id")
