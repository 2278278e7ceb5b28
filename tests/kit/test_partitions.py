"""Partitioning on PostgreSQL (kit.partitions): the migrations convert a database that holds rows
without losing one (and back), the outbox's feed runs in order across a block boundary, the
partition job splits stray rows out of the default partition and detaches whole old months.

Each test that reshapes partitions works in a database of its own, not the suite's."""

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from services.activities.app import create_app as create_activities
from services.activities.jobs import partitions
from services.activities.models import outbox, scheduler
from services.activities.settings import ActivitiesSettings
from services.kit.db import Database
from services.kit.outbox import START, record_event
from services.kit.partitions import OUTBOX
from services.kit.scheduler import Scheduler
from stack.postgres import drop_database, provision, service_url
from stack.processes import PROCESSES
from tests.support import SuiteDatabase, Tokens, create_test_database, drop_test_database, in_process, on_postgres, run_alembic

pytestmark = pytest.mark.skipif(not on_postgres(), reason="partitioning is PostgreSQL's; SQLite keeps plain tables")

# The revisions just before partitioning, per process.
BEFORE = {"gateway": "integrate_0001", "orgs": "diag_0001", "members": "elections_0002", "activities": "elections_0003"}
PARTITIONED = {
    "activities": ["activities", "attendance", "outbox"],
    "members": ["outbox"],
    "orgs": ["outbox"],
    "gateway": ["audit_events", "outbox"],
}


async def _admin(db: SuiteDatabase) -> asyncpg.Connection:
    return await asyncpg.connect(db.admin_url, database=db.postgres_database)


async def _fetch(db: SuiteDatabase, sql: str, *args: Any) -> list[asyncpg.Record]:
    connection = await _admin(db)
    try:
        return list(await connection.fetch(sql, *args))
    finally:
        await connection.close()


@pytest.fixture
def old_database(tmp_path: Path, test_db: SuiteDatabase) -> Iterator[SuiteDatabase]:
    """A database of its own at the revisions before partitioning."""
    db = SuiteDatabase(data_dir=tmp_path, admin_url=test_db.admin_url)
    db.postgres_database = f"dangjian_test_part_{uuid.uuid4().hex[:8]}"
    asyncio.run(provision(db.admin_url, db.postgres_database, {}))
    host, port = test_db.admin_url.split("@")[1].split("/")[0].split(":")
    db.urls = {name: service_url(host, int(port), db.postgres_database, name) for name in PROCESSES}
    yield db
    asyncio.run(drop_database(db.admin_url, db.postgres_database))


ACTIVITY = (
    "INSERT INTO activities.activities (id, org_id, type, title, starts_at, starts_on, created_at, unit_ids) "
    "VALUES ($1, $2, 'study_day', 't', $3, $4, now(), '[]')"
)
ATTENDANCE = (
    "INSERT INTO activities.attendance (activity_id, member_id, status, guest, starts_on, recorded_at) "
    "VALUES ($1, $2, 'present', false, $3, now())"
)
# The same at the head revision, where each row carries its county (an organization the replica
# lacks is its own, services/activities/service/counties.py).
ACTIVITY_AT_HEAD = (
    "INSERT INTO activities.activities (id, org_id, county_id, type, title, starts_at, starts_on, created_at, unit_ids) "
    "VALUES ($1, $2, $2, 'study_day', 't', $3, $4, now(), '[]')"
)
ATTENDANCE_AT_HEAD = (
    "INSERT INTO activities.attendance (activity_id, county_id, member_id, status, guest, starts_on, recorded_at) "
    "VALUES ($1, $2, $3, 'present', false, $4, now())"
)


async def _fill(db: SuiteDatabase) -> None:
    connection = await _admin(db)
    try:
        org = uuid.uuid4()
        days = [(date(2025, 11, 3), True), (date(2025, 11, 28), True), (date(2026, 2, 14), True), (date(2026, 2, 1), False)]
        for number, (day, with_day) in enumerate(days):
            activity = uuid.uuid4()
            # 01:00 UTC is 09:00 in the policy's zone: the same local day.
            starts_at = datetime(day.year, day.month, day.day, 1, tzinfo=UTC)
            await connection.execute(ACTIVITY, activity, org, starts_at, day if with_day else None)
            for _ in range(number + 1):
                await connection.execute(ATTENDANCE, activity, uuid.uuid4(), day if with_day else None)
        for schema in PROCESSES:
            for _ in range(3):
                await connection.execute(
                    f"INSERT INTO {schema}.outbox (txid, event_id, type, aggregate_id, payload, occurred_at) "
                    "VALUES (0, $1, 'test.filled', $1, '{}', now())",
                    uuid.uuid4(),
                )
        prev = "0" * 64
        for number, at in enumerate([datetime(2026, 9, 30, 23, tzinfo=UTC), datetime(2026, 10, 1, 1, tzinfo=UTC)], start=1):
            digest = f"{number:064x}"
            await connection.execute(
                "INSERT INTO gateway.audit_events (id, at, roles, action, target, outcome, prev_hash, hash) "
                "VALUES ($1, $2, '[]', 'test', '/t', 200, $3, $4)",
                number,
                at,
                prev,
                digest,
            )
            prev = digest
    finally:
        await connection.close()


