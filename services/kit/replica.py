"""Local replicas of another service's rows (trees among them), kept from its event feed.

A service that filters by subtree (or checks that a referenced node exists) keeps its own copy
of the nodes it needs: id, parent, materialized path, a version, and whatever columns it adds.
Events carry the node's whole state with a version, so applying one is an upsert that ignores
anything older than what is held — replaying a feed changes nothing. When a node's path changes
(it moved) its descendants are rebased in the same statement range.
"""

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Column, Date, DateTime, Index, Integer, MetaData, Table, Uuid, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.consumer import Apply
from services.kit.outbox import FeedEvent
from services.kit.tree import deepest_of, path_ids, path_type, rebased_path, subtree_of


def tree_replica_table(
    metadata: MetaData, name: str, *extra_columns: Column[Any], path_index_include: Sequence[str] = ()
) -> Table:
    """`path_index_include`: columns the path's index also holds (PostgreSQL), so that the nodes
    of a subtree can be read from the index alone."""
    table = Table(
        name,
        metadata,
        Column("id", Uuid, primary_key=True),
        Column("parent_id", Uuid, nullable=True),
        Column("path", path_type(), nullable=False),
        Column("version", Integer, nullable=False),
        *extra_columns,
    )
    Index(None, table.c.path, postgresql_include=list(path_index_include))
    return table


async def apply_snapshot(session: AsyncSession, table: Table, snapshot: dict[str, Any]) -> str | None:
    """Hold `snapshot` (a row's full state with `id` and `version`) unless a newer one is held.

    Returns None when nothing changed, else the previous `path` ("" for a new row or a table
    without paths) so that tree replicas can rebase descendants.
    """
    values = {key: value for key, value in snapshot.items() if key in table.c}
    has_path = "path" in table.c
    held_columns = [table.c.version, table.c.path] if has_path else [table.c.version]
    held_row = select(*held_columns).where(table.c.id == values["id"]).with_for_update()
    held = (await session.execute(held_row)).first()
    if held is None:
        # Another consumer of the same feed (a second replica of this service) may be inserting
        # the same row right now: the loser of that race reads the winner's row instead of failing.
        dialect = (await session.connection()).dialect.name
        upsert = postgresql_insert(table) if dialect == "postgresql" else sqlite_insert(table)
        inserted = await session.execute(upsert.values(**values).on_conflict_do_nothing(index_elements=[table.c.id]))
        if inserted.rowcount == 1:  # type: ignore[attr-defined]
            return ""
        held = (await session.execute(held_row)).one()
    if held.version >= values["version"]:
        return None
    await session.execute(update(table).where(table.c.id == values["id"]).values(**values))
    return str(held.path) if has_path else ""


async def apply_node_snapshot(session: AsyncSession, table: Table, snapshot: dict[str, Any]) -> bool:
    """`apply_snapshot` for a tree node: when its path changed (it moved), rebase its descendants."""
    old_path = await apply_snapshot(session, table, snapshot)
    if old_path is None:
        return False
    new_path = snapshot["path"]
    if old_path and old_path != new_path:
        await session.execute(
            update(table)
            .where(subtree_of(table.c.path, old_path), table.c.id != snapshot["id"])
            .values(path=rebased_path(table.c.path, old_path, new_path))
        )
    return True


async def place_in_group(session: AsyncSession, table: Table, node_id: UUID, group: Column[Any], tier: str) -> str | None:
    """After a node was written to the tree replica `table`: its `group` (a column of `table`) set
    to the deepest node of `tier` on its path (`tree.deepest_of`), and, when that changed, the
    descendants' that came from above it (one with a group of its own below keeps it). Returns
    the node's path when its group changed (the rows kept under its subtree's groups must follow),
    else None."""
    node = (await session.execute(select(table.c.path, group).where(table.c.id == node_id))).one()
    ancestors = path_ids(node.path)
    marked = set(await session.scalars(select(table.c.id).where(table.c.id.in_(ancestors), table.c.tier == tier)))
    placed = deepest_of(ancestors, marked)
    held = node[1]
    if placed == held:
        return None
    await session.execute(update(table).where(table.c.id == node_id).values({group: placed}))
    inherited = group.is_(None) if held is None else group == held
    below = subtree_of(table.c.path, node.path), table.c.id != node_id, inherited
    await session.execute(update(table).where(*below).values({group: placed}))
    return str(node.path)


def snapshot_applier(table: Table, event_prefix: str) -> Apply:
    """A feed consumer's `apply` that holds every `<event_prefix>*` event's payload as a row
    (a tree node when the replica has a `path` column).

    Payload values are converted to the replica's column types (ids and dates arrive as
    strings); keys the replica has no column for are ignored, so the producer can add fields.
    """
    apply_one = apply_node_snapshot if "path" in table.c else apply_snapshot

    async def apply(session: AsyncSession, event: FeedEvent) -> None:
        if event.type.startswith(event_prefix):
            await apply_one(session, table, _typed(table, event.payload))

    return apply


_FROM_TEXT: tuple[tuple[type[Any], Any], ...] = ((Uuid, UUID), (DateTime, datetime.fromisoformat), (Date, date.fromisoformat))


def _typed(table: Table, payload: dict[str, Any]) -> dict[str, Any]:
    return {key: _column_value(table.c[key].type, value) for key, value in payload.items() if key in table.c}


def _column_value(column_type: Any, value: Any) -> Any:
    if isinstance(value, str):
        for sql_type, parse in _FROM_TEXT:
            if isinstance(column_type, sql_type):
                return parse(value)
    return value
