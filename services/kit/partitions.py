"""Declarative partitioning of the large, time-ordered tables on PostgreSQL; SQLite keeps plain tables.

Which tables, by what and why: docs/scaling.md ("Partitioning"). A service names its partitioned
tables with `Partitioning` specs; its migration rebuilds each as a partitioned table
(`partition_table`, rows copied and counted), and its scheduled job keeps partitions made ahead of
time (`ensure_partitions`) and hands the old ones to retention (`detach_partitions`).

Partitions are named after their parent and their range: `<table>_y2026m03` holds a month,
`<table>_s000012` the 13th block of sequence numbers, `<table>_default` whatever no other takes;
a detached one becomes `<table>_archived_<range>`. `kit.migrations` leaves every such name out
of the models-vs-database comparison, and the jobs read a partition's range from its name.

Partitions are made ahead by a job, not when a write needs one: `CREATE TABLE … PARTITION OF`
locks the parent against readers and writers, which no request should queue behind, and a
request's transaction should not carry DDL. A default partition catches what the job did not
foresee (a day past the months made ahead, a stopped job), so a write never fails for want of a
partition; the job's next run splits such rows out into their own partition.
"""

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from services.kit.context import today_in
from services.kit.scheduler import Job
from services.kit.settings import ProcessSettings

PARTITION_NAME = re.compile(r"_(archived_)?(y\d{4}m\d{2}|s\d{6}|default)(_\d+)?$")
_MONTH = re.compile(r"_y(\d{4})m(\d{2})$")
_BLOCK = re.compile(r"_s(\d{6})$")


@dataclass(frozen=True)
class Partitioning:
    """How one table is partitioned: by month of a date or UTC timestamp column, or by blocks of a
    sequence number; `ahead` months (or blocks) are made in advance."""

    table: str
    column: str
    by: Literal["month", "seq"]
    ahead: int = 3
    block: int = 10_000_000
    timestamp: bool = False  # the column is a timestamptz: month bounds are UTC midnights


# Every service's outbox (`kit.outbox.outbox_table`): blocks of ten million sequence numbers.
OUTBOX = Partitioning("outbox", "seq", "seq", ahead=1)


def is_partition_name(name: str) -> bool:
    return bool(PARTITION_NAME.search(name))


