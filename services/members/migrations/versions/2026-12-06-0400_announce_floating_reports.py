"""announce the floating reports filed before reports were announced

Revision ID: floating_0001
Revises: partition_0001
Create Date: 2026-12-06 04:00:00

Reports are announced on the feed (`floating_report.submitted`) from this version on; the activities
service counts them as contacts. Those filed earlier were never announced: they are announced
here once, in the order they were filed, so the readers of the feed hold every report.
"""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "floating_0001"
down_revision: str | None = "partition_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_reports = sa.table(
    "floating_reports",
    sa.column("id", sa.Uuid()),
    sa.column("member_id", sa.Uuid()),
    sa.column("org_id", sa.Uuid()),
    sa.column("reported_on", sa.Date()),
    sa.column("created_at", sa.DateTime(timezone=True)),
    schema="members",
)
_outbox = sa.table(
    "outbox",
    sa.column("txid", sa.BigInteger()),
    sa.column("event_id", sa.Uuid()),
    sa.column("type", sa.String()),
    sa.column("aggregate_id", sa.Uuid()),
    sa.column("payload", sa.JSON()),
    sa.column("occurred_at", sa.DateTime(timezone=True)),
    schema="members",
)


def upgrade() -> None:
    rows = op.get_bind().execute(sa.select(_reports).order_by(_reports.c.created_at, _reports.c.id)).all()
    if not rows:
        return
    op.bulk_insert(
        _outbox,
        [
            {
                "txid": 0,
                "event_id": uuid.uuid4(),
                "type": "floating_report.submitted",
                "aggregate_id": row.member_id,
                "payload": {
                    "id": str(row.id),
                    "version": 1,
                    "member_id": str(row.member_id),
                    "org_id": str(row.org_id),
                    "reported_on": row.reported_on.isoformat(),
                },
                "occurred_at": row.created_at or datetime.now(UTC),
            }
            for row in rows
        ],
    )


def downgrade() -> None:
    # The events stay: a feed is append-only, and its readers may have read them already.
    pass
