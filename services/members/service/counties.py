"""Keeping every record and its history under its organization's county (rules/counties.py).

The org replica holds each organization's county, computed here when a node arrives, moves or
changes tier (`place_node`); a record takes its organization's county when written
(`of_orgs`), and a write that changes organizations, or a tree change that changes counties,
moves the record, every row of its (`WITH_THE_RECORD`: its history, transfers, dues …) and its
person index row to the new county in the same transaction (`settle`). The rows of the work on a
record take the record's county when written; an application, its organization's, and it
follows its organization (`place_node`). The roll-ups' pending deltas keep the county they were
written with: they are folded and deleted soon after, and nothing reads them with the record.

On one server that is an UPDATE. With the records distributed by county on a Citus coordinator
(`by_county`), the county is the distribution column, which Citus does not update in place: the
rows are copied into the new county and deleted from the old one (docs/scaling.md).
"""

import uuid
from collections import defaultdict
from collections.abc import Collection
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.db import distribution_column, move_rows
from services.kit.replica import place_in_group
from services.kit.tree import subtree_of
from services.members.models import (
    Application,
    CareEnrolment,
    ChangeRequest,
    Commendation,
    Discipline,
    DuesMonth,
    DutyReport,
    FloatingReport,
    LinkCode,
    Member,
    MemberEventRow,
    Transfer,
    org_replica,
)
from services.members.rules.counties import COUNTY_TIER
from services.members.service import person_index

# Ids per statement of a move: well under every database's parameter limit.
_CHUNK = 1000
# The tables whose rows sit in their record's county, each with the column naming the record.
WITH_THE_RECORD: tuple[tuple[Any, str], ...] = (
    (Member, "id"),
    *((model, "member_id") for model in (MemberEventRow, Transfer, CareEnrolment, DutyReport, DuesMonth)),
    *((model, "member_id") for model in (ChangeRequest, FloatingReport, LinkCode, Commendation, Discipline)),
)


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


def beside(member: Member, model: Any) -> ColumnElement[bool]:
    """The rows of `model` that sit with `member`'s record (`WITH_THE_RECORD`): named with its
    county, a read or a lock of them goes to the record's one shard on Citus; on one server the
    condition holds of every row of the member's anyway."""
    condition: ColumnElement[bool] = (model.member_id == member.id) & (model.county_id == member.county_id)
    return condition


def joined_with_records(model: Any) -> ColumnElement[bool]:
    """The join of `model`'s rows with their records: by the record's id and its county, which
    Citus needs to join two tables distributed by county on the shards that hold both."""
    condition: ColumnElement[bool] = (Member.id == model.member_id) & (Member.county_id == model.county_id)
    return condition


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
    path = await place_in_group(session, org_replica, node_id, org_replica.c.county_id, COUNTY_TIER)
    if path is None:
        return
    in_subtree = select(org_replica.c.id).where(subtree_of(org_replica.c.path, path))
    await settle(session, Member.org_id.in_(in_subtree))
    await _settle_applications(session, Application.org_id.in_(in_subtree))


async def settle(session: AsyncSession, which: ColumnElement[bool]) -> int:
    """Records matching `which` whose county is not their organization's any more, moved there
    with their rows (`WITH_THE_RECORD`); how many moved."""
    await session.flush()
    stmt = (
        select(Member.id, Member.id_number_index, org_replica.c.county_id)
        .join(org_replica, org_replica.c.id == Member.org_id)
        .where(which, Member.county_id != org_replica.c.county_id)
    )
    moving: dict[uuid.UUID, list[tuple[str, uuid.UUID]]] = defaultdict(list)
    for member_id, id_number_index, county in await session.execute(stmt):
        moving[county].append((id_number_index, member_id))
    for county, records in moving.items():
        await person_index.follow(session, records, county)
        for model, key in WITH_THE_RECORD:
            await move_rows(session, model, key, [member_id for _, member_id in records], column="county_id", value=county)
    return sum(len(ids) for ids in moving.values())


async def _settle_applications(session: AsyncSession, which: ColumnElement[bool]) -> None:
    """Applications matching `which` moved into their organization's county."""
    stmt = (
        select(Application.id, org_replica.c.county_id)
        .join(org_replica, org_replica.c.id == Application.org_id)
        .where(which, Application.county_id != org_replica.c.county_id)
    )
    moving: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    for application_id, county in await session.execute(stmt):
        moving[county].append(application_id)
    for county, ids in moving.items():
        await move_rows(session, Application, "id", ids, column="county_id", value=county)


async def misplaced(session: AsyncSession) -> dict[str, int]:
    """Records not in their organization's county, rows of theirs (`WITH_THE_RECORD`: "history"
    for the history, the table's name for the others) not in their record's, applications not in
    their organization's: what `python -m stack members-rollups` reports after its recount
    (there must be none)."""
    records = select(func.count()).select_from(Member).join(org_replica, org_replica.c.id == Member.org_id)
    found = {"records": await session.scalar(records.where(Member.county_id != org_replica.c.county_id)) or 0}
    for model, key in WITH_THE_RECORD[1:]:
        table = model.__table__
        rows = select(func.count()).select_from(table).join(Member, Member.id == table.c[key])
        name = "history" if model is MemberEventRow else table.name
        found[name] = await session.scalar(rows.where(table.c.county_id != Member.county_id)) or 0
    applications = select(func.count()).select_from(Application).join(org_replica, org_replica.c.id == Application.org_id)
    found["applications"] = await session.scalar(applications.where(Application.county_id != org_replica.c.county_id)) or 0
    return found