async def _counts(db: SuiteDatabase) -> dict[str, int]:
    counts = {}
    for schema, tables in PARTITIONED.items():
        for table in tables:
            rows = await _fetch(db, f"SELECT count(*) AS n FROM {schema}.{table}")
            counts[f"{schema}.{table}"] = rows[0]["n"]
    return counts


async def _partitioned(db: SuiteDatabase) -> set[str]:
    rows = await _fetch(
        db,
        "SELECT n.nspname || '.' || c.relname AS name FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE p.partstrat = 'r'",
    )
    return {row["name"] for row in rows}


async def _homes(db: SuiteDatabase, table: str, key: str) -> dict[Any, str]:
    rows = await _fetch(db, f"SELECT {key} AS key, tableoid::regclass::text AS home FROM {table}")
    return {row["key"]: row["home"] for row in rows}


def test_the_migrations_convert_a_filled_database_without_losing_a_row_and_back(old_database: SuiteDatabase) -> None:
    db = old_database
    for name, revision in BEFORE.items():
        run_alembic(db, name, "upgrade", revision)
    asyncio.run(_fill(db))
    before = asyncio.run(_counts(db))
    assert before["activities.attendance"] == 10
    assert before["gateway.audit_events"] == 2
    assert asyncio.run(_partitioned(db)) == set()

    for name in PROCESSES:
        run_alembic(db, name, "upgrade", "head")

    assert asyncio.run(_counts(db)) == before
    expected = {f"{schema}.{table}" for schema, tables in PARTITIONED.items() for table in tables}
    assert asyncio.run(_partitioned(db)) == expected
    # Each row in its month; the activity written without its day got it from its start.
    homes = asyncio.run(_homes(db, "activities.activities", "starts_on"))
    assert homes[date(2025, 11, 3)] == homes[date(2025, 11, 28)] == "activities.activities_y2025m11"
    assert homes[date(2026, 2, 14)] == homes[date(2026, 2, 1)] == "activities.activities_y2026m02"
    assert set(asyncio.run(_homes(db, "activities.attendance", "starts_on"))) == {
        date(2025, 11, 3),
        date(2025, 11, 28),
        date(2026, 2, 14),
        date(2026, 2, 1),
    }
    audit = asyncio.run(_homes(db, "gateway.audit_events", "id"))
    assert audit == {1: "gateway.audit_events_y2026m09", 2: "gateway.audit_events_y2026m10"}
    assert set(asyncio.run(_homes(db, "orgs.outbox", "seq")).values()) == {"orgs.outbox_s000000"}
    # The rebuilt audit trail is still append-only.
    with pytest.raises(asyncpg.RaiseError, match="append-only"):
        asyncio.run(_fetch(db, "DELETE FROM gateway.audit_events WHERE id = 1"))
    # The outbox's sequence went with it: the next event follows the copied ones.
    asyncio.run(
        _fetch(
            db,
            "INSERT INTO orgs.outbox (txid, event_id, type, aggregate_id, payload, occurred_at) "
            "VALUES (0, $1, 't', $1, '{}', now())",
            uuid.uuid4(),
        )
    )
    assert max(asyncio.run(_homes(db, "orgs.outbox", "seq"))) == 4

    for name in ("activities", "gateway"):
        run_alembic(db, name, "downgrade", BEFORE[name])
    after_down = asyncio.run(_counts(db))
    assert after_down == before | {"orgs.outbox": 4}
    assert asyncio.run(_partitioned(db)) == {"members.outbox", "orgs.outbox"}
    for name in ("activities", "gateway"):
        run_alembic(db, name, "upgrade", "head")
    assert asyncio.run(_counts(db)) == after_down


@pytest.fixture(scope="module")
def own_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SuiteDatabase]:
    """A migrated database of the tests' own, whose partitions they may reshape."""
    db = create_test_database(tmp_path_factory.mktemp("partitions"))
    yield db
    drop_test_database(db)


