"""The person index (models.PersonIndex): who has an open record, by the keyed hash of the ID
number. Its key refuses a second open record for a person on every database, the records
distributed by county on a Citus cluster included, where the records' own partial unique index
cannot be kept (docs/scaling.md). A record enters it when made (created, imported, approved from an
application), leaves it when closed (left, deceased, transferred out), and its county follows
the record's (service/counties.py).

Who asks whether a person has an open record asks here: one row by its key, one shard on Citus.
"""

import uuid
from collections.abc import Collection, Iterable

from sqlalchemy import delete, func, insert, select, text, update
from sqlalchemy.dialects import sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.db import is_citus
from services.members.models import Member, PersonIndex
from services.members.rules.records import CLOSED_STATES

# Keys per statement: well under every database's parameter limit.
_CHUNK = 1000
COLUMNS = ("id_number_index", "member_id", "county_id")
_ENTER_ARRAYS = text(
    f"INSERT INTO {PersonIndex.__table__.fullname} ({', '.join(COLUMNS)}) "  # type: ignore[attr-defined]
    "SELECT * FROM unnest(CAST(:keys AS text[]), CAST(:ids AS uuid[]), CAST(:counties AS uuid[])) ON CONFLICT DO NOTHING"
)


async def open_record(session: AsyncSession, id_number_index: str) -> uuid.UUID | None:
    """The open record of the person with this ID number's keyed hash, if any."""
    placed = await open_record_placed(session, id_number_index)
    return None if placed is None else placed[0]


async def open_record_placed(session: AsyncSession, id_number_index: str) -> tuple[uuid.UUID, uuid.UUID] | None:
    """The open record of the person with this ID number's keyed hash and its county, if any."""
    row = (
        await session.execute(
            select(PersonIndex.member_id, PersonIndex.county_id).where(PersonIndex.id_number_index == id_number_index)
        )
    ).first()
    return None if row is None else (row.member_id, row.county_id)


async def with_open_records(session: AsyncSession, id_number_indexes: Collection[str]) -> set[str]:
    """Which of these keyed hashes belong to a person with an open record."""
    keys, found = list(id_number_indexes), set()
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start : start + _CHUNK]
        found |= set(await session.scalars(select(PersonIndex.id_number_index).where(PersonIndex.id_number_index.in_(chunk))))
    return found


async def enter(session: AsyncSession, member: Member) -> None:
    """A new open record. A second open record of the person is refused by the key: this raises
    IntegrityError (a concurrent request may have filed the person first)."""
    await session.execute(
        insert(PersonIndex).values(id_number_index=member.id_number_index, member_id=member.id, county_id=member.county_id)
    )


async def enter_all(session: AsyncSession, rows: list[tuple[str, uuid.UUID, uuid.UUID]]) -> bool:
    """New open records (an import's: keyed hash, id, county); whether every one entered. A row
    whose person already has an open record is skipped, not raised: a Citus coordinator reports
    a unique violation in a multi-shard write as an internal error, so the count is what tells.
    On PostgreSQL one statement takes the rows as three arrays (a thousand-row VALUES list took
    a third of a 100 000-row import's time to compile and send); on SQLite a thousand rows at a
    time."""
    if not rows:
        return True
    if session.get_bind().dialect.name == "postgresql":
        keys, ids, counties = (list(column) for column in zip(*rows, strict=True))
        result = await session.execute(_ENTER_ARRAYS, {"keys": keys, "ids": ids, "counties": counties})
        if not await is_citus(session):
            return result.rowcount == len(rows)  # type: ignore[attr-defined, no-any-return]
        # A Citus coordinator's INSERT … SELECT counts the rows it sent, skipped ones included:
        # the rows that entered are counted instead (by their keys: one probe per shard's index).
        entered = select(func.count()).where(PersonIndex.id_number_index.in_(keys), PersonIndex.member_id.in_(ids))
        return await session.scalar(entered) == len(rows)
    for start in range(0, len(rows), _CHUNK):
        chunk = [dict(zip(COLUMNS, row, strict=True)) for row in rows[start : start + _CHUNK]]
        result = await session.execute(sqlite.insert(PersonIndex).values(chunk).on_conflict_do_nothing())
        if result.rowcount != len(chunk):  # type: ignore[attr-defined]
            return False
    return True


async def leave(session: AsyncSession, member: Member) -> None:
    """The record was closed: the person may have an open record again (a transfer received back)."""
    await session.execute(
        delete(PersonIndex).where(PersonIndex.id_number_index == member.id_number_index, PersonIndex.member_id == member.id)
    )


async def follow(session: AsyncSession, moved: Iterable[tuple[str, uuid.UUID]], county_id: uuid.UUID) -> None:
    """Records (keyed hash, id) moved into `county_id`: their rows follow."""
    rows = list(moved)
    for start in range(0, len(rows), _CHUNK):
        chunk = rows[start : start + _CHUNK]
        # One row per key, so the two lists name exactly these rows; the keys let Citus go to their shards.
        which = PersonIndex.id_number_index.in_([key for key, _ in chunk]), PersonIndex.member_id.in_([id for _, id in chunk])
        await session.execute(update(PersonIndex).where(*which).values(county_id=county_id))


async def differences(session: AsyncSession) -> dict[str, int]:
    """Open records without their row (or with another county), and rows without their open
    record: what `python -m stack members-rollups` reports (there must be none)."""
    held = select(PersonIndex.member_id, PersonIndex.county_id)
    open_records = select(Member.id, Member.county_id).where(Member.state.not_in(CLOSED_STATES))
    missing = open_records.except_(held).subquery()
    stale = held.except_(open_records).subquery()
    return {
        "missing": await session.scalar(select(func.count()).select_from(missing)) or 0,
        "stale": await session.scalar(select(func.count()).select_from(stale)) or 0,
    }
