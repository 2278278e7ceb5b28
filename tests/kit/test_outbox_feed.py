"""The outbox feed: in commit order, so a reader never skips a transaction that commits late."""

import asyncio
import random
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.db import Database
from services.kit.outbox import START, FeedEvent, read_feed, record_event, write_staged_events
from services.members.models import consumer_cursors, outbox
from tests.support import SuiteDatabase, on_postgres


@pytest.fixture
async def db(test_db: SuiteDatabase) -> AsyncIterator[Database]:
    database = Database(test_db.urls["members"], "members")
    yield database
    await database.dispose()


async def _all_after(db: Database, cursor: str) -> tuple[list[FeedEvent], str]:
    events: list[FeedEvent] = []
    while True:
        async with db.read_sessions() as session:
            page = await read_feed(session, outbox, cursor, 500)
        if not page.events:
            return events, cursor
        events += page.events
        cursor = page.next_cursor


async def _emit(db: Database, marker: str) -> None:
    async with db.write_sessions() as session:
        await record_event(session, outbox, type="test.marker", aggregate_id=uuid.uuid4(), payload={"marker": marker})
        await session.commit()


def _markers(events: list[FeedEvent], run: str) -> list[str]:
    return [e.payload["marker"] for e in events if e.type == "test.marker" and e.payload["marker"].startswith(run)]


async def test_events_come_in_commit_order_and_the_cursor_moves_on(db: Database) -> None:
    _, cursor = await _all_after(db, START)
    run = uuid.uuid4().hex
    for i in range(3):
        await _emit(db, f"{run}-{i}")

    events, cursor = await _all_after(db, cursor)
    again, _ = await _all_after(db, cursor)

    assert _markers(events, run) == [f"{run}-0", f"{run}-1", f"{run}-2"]
    assert _markers(again, run) == []


async def _write_domain_row(session: AsyncSession) -> None:
    """Any write that makes the transaction a writer (its own tables, as a real change would)."""
    await session.execute(
        insert(consumer_cursors).values(source=f"test-{uuid.uuid4().hex[:12]}", position="0", updated_at=datetime.now(UTC))
    )


@pytest.mark.skipif(not on_postgres(), reason="SQLite serializes writers; its variant is the test below")
async def test_a_transaction_that_began_first_and_commits_late_is_not_skipped(db: Database) -> None:
    _, cursor = await _all_after(db, START)
    run = uuid.uuid4().hex
    async with db.write_sessions() as slow:
        await _write_domain_row(slow)
        await record_event(slow, outbox, type="test.marker", aggregate_id=uuid.uuid4(), payload={"marker": f"{run}-slow"})
        await slow.flush()
        await _emit(db, f"{run}-fast")  # a later transaction commits first

        seen_meanwhile, cursor_meanwhile = await _all_after(db, cursor)
        await slow.commit()
    seen_after, _ = await _all_after(db, cursor_meanwhile)

    assert _markers(seen_meanwhile, run) == [f"{run}-fast"]
    assert _markers(seen_after, run) == [f"{run}-slow"]  # after the reader's cursor, not behind it


@pytest.mark.skipif(not on_postgres(), reason="SQLite serializes writers; its variant is the test below")
async def test_a_transaction_holding_a_lower_sequence_is_never_overtaken(db: Database) -> None:
    _, cursor = await _all_after(db, START)
    run = uuid.uuid4().hex
    async with db.write_sessions() as slow:
        await record_event(slow, outbox, type="test.marker", aggregate_id=uuid.uuid4(), payload={"marker": f"{run}-slow"})
        await slow.run_sync(write_staged_events)  # it has taken its sequence number, not yet committed
        fast = asyncio.create_task(_emit(db, f"{run}-fast"))
        await asyncio.sleep(0.3)

        seen_meanwhile, cursor_meanwhile = await _all_after(db, cursor)
        assert not fast.done()  # the later writer waits for the sequence lock
        await slow.commit()
    await fast
    seen_after, _ = await _all_after(db, cursor_meanwhile)

    assert _markers(seen_meanwhile, run) == []
    assert _markers(seen_after, run) == [f"{run}-slow", f"{run}-fast"]


@pytest.mark.skipif(not on_postgres(), reason="SQLite serializes writers")
async def test_concurrent_writers_never_make_a_reader_skip(db: Database) -> None:
    _, cursor = await _all_after(db, START)
    run = uuid.uuid4().hex
    writers = 24

    async def writer(i: int) -> None:
        async with db.write_sessions() as session:
            await _write_domain_row(session)
            await record_event(session, outbox, type="test.marker", aggregate_id=uuid.uuid4(), payload={"marker": f"{run}-{i}"})
            await asyncio.sleep(random.random() * 0.05)
            await session.commit()

    seen: list[FeedEvent] = []
    tasks = [asyncio.create_task(writer(i)) for i in range(writers)]
    while not all(t.done() for t in tasks) or len(_markers(seen, run)) < writers:
        events, cursor = await _all_after(db, cursor)
        seen += events
        await asyncio.sleep(0.005)
        if all(t.done() for t in tasks) and len(_markers(seen, run)) < writers:
            events, cursor = await _all_after(db, cursor)
            seen += events
            break
    await asyncio.gather(*tasks)

    assert sorted(_markers(seen, run)) == sorted(f"{run}-{i}" for i in range(writers))


@pytest.mark.skipif(on_postgres(), reason="PostgreSQL runs writers concurrently; its variant is the test above")
async def test_on_sqlite_a_second_writer_waits_for_the_first(db: Database) -> None:
    _, cursor = await _all_after(db, START)
    run = uuid.uuid4().hex
    async with db.write_sessions() as slow:
        await _write_domain_row(slow)
        await record_event(slow, outbox, type="test.marker", aggregate_id=uuid.uuid4(), payload={"marker": f"{run}-slow"})
        fast = asyncio.create_task(_emit(db, f"{run}-fast"))
        await asyncio.sleep(0.3)
        assert not fast.done()
        seen_meanwhile, cursor_meanwhile = await _all_after(db, cursor)
        await slow.commit()
    await fast
    seen_after, _ = await _all_after(db, cursor_meanwhile)

    assert _markers(seen_meanwhile, run) == []
    assert _markers(seen_after, run) == [f"{run}-slow", f"{run}-fast"]


async def test_a_rolled_back_event_never_appears(db: Database) -> None:
    _, cursor = await _all_after(db, START)
    run = uuid.uuid4().hex
    async with db.write_sessions() as session:
        await record_event(session, outbox, type="test.marker", aggregate_id=uuid.uuid4(), payload={"marker": f"{run}-gone"})
        await session.rollback()
    await _emit(db, f"{run}-kept")

    events, _ = await _all_after(db, cursor)

    assert _markers(events, run) == [f"{run}-kept"]
