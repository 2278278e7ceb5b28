"""Local replicas of another service's tree, kept from its event feed.

A service that filters by subtree (or checks that a referenced node exists) keeps its own copy
of the nodes it needs: id, parent, materialized path, a version, and whatever columns it adds.
Events carry the node's whole state with a version, so applying one is an upsert that ignores
anything older than what is held — replaying a feed changes nothing. When a node's path changes
(it moved) its descendants are rebased in the same statement range.
"""

from typing import Any
from uuid import UUID

from sqlalchemy import Column, Integer, MetaData, Table, Uuid, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.consumer import Apply
from services.kit.outbox import FeedEvent
from services.kit.tree import path_type, rebased_path, subtree_of


def tree_replica_table(metadata: MetaData, name: str, *extra_columns: Column[Any]) -> Table:
    return Table(
        name,
        metadata,
        Column("id", Uuid, primary_key=True),
        Column("parent_id", Uuid, nullable=True),
        Column("path", path_type(), nullable=False, index=True),
        Column("version", Integer, nullable=False),
        *extra_columns,
    )


async def apply_node_snapshot(session: AsyncSession, table: Table, snapshot: dict[str, Any]) -> bool:
    """Hold `snapshot` (a node's full state with `id`, `path`, `version`) unless a newer one is held."""
    columns = {key: value for key, value in snapshot.items() if key in table.c}
    held = (await session.execute(select(table.c.path, table.c.version).where(table.c.id == columns["id"]))).first()
    if held is None:
        await session.execute(insert(table).values(**columns))
        return True
    if held.version >= columns["version"]:
        return False
    await session.execute(update(table).where(table.c.id == columns["id"]).values(**columns))
    old_path, new_path = held.path, columns["path"]
    if old_path != new_path:
        await session.execute(
            update(table)
            .where(subtree_of(table.c.path, old_path), table.c.id != columns["id"])
            .values(path=rebased_path(table.c.path, old_path, new_path))
        )
    return True


def snapshot_applier(table: Table, event_prefix: str) -> Apply:
    """A feed consumer's `apply` that holds every `<event_prefix>*` event's payload as a node.

    Payload values are converted to the replica's column types (ids arrive as strings); keys
    the replica has no column for are ignored, so the producer can add fields freely.
    """

    async def apply(session: AsyncSession, event: FeedEvent) -> None:
        if event.type.startswith(event_prefix):
            await apply_node_snapshot(session, table, _typed(table, event.payload))

    return apply


def _typed(table: Table, payload: dict[str, Any]) -> dict[str, Any]:
    values = {}
    for key, value in payload.items():
        if key in table.c:
            values[key] = UUID(value) if value is not None and isinstance(table.c[key].type, Uuid) else value
    return values
