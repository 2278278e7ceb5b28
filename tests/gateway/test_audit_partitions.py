"""The audit trail partitioned by month (PostgreSQL): whole old months are detached to the archive
and the chain that remains still verifies, from the last row detached on."""

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from gateway.models import AuditEvent
from gateway.rules.audit import GENESIS_HASH, audit_mac
from gateway.service.audit import (
    AUDIT_PARTITIONING,
    Actor,
    AuditTrail,
    Origin,
    anchor,
    archive_months,
    checkpoint,
    record,
    row_content,
    verify_chain,
)
from services.kit.db import Database
from services.kit.partitions import maintain
from tests.support import SuiteDatabase, create_test_database, drop_test_database, on_postgres

pytestmark = pytest.mark.skipif(not on_postgres(), reason="partitioning is PostgreSQL's; SQLite keeps plain tables")


def month_name(months_ago: int) -> str:
    start = month_start(months_ago)
    return f"y{start.year:04d}m{start.month:02d}"


def month_start(months_ago: int) -> datetime:
    now = datetime.now(UTC)
    index = now.year * 12 + now.month - 1 - months_ago
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def own_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SuiteDatabase]:
    """A database of the test's own: its trail starts with rows months old."""
    db = create_test_database(tmp_path_factory.mktemp("audit"))
    yield db
    drop_test_database(db)


@pytest.fixture
async def gateway_db(own_db: SuiteDatabase) -> AsyncIterator[Database]:
    db = Database(own_db.urls["gateway"], "gateway")
    yield db
    await db.dispose()


async def homes(db: Database) -> dict[int, str]:
    async with db.read_sessions() as session:
        rows = await session.execute(
            text("SELECT id, (SELECT relname FROM pg_class WHERE oid = a.tableoid) AS home FROM gateway.audit_events a")
        )
        return {row.id: row.home for row in rows}


async def test_old_months_are_detached_and_the_chain_still_verifies(gateway_db: Database, tmp_path: Path) -> None:
    trail = AuditTrail(
        chain_key_file=tmp_path / "chain.key",
        checkpoint_key_file=tmp_path / "checkpoint.pem",
        checkpoints_file=tmp_path / "checkpoints.jsonl",
    )
    trail.load()
    async with gateway_db.write_sessions() as session:
        await anchor(session, trail)
        # Two rows in each of two months ten and nine months ago, chained as `record` chained them then.
        previous = GENESIS_HASH
        for number, months_ago in enumerate([10, 10, 9, 9], start=1):
            at = month_start(months_ago).replace(day=2 + number)
            event = AuditEvent(
                id=number, at=at, roles=[], action="test", target="/t", outcome=200, prev_hash=previous, actor_username="t"
            )
            event.hash = audit_mac(row_content(event), trail.chain_key)
            previous = event.hash
            session.add(event)
        await session.commit()
    async with gateway_db.write_sessions() as session:
        for _ in range(2):
            await record(session, trail, actor=Actor(username="t"), action="test", target="/now", outcome=200, origin=Origin())
        await session.commit()
    # Rows of months the migration did not make wait in the default partition, until the job.
    old = {f"audit_events_{month_name(ago)}" for ago in (10, 9)}
    current = f"audit_events_{month_name(0)}"
    assert set((await homes(gateway_db)).values()) == {"audit_events_default", current}
    async with gateway_db.write_sessions() as session:
        await maintain(session, "gateway", [AUDIT_PARTITIONING], today=datetime.now(UTC).date())
        await checkpoint(session, trail)
        await session.commit()
    assert set((await homes(gateway_db)).values()) == old | {current}
    async with gateway_db.read_sessions() as session:
        assert (await verify_chain(session, trail)).checked == 6

    async with gateway_db.write_sessions() as session:
        refused = await archive_months(session, trail, before=month_start(-1))  # would take the head row too
        detached = await archive_months(session, trail, before=month_start(7))
        await session.commit()

    assert refused == []
    assert set(detached) == old
    assert set((await homes(gateway_db)).values()) == {current}
    async with gateway_db.read_sessions() as session:
        report = await verify_chain(session, trail)
        archived = await session.scalar(text(f"SELECT count(*) FROM gateway.audit_events_archived_{month_name(10)}"))
    assert (report.intact, report.checked, report.reason) == (True, 2, None)
    assert archived == 2
    async with gateway_db.write_sessions() as session:
        await record(session, trail, actor=Actor(username="t"), action="test", target="/later", outcome=200, origin=Origin())
        await session.commit()
    async with gateway_db.read_sessions() as session:
        report = await verify_chain(session, trail)
    assert (report.intact, report.checked, report.checkpoints) == (True, 3, 3)
