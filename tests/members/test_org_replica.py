"""The members service's replica of the org tree, kept from the orgs feed by the kit consumer."""

import asyncio
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import delete, select

from services.kit.consumer import FeedConsumer
from services.kit.db import Database
from services.kit.outbox import START, FeedEvent, FeedPage
from services.kit.peers import PeerUnavailable
from services.members.events import apply_org_event
from services.members.models import consumer_cursors, org_replica
from tests.builders import create_tree
from tests.support import SuiteDatabase, Tokens


@pytest.fixture
async def members_db(test_db: SuiteDatabase) -> AsyncIterator[Database]:
    db = Database(test_db.urls["members"], "members")
    yield db
    await db.dispose()


def feed_of(orgs_client: httpx.AsyncClient, tokens: Tokens):  # type: ignore[no-untyped-def]
    headers = tokens.headers("service", scopes=("events:read",))

    async def fetch(after: str, limit: int) -> FeedPage:
        response = await orgs_client.get("/internal/events", params={"after": after, "limit": limit}, headers=headers)
        assert response.status_code == 200, response.text
        return FeedPage.model_validate(response.json())

    return fetch


def consumer(members_db: Database, fetch, apply=apply_org_event, source: str | None = None) -> FeedConsumer:  # type: ignore[no-untyped-def]
    # A source name of its own: the live members process keeps its cursor under "orgs".
    return FeedConsumer(
        source=source or f"test-{uuid.uuid4().hex[:8]}",
        fetch=fetch,
        apply=apply,
        db=members_db,
        cursors=consumer_cursors,
        poll_interval_s=0.02,
    )


async def drain(c: FeedConsumer) -> None:
    while await c.step():
        pass


async def replica_paths(db: Database, ids: list[str]) -> dict[str, str]:
    async with db.read_sessions() as session:
        rows = (
            await session.execute(
                select(org_replica.c.id, org_replica.c.path).where(org_replica.c.id.in_([uuid.UUID(i) for i in ids]))
            )
        ).all()
    return {str(row.id): row.path for row in rows}


async def test_the_replica_follows_creation_and_moves(
    orgs_client: httpx.AsyncClient, members_db: Database, tokens: Tokens
) -> None:
    admin = tokens.headers("org_admin")
    tree = await create_tree(orgs_client, admin)
    ids = [o["id"] for o in tree.values()]
    c = consumer(members_db, feed_of(orgs_client, tokens))

    await drain(c)
    paths = await replica_paths(members_db, ids)
    assert set(paths) == set(ids)
    assert paths["{}".format(tree["branch"]["id"])].startswith(paths[tree["township_a"]["id"]])

    moved = await orgs_client.post(
        f"/api/v1/orgs/{tree['community']['id']}/move", json={"parent_id": tree["township_b"]["id"]}, headers=admin
    )
    assert moved.status_code == 200
    await drain(c)

    paths = await replica_paths(members_db, ids)
    assert paths[tree["branch"]["id"]].startswith(paths[tree["township_b"]["id"]])
    assert paths[tree["community"]["id"]].startswith(paths[tree["township_b"]["id"]])


async def test_replaying_the_feed_changes_nothing(orgs_client: httpx.AsyncClient, members_db: Database, tokens: Tokens) -> None:
    admin = tokens.headers("org_admin")
    tree = await create_tree(orgs_client, admin)
    await orgs_client.post(
        f"/api/v1/orgs/{tree['community']['id']}/move", json={"parent_id": tree["township_b"]["id"]}, headers=admin
    )
    ids = [o["id"] for o in tree.values()]
    c = consumer(members_db, feed_of(orgs_client, tokens))
    await drain(c)
    before = await replica_paths(members_db, ids)

    async with members_db.write_sessions() as session:
        await session.execute(delete(consumer_cursors).where(consumer_cursors.c.source == c.source))
        await session.commit()
    await drain(c)

    assert await replica_paths(members_db, ids) == before


async def test_two_replicas_of_the_consumer_apply_each_event_once(
    orgs_client: httpx.AsyncClient, members_db: Database, tokens: Tokens
) -> None:
    await create_tree(orgs_client, tokens.headers("org_admin"))
    applied: list[uuid.UUID] = []

    async def counting(session, event: FeedEvent) -> None:  # type: ignore[no-untyped-def]
        applied.append(event.id)
        await apply_org_event(session, event)

    source = f"test-{uuid.uuid4().hex[:8]}"
    fetch = feed_of(orgs_client, tokens)
    first, second = consumer(members_db, fetch, counting, source), consumer(members_db, fetch, counting, source)
    for _ in range(20):
        done = await asyncio.gather(first.step(), second.step())
        if done == [0, 0]:
            break

    assert applied
    assert len(applied) == len(set(applied))


async def test_the_consumer_survives_the_producer_being_down(
    orgs_client: httpx.AsyncClient, members_db: Database, tokens: Tokens
) -> None:
    tree = await create_tree(orgs_client, tokens.headers("org_admin"))
    working = feed_of(orgs_client, tokens)
    producer_up = asyncio.Event()

    async def flaky(after: str, limit: int) -> FeedPage:
        if not producer_up.is_set():
            raise PeerUnavailable("orgs", "ConnectError")
        return await working(after, limit)

    c = consumer(members_db, flaky)
    c.start()
    try:
        await asyncio.sleep(0.3)
        position_while_down = await c.position()
        producer_up.set()
        for _ in range(200):
            await asyncio.sleep(0.05)
            if await c.position() != position_while_down and (await replica_paths(members_db, [tree["branch"]["id"]])):
                break
    finally:
        await c.stop()

    assert position_while_down == START
    assert tree["branch"]["id"] in await replica_paths(members_db, [tree["branch"]["id"]])


async def test_two_consumers_inserting_the_same_node_at_once_both_succeed(members_db: Database) -> None:
    # Two replicas of the members service follow the same feed: both may insert a node at once.
    from services.kit.replica import apply_node_snapshot

    node_id = uuid.uuid4()
    snapshot = {
        "id": node_id,
        "parent_id": None,
        "path": f"/{node_id.hex}/",
        "version": 1,
        "name": "區委",
        "kind": "committee",
        "tier": "county",
        "status": "active",
    }
    async with members_db.write_sessions() as first:
        assert await apply_node_snapshot(first, org_replica, dict(snapshot)) is True

        async def second() -> bool:
            async with members_db.write_sessions() as session:
                applied = await apply_node_snapshot(session, org_replica, dict(snapshot))
                await session.commit()
                return applied

        racing = asyncio.create_task(second())
        await asyncio.sleep(0.2)  # the second is waiting on the first's row (PostgreSQL) or write lock (SQLite)
        await first.commit()
    assert await racing is False  # the same version: nothing to change, and no duplicate-key error
    async with members_db.read_sessions() as session:
        held = (await session.execute(select(org_replica.c.version).where(org_replica.c.id == node_id))).all()
    assert [row.version for row in held] == [1]