def _month(day: date, shift: int = 0) -> date:
    index = day.year * 12 + day.month - 1 + shift
    return date(index // 12, index % 12 + 1, 1)


def _name(spec: Partitioning, part: date | int) -> str:
    if isinstance(part, date):
        return f"{spec.table}_y{part.year:04d}m{part.month:02d}"
    return f"{spec.table}_s{part:06d}"


def _bounds(spec: Partitioning, part: date | int) -> tuple[str, str]:
    if isinstance(part, int):
        return str(part * spec.block), str((part + 1) * spec.block)
    suffix = " 00:00:00+00" if spec.timestamp else ""
    return f"'{part.isoformat()}{suffix}'", f"'{_month(part, 1).isoformat()}{suffix}'"


def _part_of(spec: Partitioning, name: str) -> date | int | None:
    if month := _MONTH.search(name):
        return date(int(month[1]), int(month[2]), 1)
    if block := _BLOCK.search(name):
        return int(block[1])
    return None


def _q(schema: str, name: str) -> str:
    return f'"{schema}"."{name}"'


def partitions(connection: Connection, schema: str, table: str) -> list[str]:
    """The names of the partitions attached to `schema.table` now."""
    rows = connection.execute(
        text(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace n ON n.oid = p.relnamespace "
            "WHERE n.nspname = :schema AND p.relname = :table ORDER BY c.relname"
        ),
        {"schema": schema, "table": table},
    )
    return [row[0] for row in rows]


def _parts_of_rows(connection: Connection, spec: Partitioning, source: str) -> set[date | int]:
    """The months (or blocks) that rows of `source` fall in."""
    if spec.by == "month":
        zone = " AT TIME ZONE 'UTC'" if spec.timestamp else ""
        sql = f"SELECT DISTINCT date_trunc('month', {spec.column}{zone})::date FROM {source} WHERE {spec.column} IS NOT NULL"
        return {row[0] for row in connection.execute(text(sql))}
    sql = f"SELECT DISTINCT {spec.column} / {spec.block} FROM {source} WHERE {spec.column} IS NOT NULL"
    return {int(row[0]) for row in connection.execute(text(sql))}


def _wanted(connection: Connection, schema: str, spec: Partitioning, today: date, since: date | None = None) -> set[date | int]:
    """The partitions that should exist from now on: this month (block) and `ahead` more (and
    the months from `since`, for a load of past rows)."""
    if spec.by == "month":
        first = _month(min(since or today, today))
        count = (today.year - first.year) * 12 + today.month - first.month + spec.ahead + 1
        return {_month(first, shift) for shift in range(count)}
    top = connection.scalar(text(f"SELECT max({spec.column}) FROM {_q(schema, spec.table)}")) or 0
    current = int(top) // spec.block
    return set(range(current, current + spec.ahead + 1))


def _create(connection: Connection, schema: str, spec: Partitioning, parts: Iterable[date | int]) -> list[str]:
    made = []
    for part in sorted(parts, key=lambda p: _name(spec, p)):
        low, high = _bounds(spec, part)
        name = _name(spec, part)
        connection.execute(
            text(f"CREATE TABLE {_q(schema, name)} PARTITION OF {_q(schema, spec.table)} FOR VALUES FROM ({low}) TO ({high})")
        )
        made.append(name)
    return made


def ensure_partitions(
    connection: Connection, schema: str, spec: Partitioning, today: date, *, since: date | None = None
) -> list[str]:
    """Make the partitions of this month (block) and the ones ahead that are missing, and split
    out of the default partition the rows that belong to a partition of their own. Returns the
    partitions made.

    The split detaches the default partition, makes the missing partitions and a new default, and
    inserts the old default's rows through the parent (each lands in its partition): no row is
    deleted, so it works on the append-only audit trail too, whose triggers refuse a DELETE."""
    held = {part for name in partitions(connection, schema, spec.table) if (part := _part_of(spec, name)) is not None}
    default = f"{spec.table}_default"
    stray = _parts_of_rows(connection, spec, _q(schema, default)) - held
    missing = (_wanted(connection, schema, spec, today, since) | stray) - held
    if not stray:
        return _create(connection, schema, spec, missing)
    splitting = f"{spec.table}_default_split"
    connection.execute(text(f"ALTER TABLE {_q(schema, spec.table)} DETACH PARTITION {_q(schema, default)}"))
    connection.execute(text(f'ALTER TABLE {_q(schema, default)} RENAME TO "{splitting}"'))
    made = _create(connection, schema, spec, missing)
    connection.execute(text(f"CREATE TABLE {_q(schema, default)} PARTITION OF {_q(schema, spec.table)} DEFAULT"))
    connection.execute(text(f"INSERT INTO {_q(schema, spec.table)} SELECT * FROM {_q(schema, splitting)}"))
    connection.execute(text(f"DROP TABLE {_q(schema, splitting)}"))
    return made


def _ends_by(spec: Partitioning, part: date | int, before: date | int) -> bool:
    if isinstance(part, date):
        return isinstance(before, date) and _month(part, 1) <= before
    return isinstance(before, int) and (part + 1) * spec.block <= before


def detach_partitions(connection: Connection, schema: str, spec: Partitioning, *, before: date | int, drop: bool) -> list[str]:
    """Detach every partition that ends at or before `before` (a month's first day, or a sequence
    number) — whole tables, no DELETE. Dropped when `drop`, otherwise kept as
    `<table>_archived_<range>` for the operator to dump to the archive (pg_dump -t) and drop.
    Returns the partitions detached, oldest first."""
    detached = []
    for name in partitions(connection, schema, spec.table):
        part = _part_of(spec, name)
        if part is None:
            continue
        if not _ends_by(spec, part, before):
            continue
        connection.execute(text(f"ALTER TABLE {_q(schema, spec.table)} DETACH PARTITION {_q(schema, name)}"))
        if drop:
            connection.execute(text(f"DROP TABLE {_q(schema, name)}"))
        else:
            archived = name.replace(f"{spec.table}_", f"{spec.table}_archived_", 1)
            taken = connection.scalar(text("SELECT to_regclass(:name) IS NOT NULL"), {"name": _q(schema, archived)})
            if taken:  # the month was archived before and rows came back to it (a late correction)
                connection.execute(text(f"INSERT INTO {_q(schema, archived)} SELECT * FROM {_q(schema, name)}"))
                connection.execute(text(f"DROP TABLE {_q(schema, name)}"))
            else:
                connection.execute(text(f'ALTER TABLE {_q(schema, name)} RENAME TO "{archived}"'))
        detached.append(name)
    return detached


def partition_table(
    connection: Connection,
    schema: str,
    spec: Partitioning,
    *,
    primary_key: Sequence[str],
    unique: Mapping[str, Sequence[str]] = {},
    today: date,
) -> int:
    """Rebuild the plain table `spec.table` as a partitioned one (a migration step, PostgreSQL).

    Same columns, defaults and indexes; every row copied and counted (a mismatch raises, and the
    migration's transaction undoes everything). The primary key and the unique constraints are
    given again because a partitioned table's must contain the partition key. Partitions are made
    for every month (block) the rows fall in, this one and those ahead, and a default. Returns the
    number of rows."""
    table = _q(schema, spec.table)
    plain = f"{spec.table}_unpartitioned"
    indexes = _plain_indexes(connection, schema, spec.table)
    count = int(connection.scalar(text(f"SELECT count(*) FROM {table}")) or 0)
    parts = _parts_of_rows(connection, spec, table) | _wanted(connection, schema, spec, today)
    connection.execute(text(f'ALTER TABLE {table} RENAME TO "{plain}"'))
    connection.execute(
        text(f"CREATE TABLE {table} (LIKE {_q(schema, plain)} INCLUDING DEFAULTS) PARTITION BY RANGE ({spec.column})")
    )
    _move_sequences(connection, schema, plain, spec.table)
    _create(connection, schema, spec, parts)
    connection.execute(text(f"CREATE TABLE {_q(schema, spec.table + '_default')} PARTITION OF {table} DEFAULT"))
    _copy_and_replace(connection, schema, plain, spec.table, count)
    _add_keys(connection, table, name=spec.table, primary_key=primary_key, unique=unique, indexes=indexes)
    return count


def unpartition_table(
    connection: Connection, schema: str, table_name: str, *, primary_key: Sequence[str], unique: Mapping[str, Sequence[str]] = {}
) -> int:
    """The way back (a downgrade): the partitioned table rebuilt as a plain one, rows counted;
    archived (detached) partitions stay where they are."""
    table = _q(schema, table_name)
    plain = f"{table_name}_partitioned"
    indexes = _plain_indexes(connection, schema, table_name)
    count = int(connection.scalar(text(f"SELECT count(*) FROM {table}")) or 0)
    connection.execute(text(f'ALTER TABLE {table} RENAME TO "{plain}"'))
    connection.execute(text(f"CREATE TABLE {table} (LIKE {_q(schema, plain)} INCLUDING DEFAULTS)"))
    _move_sequences(connection, schema, plain, table_name)
    _copy_and_replace(connection, schema, plain, table_name, count)
    _add_keys(connection, table, name=table_name, primary_key=primary_key, unique=unique, indexes=indexes)
    return count


def _plain_indexes(connection: Connection, schema: str, table: str) -> list[str]:
    """The definitions of the table's indexes that no constraint owns (those are given again)."""
    rows = connection.execute(
        text(
            "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid "
            "JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = :schema AND t.relname = :table "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) ORDER BY 1"
        ),
        {"schema": schema, "table": table},
    )
    return [row[0] for row in rows]


