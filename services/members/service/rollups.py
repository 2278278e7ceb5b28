"""Keeping the roll-ups (rules/rollups.py): deltas appended by every write, folded in by a job,
rebuilt and checked from the rows by the repair command (`python -m stack members-rollups`).

Every write of a member record goes through the ORM session, so one hook after each flush sees
them all (create, PATCH, state and whereabouts changes, transfers, imports, probation, merges,
back-dated corrections, which change the record's columns too): for each member whose counted
columns changed it appends a signed delta row (-1 the record as it was, +1 as it is) in the
same transaction. Appending keeps the write cheap and free of hot rows; `fold` later adds the
deltas to the totals of the member's rolled-up ancestors and deletes them, in one transaction,
and readers add the deltas not yet folded (one statement), so the figures are exact, with no lag.

Only organizations whose subtree held at least `rollup_min_members` at the last rebuild are
rolled up: a smaller subtree is read from its rows as before (a township: milliseconds). A
change of the tree (a node moved, a setting changed) marks the roll-ups not current; reads then
fall back to the rows until the next rebuild (the fold job rebuilds them).
"""

import uuid
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Integer,
    MetaData,
    String,
    Table,
    Uuid,
    case,
    cast,
    delete,
    event,
    func,
    insert,
    inspect,
    literal,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from services.kit.db import Database, is_citus
from services.members.enums import Whereabouts
from services.members.models import (
    Member,
    member_rollup_deltas,
    member_rollup_orgs,
    member_rollup_state,
    member_rollups,
    org_replica,
)
from services.members.rules.records import CLOSED_STATES
from services.members.rules.rollups import BIRTH, CLOSED, JOINED, MEMBER, NO_SETTING, NOT_TRANSFERRED, PAIRS, keys_of, pair_name

COUNTED = ("org_id", "birth_date", "joined_on", "education", "occupation", "sex", "state", "party_status", "whereabouts")
DELTA_COLUMNS = ("member_id", "county_id", "residence_community_id", *COUNTED)
DELTA_INSERT = (*DELTA_COLUMNS, "weight")
FOLD_BATCH = 5000
MEMBERS_TABLE = f"{member_rollups.schema}.{Member.__tablename__}"
STATE_ID = 1


def _delta(member: Member, weight: int, old: dict[str, Any] | None = None) -> dict[str, Any]:
    values = {name: getattr(member, name) for name in COUNTED} | (old or {})
    placed = {"member_id": member.id, "county_id": member.county_id, "residence_community_id": member.residence_community_id}
    return values | placed | {"weight": weight}


def _after_flush(session: Session, _context: Any) -> None:
    rows: list[dict[str, Any]] = []
    for member in session.new:
        if isinstance(member, Member):
            rows.append(_delta(member, 1))
    for member in session.dirty:
        if not isinstance(member, Member):
            continue
        state = inspect(member)
        old: dict[str, Any] = {}
        for name in COUNTED:
            history = state.attrs[name].history
            if history.deleted and history.deleted[0] != getattr(member, name):
                old[name] = history.deleted[0]
        if old:
            rows += [_delta(member, -1, old), _delta(member, 1)]
    for member in session.deleted:
        if isinstance(member, Member):
            rows.append(_delta(member, -1))
    if rows:
        session.connection().execute(insert(member_rollup_deltas), rows)