@pytest.fixture
async def own_activities(own_db: SuiteDatabase) -> AsyncIterator[Database]:
    db = Database(own_db.urls["activities"], "activities")
    yield db
    await db.dispose()


async def test_the_feed_serves_events_in_order_across_a_block_boundary(own_db: SuiteDatabase, own_activities: Database) -> None:
    # The next block (1) is made ahead already; the one after it (2) is not, until the job runs.
    boundary = 2 * OUTBOX.block
    admin = await _admin(own_db)
    try:
        await admin.execute("SELECT setval(pg_get_serial_sequence('activities.outbox', 'seq'), $1)", boundary - 3)
    finally:
        await admin.close()
    written = []
    for _ in range(6):
        async with own_activities.write_sessions() as session:
            aggregate = uuid.uuid4()
            await record_event(session, outbox, type="test.crossing", aggregate_id=aggregate, payload={})
            await session.commit()
            written.append(str(aggregate))
    homes = await _homes(own_db, "activities.outbox", "seq")
    assert {homes[seq] for seq in homes if seq >= boundary} == {"activities.outbox_default"}
    settings = ActivitiesSettings(data_dir=own_db.data_dir, database_url=own_db.urls["activities"], json_logs=False)
    runner = Scheduler(service="activities", db=own_activities, tables=scheduler, jobs=[])
    assert await runner.run_job(partitions(settings)) == "ok"
    homes = await _homes(own_db, "activities.outbox", "seq")
    assert {homes[seq] for seq in homes if seq >= boundary} == {"activities.outbox_s000002"}
    assert {homes[seq] for seq in homes if boundary - 3 < seq < boundary} == {"activities.outbox_s000001"}

    app = create_activities(
        ActivitiesSettings(
            data_dir=own_db.data_dir,
            database_url=own_db.urls["activities"],
            json_logs=False,
            run_scheduler=False,
            consume_feeds=False,
            follow_revocations=False,
        )
    )
    headers = Tokens(own_db.data_dir).headers("service", scopes=("events:read",))
    seen: list[str] = []
    async with in_process(app) as client:
        after = START
        while True:
            response = await client.get("/internal/events", params={"after": after, "limit": 2}, headers=headers)
            assert response.status_code == 200, response.text
            page = response.json()
            if not page["events"]:
                break
            seen += [event["aggregate_id"] for event in page["events"] if event["type"] == "test.crossing"]
            after = page["next_cursor"]
    assert seen == written
    assert int(after) == boundary + 3


async def test_the_job_splits_stray_months_out_of_the_default_and_archives_old_years(
    own_db: SuiteDatabase, own_activities: Database, tmp_path: Path
) -> None:
    admin = await _admin(own_db)
    try:
        far, old, kept = date(2031, 7, 15), date(2019, 3, 2), date(datetime.now(UTC).year - 1, 6, 1)
        for day in (far, old, kept):
            activity, org = uuid.uuid4(), uuid.uuid4()
            await admin.execute(ACTIVITY_AT_HEAD, activity, org, datetime(day.year, day.month, day.day, 1, tzinfo=UTC), day)
            await admin.execute(ATTENDANCE_AT_HEAD, activity, org, uuid.uuid4(), day)
    finally:
        await admin.close()
    homes = await _homes(own_db, "activities.activities", "starts_on")
    assert homes[far] == homes[old] == homes[kept] == "activities.activities_default"

    settings = ActivitiesSettings(
        data_dir=own_db.data_dir, database_url=own_db.urls["activities"], json_logs=False, retention_years=5
    )
    runner = Scheduler(service="activities", db=own_activities, tables=scheduler, jobs=[])
    assert await runner.run_job(partitions(settings)) == "ok"

    homes = await _homes(own_db, "activities.activities", "starts_on")
    assert homes[far] == "activities.activities_y2031m07"
    assert homes[kept] == f"activities.activities_y{kept.year}m06"
    # 2019 is before the five whole years kept: its month went to the archive, attendance too.
    assert old not in homes
    assert date(2019, 3, 2) not in await _homes(own_db, "activities.attendance", "starts_on")
    archived = await _fetch(own_db, "SELECT count(*) AS n FROM activities.activities_archived_y2019m03")
    assert archived[0]["n"] == 1
    assert (await _fetch(own_db, "SELECT count(*) AS n FROM activities.attendance_archived_y2019m03"))[0]["n"] == 1
    runs = await _fetch(own_db, "SELECT detail FROM activities.job_runs WHERE job = 'activities.partitions' ORDER BY id")
    assert "archived 2" in runs[-1]["detail"]