def _move_sequences(connection: Connection, schema: str, old: str, new: str) -> None:
    """A serial column's sequence belongs to its table: hand it to the new one before the old goes."""
    rows = connection.execute(
        text(
            "SELECT a.attname, pg_get_serial_sequence(:table, a.attname) FROM pg_attribute a "
            "WHERE a.attrelid = CAST(:table AS regclass) AND a.attnum > 0 AND NOT a.attisdropped"
        ),
        {"table": _q(schema, old)},
    )
    for column, sequence in rows:
        if sequence:
            connection.execute(text(f'ALTER SEQUENCE {sequence} OWNED BY {_q(schema, new)}."{column}"'))


def _copy_and_replace(connection: Connection, schema: str, old: str, new: str, count: int) -> None:
    connection.execute(text(f"INSERT INTO {_q(schema, new)} SELECT * FROM {_q(schema, old)}"))
    copied = int(connection.scalar(text(f"SELECT count(*) FROM {_q(schema, new)}")) or 0)
    if copied != count:
        raise RuntimeError(f"{schema}.{new}: {count} rows before, {copied} after the copy")
    connection.execute(text(f"DROP TABLE {_q(schema, old)}"))


def _add_keys(
    connection: Connection,
    table: str,
    *,
    name: str,
    primary_key: Sequence[str],
    unique: Mapping[str, Sequence[str]],
    indexes: Sequence[str],
) -> None:
    connection.execute(text(f'ALTER TABLE {table} ADD CONSTRAINT "pk_{name}" PRIMARY KEY ({", ".join(primary_key)})'))
    for constraint, columns in unique.items():
        connection.execute(text(f'ALTER TABLE {table} ADD CONSTRAINT "{constraint}" UNIQUE ({", ".join(columns)})'))
    for definition in indexes:
        # A partitioned table's index reads `ON ONLY`; rebuilt, it covers the new table's partitions.
        connection.execute(text(definition.replace(" ON ONLY ", " ON ")))