def import_deltas(columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The deltas (`DELTA_INSERT`) of member rows an import writes past the ORM, in `columns` order."""
    at = [columns.index("id" if name == "member_id" else name) for name in DELTA_COLUMNS]
    return [(*(row[i] for i in at), 1) for row in rows]


def maintain(db: Database) -> None:
    """Append the deltas of every member write made through `db`'s sessions."""
    session_class = db.write_sessions.kw["sync_session_class"]
    if not event.contains(session_class, "after_flush", _after_flush):
        event.listen(session_class, "after_flush", _after_flush)


async def _lock_state(session: AsyncSession) -> Any:
    """The state row, locked: fold and rebuild never run at once."""
    dialect = session.get_bind().dialect.name
    first = (postgresql_insert if dialect == "postgresql" else sqlite_insert)(member_rollup_state)
    await session.execute(first.values(id=STATE_ID, current=0, built_at=None).on_conflict_do_nothing(index_elements=["id"]))
    return (
        await session.execute(select(member_rollup_state).where(member_rollup_state.c.id == STATE_ID).with_for_update())
    ).one()


async def are_current(session: AsyncSession) -> bool:
    return bool(await session.scalar(select(member_rollup_state.c.current).where(member_rollup_state.c.id == STATE_ID)))


async def mark_stale(session: AsyncSession) -> None:
    """The tree changed under the roll-ups (or their upkeep was switched off): read the rows until rebuilt."""
    await session.execute(update(member_rollup_state).where(member_rollup_state.c.id == STATE_ID).values(current=0))


def _ancestor_paths(path: str) -> list[str]:
    return [path[: i + 1] for i, char in enumerate(path) if char == "/" and i > 0]


def _upsert(dialect: str, rows: Any = None) -> Any:
    """Adding to the totals: of the rows given to execute, or of the SELECT `rows`."""
    stmt = (postgresql_insert if dialect == "postgresql" else sqlite_insert)(member_rollups)
    if rows is not None:
        stmt = stmt.from_select(["org_id", "pair", "setting", "population", "a", "b", "count"], rows)
    return stmt.on_conflict_do_update(
        index_elements=[member_rollups.c[n] for n in ("org_id", "pair", "setting", "population", "a", "b")],
        set_={"count": member_rollups.c.count + stmt.excluded.count},
    )


async def fold(session: AsyncSession, batch: int = FOLD_BATCH) -> int:
    """Add up to `batch` pending deltas to their rolled-up ancestors' totals and delete them.
    Not current: the deltas are dropped (the rebuild counts the rows themselves)."""
    state = await _lock_state(session)
    deltas = (await session.execute(select(member_rollup_deltas).order_by(member_rollup_deltas.c.id).limit(batch))).all()
    if not deltas:
        return 0
    if state.current:
        rolled = {str(p): org_id for org_id, p in (await session.execute(select(member_rollup_orgs))).all()}
        org_ids = {row.org_id for row in deltas}
        orgs = {
            row.id: (row.path, row.setting)
            for row in (
                await session.execute(
                    select(org_replica.c.id, org_replica.c.path, org_replica.c.setting).where(org_replica.c.id.in_(org_ids))
                )
            )
        }
        sums: dict[tuple[Any, ...], int] = defaultdict(int)
        for row in deltas:
            path, setting = orgs.get(row.org_id, ("", None))
            facts = row._asdict()
            for ancestor in [rolled[p] for p in _ancestor_paths(path) if p in rolled]:
                for key in keys_of(facts, setting):
                    sums[(ancestor, *key)] += row.weight
        changed = [
            dict(zip(("org_id", "pair", "setting", "population", "a", "b"), k, strict=True)) | {"count": n}
            for k, n in sums.items()
            if n
        ]
        if changed:
            await session.execute(_upsert(session.get_bind().dialect.name), changed)
            await session.execute(delete(member_rollups).where(member_rollups.c.count == 0))
    await session.execute(delete(member_rollup_deltas).where(member_rollup_deltas.c.id.in_([row.id for row in deltas])))
    await _analyze(session, member_rollup_deltas)
    return len(deltas)


async def _analyze(session: AsyncSession, table: Table) -> None:
    """PostgreSQL: the planner told how many rows the table holds now. Readers join the deltas to
    the tree; told of rows long folded, it hashes a province's 242 000 organizations (measured:
    180 ms) where the few left need a look-up each."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text(f"ANALYZE {table.fullname}"))


def _key_expr(dimension: str) -> Any:
    if dimension in (BIRTH, JOINED):
        column = Member.birth_date if dimension == BIRTH else Member.joined_on
        return func.substr(cast(column, String), 1, 7)
    return getattr(Member, dimension)


def _population_expr() -> Any:
    return case(
        (Member.state.in_(CLOSED_STATES), literal(CLOSED)),
        (Member.whereabouts == Whereabouts.not_transferred.value, literal(NOT_TRANSFERRED)),
        else_=literal(MEMBER),
    )


async def _choose(
    session: AsyncSession, min_members: int
) -> tuple[dict[uuid.UUID, uuid.UUID], dict[uuid.UUID, uuid.UUID | None]]:
    """The organizations to roll up (subtree of at least `min_members` records), and for every
    organization under one of them the nearest rolled-up one at or above it; for each rolled-up
    organization the nearest rolled-up one above it."""
    paths = {row.id: str(row.path) for row in (await session.execute(select(org_replica.c.id, org_replica.c.path)))}
    by_path = {path: org_id for org_id, path in paths.items()}
    subtree: dict[str, int] = defaultdict(int)
    for org_id, count in (await session.execute(select(Member.org_id, func.count()).group_by(Member.org_id))).all():
        for ancestor in _ancestor_paths(paths.get(org_id, "")):
            subtree[ancestor] += int(count)
    rolled = {path for path, count in subtree.items() if count >= min_members and path in by_path}
    nearest: dict[uuid.UUID, uuid.UUID] = {}
    for org_id, path in paths.items():
        above = [p for p in _ancestor_paths(path) if p in rolled]
        if above:
            nearest[org_id] = by_path[above[-1]]
    parents: dict[uuid.UUID, uuid.UUID | None] = {}
    for path in rolled:
        above = [p for p in _ancestor_paths(path)[:-1] if p in rolled]
        parents[by_path[path]] = by_path[above[-1]] if above else None
    return nearest, parents


async def rebuild(session: AsyncSession, min_members: int) -> dict[str, int]:
    """Count the roll-ups again from the member rows, replacing what is held; returns how many
    stored rows differed from the recount (missing, extra or with another count: there must be none)."""
    state = await _lock_state(session)
    checked = bool(state.current)
    if checked:
        await _fold_all(session)
    was_rolled = set((await session.scalars(select(member_rollup_orgs.c.org_id))).all())
    held, parents_table = _temporary_tables()
    connection = await session.connection()
    await connection.run_sync(held.create)
    if checked:
        await session.execute(insert(held).from_select([c.name for c in held.c], select(member_rollups)))
    await session.execute(delete(member_rollups))
    await session.execute(delete(member_rollup_orgs))
    await session.execute(delete(member_rollup_deltas))
    nearest, parents = await _choose(session, min_members)
    paths = (
        dict(
            (await session.execute(select(org_replica.c.id, org_replica.c.path).where(org_replica.c.id.in_(list(parents))))).all()
        )
        if parents
        else {}
    )
    if parents:
        await session.execute(insert(member_rollup_orgs), [{"org_id": o, "path": paths[o]} for o in parents])
    await _count_rows(session, nearest)
    # Each rolled-up organization's totals gain its rolled-up descendants', deepest first.
    await connection.run_sync(parents_table.create)
    above: list[dict[str, Any]] = [
        {"org_id": o, "parent_id": p, "depth": str(paths[o]).count("/")} for o, p in parents.items() if p is not None
    ]
    if above:
        await session.execute(insert(parents_table), above)
    for depth in sorted({int(row["depth"]) for row in above}, reverse=True):
        r = member_rollups.c
        summed = (
            select(parents_table.c.parent_id, r.pair, r.setting, r.population, r.a, r.b, func.sum(r.count))
            .join(parents_table, parents_table.c.org_id == r.org_id)
            .where(parents_table.c.depth == depth)
            .group_by(parents_table.c.parent_id, r.pair, r.setting, r.population, r.a, r.b)
        )
        await session.execute(_upsert(session.get_bind().dialect.name, summed))
    await session.execute(
        update(member_rollup_state).where(member_rollup_state.c.id == STATE_ID).values(current=1, built_at=datetime.now(UTC))
    )
    # Compared where both counts exist: an organization rolled up only now (or no longer) has nothing to compare.
    both = list(was_rolled & set(parents))
    differing = 0
    if checked and both:
        columns = [member_rollups.c[c.name] for c in held.c]
        stored = select(*held.c).where(held.c.org_id.in_(both))
        recounted = select(*columns).where(member_rollups.c.org_id.in_(both))
        for one, other in ((stored, recounted), (recounted, stored)):
            differing += int(await session.scalar(select(func.count()).select_from(one.except_(other).subquery())) or 0)
    await connection.run_sync(held.drop)
    await connection.run_sync(parents_table.drop)
    await _analyze(session, member_rollups)
    await _analyze(session, member_rollup_deltas)
    total = await session.scalar(select(func.count()).select_from(member_rollups))
    return {"organizations": len(parents), "rows": int(total or 0), "differing": differing, "checked": int(checked)}


async def _fold_all(session: AsyncSession) -> int:
    folded = 0
    while (done := await fold(session)) > 0:
        folded += done
    return folded


async def _count_rows(session: AsyncSession, nearest: dict[uuid.UUID, uuid.UUID]) -> None:
    """Each member counted once, at the nearest rolled-up organization at or above theirs."""
    if not nearest:
        return
    mapping = _mapping_table()
    connection = await session.connection()
    await connection.run_sync(mapping.create)
    items = list(nearest.items())
    for start in range(0, len(items), 10_000):
        await session.execute(insert(mapping), [{"org_id": o, "rolled_id": r} for o, r in items[start : start + 10_000]])
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SET LOCAL work_mem = '1GB'"))  # the grouping sets' hash tables, in memory
        await session.execute(text(_grouping_sets_sql(mapping.name, gathered=await is_citus(session))))
    else:
        for pair in PAIRS:
            a, b = _key_expr(pair[0]), _key_expr(pair[1])
            setting = func.coalesce(org_replica.c.setting, literal(NO_SETTING))
            population = _population_expr()
            counted = (
                select(mapping.c.rolled_id, literal(pair_name(pair)), setting, population, a, b, func.count())
                .select_from(Member)
                .join(mapping, mapping.c.org_id == Member.org_id)
                .join(org_replica, org_replica.c.id == Member.org_id)
                .group_by(mapping.c.rolled_id, setting, population, a, b)
            )
            columns = ["org_id", "pair", "setting", "population", "a", "b", "count"]
            await session.execute(insert(member_rollups).from_select(columns, counted))
    await connection.run_sync(mapping.drop)


def _grouping_sets_sql(mapping: str, gathered: bool) -> str:
    """PostgreSQL: every pair in ONE scan of the records (GROUPING SETS), not one scan a pair
    (measured at 700 k records: 66 s for the 23 scans).

    `gathered` (on Citus): the records are read in a MATERIALIZED CTE and grouped from there.
    Citus cannot distribute a query with grouping sets over a distributed table ("could not run
    distributed query with GROUPING"); so it reads the CTE on the shards, in parallel, and groups
    on the coordinator (10 M records on three nodes: 117 s). On one server the CTE only adds a
    copy of the rows: 10 M records, same database, 242 s against 176 s without it. A plain GROUP
    BY over the records joined to the 23 pairs, which Citus could distribute, took 74 s at 1.4 M
    records against 23 s."""
    dims = [BIRTH, JOINED, "education", "occupation", "sex", "state", "party_status", "whereabouts"]
    grouping = f"GROUPING({', '.join(dims)})"

    def mask(pair: tuple[str, str]) -> int:  # GROUPING's bit is 1 for an argument left out, the first the highest
        return sum(1 << (len(dims) - 1 - i) for i, d in enumerate(dims) if d not in pair)

    def case(value: Any) -> str:
        return "CASE " + grouping + " " + " ".join(f"WHEN {mask(p)} THEN {value(p)}" for p in PAIRS) + " END"

    closed = ", ".join(f"'{state}'" for state in CLOSED_STATES)
    records = f"""
            SELECT n.rolled_id, coalesce(o.setting, '{NO_SETTING}') AS setting,
                   CASE WHEN m.state IN ({closed}) THEN '{CLOSED}'
                        WHEN m.whereabouts = '{NOT_TRANSFERRED}' THEN '{NOT_TRANSFERRED}' ELSE '{MEMBER}' END AS population,
                   to_char(m.birth_date, 'YYYY-MM') AS {BIRTH}, to_char(m.joined_on, 'YYYY-MM') AS {JOINED},
                   m.education, m.occupation, m.sex, m.state, m.party_status, m.whereabouts
            FROM {MEMBERS_TABLE} m
            JOIN {mapping} n ON n.org_id = m.org_id
            JOIN {org_replica.fullname} o ON o.id = m.org_id"""
    return f"""
        {f"WITH records AS MATERIALIZED ({records})" if gathered else ""}
        INSERT INTO {member_rollups.fullname} (org_id, pair, setting, population, a, b, count)
        SELECT rolled_id, {case(lambda p: f"'{pair_name(p)}'")}, setting, population,
               {case(lambda p: p[0])}, {case(lambda p: p[1])}, count(*)
        FROM {"records" if gathered else f"({records}) AS records"}
        GROUP BY rolled_id, setting, population, GROUPING SETS ({", ".join(f"({a}, {b})" for a, b in PAIRS)})
    """


def _mapping_table() -> Any:
    return Table(
        "rollup_nearest",
        MetaData(),
        Column("org_id", Uuid, primary_key=True),
        Column("rolled_id", Uuid, nullable=False),
        prefixes=["TEMPORARY"],
    )


def _temporary_tables() -> tuple[Table, Table]:
    """The roll-ups as held before a recount (to compare), and each rolled-up organization's
    nearest rolled-up ancestor with its depth."""
    metadata = MetaData()
    held = Table(
        "rollup_held",
        metadata,
        Column("org_id", Uuid),
        *[Column(name, String(40)) for name in ("pair", "setting", "population", "a", "b")],
        Column("count", BigInteger),
        prefixes=["TEMPORARY"],
    )
    parents = Table(
        "rollup_parents",
        metadata,
        Column("org_id", Uuid, primary_key=True),
        Column("parent_id", Uuid, nullable=False),
        Column("depth", Integer, nullable=False),
        prefixes=["TEMPORARY"],
    )
    return held, parents


async def repair(db: Database, min_members: int) -> dict[str, int]:
    """The repair command: recount the roll-ups from the rows in one snapshot, report how many
    stored rows differed, and keep the recount."""
    async with db.write_sessions() as session:
        if session.get_bind().dialect.name == "postgresql":
            # One snapshot for the whole recount: a write committed meanwhile keeps its delta for the next fold.
            await session.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
        result = await rebuild(session, min_members)
        await session.commit()
    return result
