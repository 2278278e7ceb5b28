"""Activities and attendance partitioned by month on PostgreSQL: each row lands in its month's
partition, and an activity moved to another month takes its attendance with it (through HTTP)."""

import uuid
from datetime import date

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from services.activities.models import PARTITIONED
from services.kit.db import Database
from services.kit.partitions import ensure_partitions
from tests.activities.builders import create_activity
from tests.activities.conftest import Replicas
from tests.support import Tokens, on_postgres

pytestmark = pytest.mark.skipif(not on_postgres(), reason="partitioning is PostgreSQL's; SQLite keeps plain tables")


async def homes(db: Database, activity_id: str) -> tuple[set[str], set[str], set[date]]:
    """The partition that holds the activity, those that hold its attendance, and their days."""
    async with db.read_sessions() as session:
        home = await holding(session, "activities", "id", activity_id)
        attendance = await holding(session, "attendance", "activity_id", activity_id)
        days = text("SELECT starts_on FROM activities.attendance WHERE activity_id = :id")
        starts = set(await session.scalars(days, {"id": uuid.UUID(activity_id)}))
    return home, attendance, starts


async def holding(session: AsyncSession, table: str, column: str, value: str) -> set[str]:
    """The partitions of `table` holding a row with `value` in `column`, each asked by its name:
    so on a Citus cluster too, where the rows live in the workers' shards of each partition."""
    partitions = text(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = CAST(:table AS regclass)"
    )
    found = set()
    for partition in await session.scalars(partitions, {"table": f"activities.{table}"}):
        count = text(f'SELECT count(*) FROM activities."{partition}" WHERE {column} = :value')
        if await session.scalar(count, {"value": uuid.UUID(value)}):
            found.add(partition)
    return found


async def test_the_tables_are_partitioned_by_range_of_the_day(activities_db: Database) -> None:
    async with activities_db.read_sessions() as session:
        rows = (
            await session.execute(
                text(
                    "SELECT c.relname, p.partstrat::text, a.attname FROM pg_partitioned_table p "
                    "JOIN pg_class c ON c.oid = p.partrelid "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid "
                    "AND a.attnum = p.partattrs[0] WHERE n.nspname = 'activities' ORDER BY 1"
                )
            )
        ).all()
    assert [tuple(row) for row in rows] == [
        ("activities", "r", "starts_on"),
        ("attendance", "r", "starts_on"),
        ("outbox", "r", "seq"),
    ]


async def test_an_activity_moved_to_another_month_takes_its_attendance_along(
    activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas, activities_db: Database
) -> None:
    # The suite's database has this month on; the months of these activities are made here as
    # the partition job would (or the migration, for months that held rows).
    async with activities_db.write_sessions() as session:
        await session.run_sync(
            lambda sync: [
                ensure_partitions(sync.connection(), "activities", spec, date.today(), since=date(2026, 1, 1))
                for spec in PARTITIONED
            ]
        )
        await session.commit()
    tree = await replicas.tree()
    members = [await replicas.member(org_id=tree["branch"]) for _ in range(2)]
    admin = tokens.headers("org_admin")
    activity = await create_activity(activities_client, admin, org_id=tree["branch"], starts_at="2026-03-31T20:00:00+00:00")
    recorded = await activities_client.post(
        f"/api/v1/activities/{activity['id']}/attendance",
        json={"records": [{"member_id": member, "status": "present", "hours": "2"} for member in members]},
        headers=admin,
    )
    assert recorded.status_code == 200, recorded.text
    # 20:00 UTC on 31 March is 1 April in the policy's zone: April's partition.
    assert await homes(activities_db, activity["id"]) == (
        {"activities_y2026m04"},
        {"attendance_y2026m04"},
        {date(2026, 4, 1)},
    )

    moved = await activities_client.patch(
        f"/api/v1/activities/{activity['id']}",
        json={"starts_at": "2026-06-15T09:00:00+08:00"},
        headers=admin | {"If-Match": "*"},
    )

    assert moved.status_code == 200, moved.text
    assert await homes(activities_db, activity["id"]) == (
        {"activities_y2026m06"},
        {"attendance_y2026m06"},
        {date(2026, 6, 15)},
    )
    read = await activities_client.get(f"/api/v1/activities/{activity['id']}/attendance", headers=tokens.headers("viewer"))
    assert read.status_code == 200
    assert read.json()["present"] == 2