def drop_outbox_blocks(connection: Connection, schema: str, *, older_than: datetime) -> list[str]:
    """Drop the outbox's oldest blocks whose newest event is older than `older_than`, up to the
    first that is not (never the block the next event goes to). A feed is read forwards, so a
    consumer past a block never reads it again; one that starts from the beginning starts at the
    oldest block kept."""
    top = int(connection.scalar(text(f"SELECT coalesce(max(seq), 0) FROM {_q(schema, OUTBOX.table)}")) or 0)
    blocks = sorted(
        part for name in partitions(connection, schema, OUTBOX.table) if isinstance(part := _part_of(OUTBOX, name), int)
    )
    keep_from = None
    for block in blocks:
        newest = connection.scalar(text(f"SELECT max(occurred_at) FROM {_q(schema, _name(OUTBOX, block))}"))
        if (block + 1) * OUTBOX.block > top or (newest is not None and newest >= older_than):
            keep_from = block * OUTBOX.block
            break
    if keep_from is None:
        return []
    return detach_partitions(connection, schema, OUTBOX, before=keep_from, drop=True)


async def maintain(
    session: AsyncSession,
    schema: str,
    specs: Sequence[Partitioning],
    *,
    today: date,
    archive_before: date | None = None,
    outbox_older_than: datetime | None = None,
) -> str:
    """A service's partition job, one transaction: the outbox's next block and each spec's months
    ahead made (strays split out of the defaults), months ending by `archive_before` detached to
    the archive, outbox blocks older than `outbox_older_than` dropped. The job's detail says what."""
    if session.get_bind().dialect.name != "postgresql":
        return "plain tables (SQLite): nothing to do"

    def work(sync_session: Session) -> str:
        connection = sync_session.connection()
        made = ensure_partitions(connection, schema, OUTBOX, today)
        archived: list[str] = []
        for spec in specs:
            made += ensure_partitions(connection, schema, spec, today)
            if archive_before is not None:
                archived += detach_partitions(connection, schema, spec, before=archive_before, drop=False)
        dropped = drop_outbox_blocks(connection, schema, older_than=outbox_older_than) if outbox_older_than else []
        return f"made {len(made)}, archived {len(archived)}, outbox blocks dropped {len(dropped)}"

    return await session.run_sync(work)


def partitions_job(
    schema: str,
    specs: Sequence[Partitioning] = (),
    *,
    every_s: float,
    outbox_retention_days: int = 0,
    archive_before: Callable[[date], date] | None = None,
    timezone: str = "UTC",
) -> Job:
    """`<schema>.partitions`: `maintain` on a schedule; `archive_before(today)` is where the
    retention of `specs` starts (None: they are kept whole)."""

    async def run(session: AsyncSession) -> str:
        today = today_in(timezone)
        older = datetime.now(UTC) - timedelta(days=outbox_retention_days) if outbox_retention_days else None
        before = archive_before(today) if archive_before else None
        return await maintain(session, schema, specs, today=today, archive_before=before, outbox_older_than=older)

    return Job(f"{schema}.partitions", every_s, run)


def outbox_partitions_job(schema: str, settings: ProcessSettings) -> Job:
    """The partition job of a process whose only partitioned table is its outbox."""
    return partitions_job(schema, every_s=settings.partitions_interval_s, outbox_retention_days=settings.outbox_retention_days)
