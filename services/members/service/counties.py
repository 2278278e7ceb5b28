"""Keeping every record and its history under its organization's county (rules/counties.py).

The org replica holds each organization's county, computed here when a node arrives, moves or
changes tier (`place_node`); a record takes its organization's county when written
(`of_orgs`), and a write that changes organizations, or a tree change that changes counties,
moves the record, its history and its person index row to the new county in the same transaction
(`settle`).

On one server that is an UPDATE. With the records distributed by county on a Citus coordinator
(`by_county`), the county is the distribution column, which Citus does not update in place: the
rows are copied into the new county and deleted from the old one (docs/scaling.md).
"""

import uuid
from collections import defaultdict
from collections.abc import Collection
from typing import Any

from sqlalchemy import ColumnElement, Table, delete, func, insert, literal, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.db import distribution_column
from services.kit.tree import subtree_of
from services.members.models import Member, MemberEventRow, org_replica
from services.members.rules.counties import COUNTY_TIER, county_of, path_ids
from services.members.service import persons

# Ids per statement of a move: well under every database's parameter limit.
_CHUNK = 1000


async def by_county(session: AsyncSession) -> bool:
    """Whether the records are distributed by county here (a Citus coordinator laid out as
    docs/scaling.md says): only then do moves copy rows and reads name the county."""
    return await distribution_column(session, "members.members") == "county_id"


async def of_orgs(session: AsyncSession, org_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
    """The county of each organization the replica holds."""
    found: dict[uuid.UUID, uuid.UUID] = {}
    ids = list(org_ids)
    for start in range(0, len(ids), _CHUNK):
        stmt = select(org_replica.c.id, org_replica.c.county_id).where(org_replica.c.id.in_(ids[start : start + _CHUNK]))
        found |= {row.id: row.county_id or row.id for row in await session.execute(stmt)}
    return found


async def on_its_shard(session: AsyncSession, member_id: uuid.UUID) -> ColumnElement[bool]:
    """What a locking read of one record adds to its condition. Citus locks rows only in a query
    it routes to one shard, which takes the distribution column: with the records distributed by
    county, the record's county (read first, without a lock); elsewhere nothing."""
    if not await by_county(session):
        return true()
    county = await session.scalar(select(Member.county_id).where(Member.id == member_id))
    return true() if county is None else Member.county_id == county


async def of_subtree(session: AsyncSession, root_ids: Collection[uuid.UUID | None]) -> uuid.UUID | None:
    """The one county every record in the subtree of the deepest of `root_ids` (ancestors of one
    another, as a caller's scope and a `within`) is in, or None when it spans several (a county-
    tier organization lies below its root: a benchmark's city) or no root is given."""
    ids = [root for root in root_ids if root is not None]
    if not ids:
        return None
    nodes = (await session.execute(select(org_replica.c.path, org_replica.c.county_id).where(org_replica.c.id.in_(ids)))).all()
    if len(nodes) != len(set(ids)):
        return None
    path, county = max(nodes, key=lambda node: len(node.path))
    below = select(org_replica.c.id).where(
        subtree_of(org_replica.c.path, path), org_replica.c.path != path, org_replica.c.tier == COUNTY_TIER
    )
    return None if county is None or await session.scalar(select(below.exists())) else county


async def on_one_shard(session: AsyncSession, root_ids: Collection[uuid.UUID | None]) -> uuid.UUID | None:
    """With the records distributed by county, the county of the subtree asked for
    (`of_subtree`): named beside the subtree, it lets Citus read the one shard that holds it
    instead of every shard. Elsewhere None: one server gains nothing from it."""
    return await of_subtree(session, root_ids) if await by_county(session) else None


async def place_node(session: AsyncSession, node_id: uuid.UUID) -> None:
    """After a node was written to the replica: its county and, when that changed, its
    descendants' that came from above it; then the records below it follow."""
    node = (await session.execute(select(org_replica.c.path, org_replica.c.county_id).where(org_replica.c.id == node_id))).one()
    ancestors = path_ids(node.path)
    counties = set(
        await session.scalars(select(org_replica.c.id).where(org_replica.c.id.in_(ancestors), org_replica.c.tier == COUNTY_TIER))
    )
    county = county_of(ancestors, counties)
    if county == node.county_id:
        return
    await session.execute(update(org_replica).where(org_replica.c.id == node_id).values(county_id=county))
    # A descendant with a county of its own below this node keeps it; the others had this node's.
    inherited = org_replica.c.county_id.is_(None) if node.county_id is None else org_replica.c.county_id == node.county_id
    below = subtree_of(org_replica.c.path, node.path)
    await session.execute(update(org_replica).where(below, org_replica.c.id != node_id, inherited).values(county_id=county))
    await settle(session, Member.org_id.in_(select(org_replica.c.id).where(below)))


async def settle(session: AsyncSession, which: ColumnElement[bool]) -> int:
    """Records matching `which` whose county is not their organization's any more, moved there
    with their history; how many moved."""
    await session.flush()
    stmt = (
        select(Member.id, Member.id_number_index, org_replica.c.county_id)
        .join(org_replica, org_replica.c.id == Member.org_id)
        .where(which, Member.county_id != org_replica.c.county_id)
    )
    moving: dict[uuid.UUID, list[tuple[str, uuid.UUID]]] = defaultdict(list)
    for member_id, id_number_index, county in await session.execute(stmt):
        moving[county].append((id_number_index, member_id))
    copy = await by_county(session)
    for county, records in moving.items():
        await persons.follow(session, records, county)
        member_ids = [member_id for _, member_id in records]
        for start in range(0, len(member_ids), _CHUNK):
            chunk = member_ids[start : start + _CHUNK]
            for table, key in ((Member.__table__, Member.id), (MemberEventRow.__table__, MemberEventRow.member_id)):
                assert isinstance(table, Table)
                rows = key.in_(chunk), table.c.county_id != county
                if copy:
                    await _copy_into(session, table, county, rows)
                else:
                    await session.execute(update(table).where(*rows).values(county_id=county))
    # The session's objects read the moved rows' county again when asked.
    for obj in session.identity_map.values():
        if isinstance(obj, Member | MemberEventRow):
            session.expire(obj, ["county_id"])
    return sum(len(ids) for ids in moving.values())


async def _copy_into(session: AsyncSession, table: Table, county: uuid.UUID, rows: tuple[Any, ...]) -> None:
    """Distributed by county: the rows copied into `county`'s shard, then deleted from the old
    one (the keys hold the county, so both copies may exist until the delete)."""
    columns = [column.name for column in table.c]
    values = [literal(county, table.c.county_id.type) if name == "county_id" else table.c[name] for name in columns]
    await session.execute(insert(table).from_select(columns, select(*values).where(*rows)))
    await session.execute(delete(table).where(*rows))


async def misplaced(session: AsyncSession) -> dict[str, int]:
    """Records not in their organization's county, and history rows not in their record's: what
    `python -m stack members-rollups` reports after its recount (there must be none)."""
    records = select(func.count()).select_from(Member).join(org_replica, org_replica.c.id == Member.org_id)
    events = select(func.count()).select_from(MemberEventRow).join(Member, Member.id == MemberEventRow.member_id)
    return {
        "records": await session.scalar(records.where(Member.county_id != org_replica.c.county_id)) or 0,
        "history": await session.scalar(events.where(MemberEventRow.county_id != Member.county_id)) or 0,
    }
