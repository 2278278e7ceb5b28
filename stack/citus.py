"""Citus: join workers to a database and distribute the members and activities schemas.

Alembic knows nothing of Citus. This step runs after the migrations (the operator's
`python -m stack citus-distribute`, and the test harness `tests/citus.py`), reads the tables as
they are and decides per table, by rule rather than by a list, so that a table added later (a
roll-up with an organization or county column) is picked up without a change here:

- **local** (stays a plain table on the coordinator): alembic's version table, the outbox and the
  feed cursors (each service's feed is one sequence numbered under an advisory lock, see
  docs/scaling.md), the job runner's and idempotency tables, and any table Citus cannot
  distribute (below);
- the database gets `citus.enable_repartition_joins = on` (joins on other columns than the
  distribution column);
- **reference** (copied to every node): the replicas of other services' data (`*_replica`) and
  small lookup tables (`activity_types`);
- **held by county first**: a table with a `county_id` column (the records, their history and
  the work on them; every row of an organization's work in activities)
  takes the county into its primary key and each unique index, as Citus requires of the
  distribution column. A unique index on the ID number's keyed hash alone (one open record per
  person) cannot take it in without changing what it says: it is dropped where the schema's
  `person_index` holds that guarantee for the table (keyed by the hash, so distributed by it),
  and kept, with the table local, where there is none (the applications: one open application
  per person; they are read with their organization, not with the records). Only in a schema
  whose every table read with the records (a `member_id` column) carries the county too: until
  then the records stay local, and the plan names the tables that hold them back
  (`county_blockers`);
- **distributed**: every other table, by the first of `county_id`, `org_id`, `member_id`,
  `activity_id`, `application_id`, `id`, `id_number_index` that is a column of every unique index
  and of the primary key (Citus requires the distribution column in each); by `id` only the root
  of a group (a table whose `<name>_id` another table is distributed by). Tables distributed by a
  uuid column share one colocation group, so a county's records and their history, and a
  county's activities and their attendance, sit on the same shard.
  When a table goes by county the database also gets `citus.multi_shard_modify_mode =
  sequential`: a write finds a record by its id alone, so its UPDATE goes to every shard, and in
  parallel a later statement of the same transaction that joins those shards to a table changed
  over another connection (the org replica, in the orgs feed's merge) is refused.
  A table with no such column stays local and is reported with the index that prevents it; so
  does a table that could only go by its own `id` and is no root: it would sit apart from the
  rows it is read with (its member, its organization's other rows).

Idempotent: tables already known to Citus are left as they are.
"""

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import asyncpg
from sqlalchemy.engine import make_url

from stack.postgres import provision

DISTRIBUTED_SCHEMAS = ("members", "activities")
LOCAL_TABLES = frozenset({"alembic_version", "outbox", "consumer_cursors", "idempotency_keys"})
LOCAL_PREFIXES = ("outbox", "job_")
REFERENCE_TABLES = frozenset({"activity_types"})
DISTRIBUTION_CANDIDATES = ("county_id", "org_id", "activity_id", "member_id", "application_id", "id", "id_number_index")
COUNTY = "county_id"
# The person index (services/members/models PersonIndex): keyed by the ID number's keyed hash, it
# holds one open record per person for a schema whose records are distributed by county.
PERSON_INDEX = "person_index"
PERSON_KEY = "id_number_index"


@dataclass(frozen=True)
class Placement:
    schema: str
    table: str
    kind: str  # "distributed", "reference", "local"
    column: str | None = None
    reason: str = ""

    def describe(self) -> str:
        where = f" by {self.column}" if self.column else ""
        why = f" ({self.reason})" if self.reason else ""
        return f"{self.schema}.{self.table}: {self.kind}{where}{why}"


def choose(
    schema: str, table: str, columns: Iterable[str], unique_indexes: dict[str, set[str]], roots: Iterable[str] = ()
) -> Placement:
    """Where one table goes (pure: the rule above). `roots`: the distribution columns chosen for the
    schema's other tables (`activity_id`, ...); a table may go by its own `id` only when others go by
    `<its name>_id`, i.e. when it is the root of a colocation group (activities ← attendance)."""
    columns = set(columns)
    if table in LOCAL_TABLES or table.startswith(LOCAL_PREFIXES):
        return Placement(schema, table, "local", reason="the service's own bookkeeping, kept on the coordinator")
    if table.endswith("_replica") or table in REFERENCE_TABLES:
        return Placement(schema, table, "reference")
    for candidate in DISTRIBUTION_CANDIDATES:
        if candidate in columns and all(candidate in cols for cols in unique_indexes.values()):
            if candidate == "id" and _singular(table) + "_id" not in set(roots):
                # Spread by its own id, a row would sit apart from everything it is read with
                # (its member, its activity): each such join or correlated subquery would fan out
                # or fail to plan. It stays with the rest until it carries a county column.
                return Placement(schema, table, "local", reason="only its own id to go by: kept with the rows it is read with")
            return Placement(schema, table, "distributed", column=candidate)
    shown = "; ".join(f"{name} ({', '.join(sorted(cols))})" for name, cols in sorted(unique_indexes.items()))
    return Placement(schema, table, "local", reason="no candidate column in every unique index: " + shown)


@dataclass(frozen=True)
class UniqueIndex:
    name: str
    columns: tuple[str, ...]  # in the index's order
    primary: bool = False
    where: str | None = None  # a partial index's condition
    constraint: bool = False  # a UNIQUE constraint's index (dropped with the constraint)


def county_keys(schema: str, table: str, columns: Iterable[str], indexes: Iterable[UniqueIndex], person_index: bool) -> list[str]:
    """The statements that let a table with a county column be distributed by it (pure: the rule
    above): the county taken into its primary key and each unique index, or, for a unique index
    on the keyed hash alone that the schema's person index holds for this table (`person_index`),
    the index dropped. Nothing for a table without the column, a replica, the service's
    bookkeeping or the person index itself; nothing either when a hash-alone index has no person
    index to stand in for it (an application's: the table then stays local, and `choose` says
    why)."""
    indexes, columns = list(indexes), set(columns)
    if COUNTY not in columns or table == PERSON_INDEX or choose(schema, table, columns, {}).kind != "distributed":
        return []
    lacking = [index for index in indexes if COUNTY not in index.columns]
    hash_alone = [index for index in lacking if index.columns == (PERSON_KEY,)]
    if hash_alone and not person_index:
        return []
    name = f'"{schema}"."{table}"'
    statements = []
    for index in lacking:
        keyed = ", ".join(f'"{column}"' for column in (*index.columns, COUNTY))
        if index in hash_alone:
            statements.append(f'DROP INDEX "{schema}"."{index.name}"')
        elif index.primary or index.constraint:
            kind = "PRIMARY KEY" if index.primary else "UNIQUE"
            statements.append(
                f'ALTER TABLE {name} DROP CONSTRAINT "{index.name}", ADD CONSTRAINT "{index.name}" {kind} ({keyed})'
            )
        else:
            where = f" WHERE {index.where}" if index.where else ""
            statements += [
                f'DROP INDEX "{schema}"."{index.name}"',
                f'CREATE UNIQUE INDEX "{index.name}" ON {name} ({keyed}){where}',
            ]
    return statements


def _singular(table: str) -> str:
    return table[:-3] + "y" if table.endswith("ies") else table.removesuffix("s")


async def _catalogue(db: asyncpg.Connection, schema: str) -> list[tuple[str, set[str], dict[str, set[str]]]]:
    rows = await db.fetch(
        """
        SELECT c.relname AS table, array_agg(a.attname::text ORDER BY a.attnum) AS columns
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition
        GROUP BY c.relname ORDER BY c.relname
        """,
        schema,
    )
    indexes = await db.fetch(
        """
        SELECT t.relname AS table, i.relname AS index,
               array(SELECT a.attname::text FROM pg_attribute a
                     WHERE a.attrelid = t.oid AND a.attnum = ANY(x.indkey)) AS columns
        FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
        JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = $1 AND x.indisunique
        """,
        schema,
    )
    unique: dict[str, dict[str, set[str]]] = {}
    for row in indexes:
        unique.setdefault(row["table"], {})[row["index"]] = set(row["columns"])
    return [(row["table"], set(row["columns"]), unique.get(row["table"], {})) for row in rows]


async def _unique_indexes(db: asyncpg.Connection, schema: str) -> dict[str, list[UniqueIndex]]:
    rows = await db.fetch(
        """
        SELECT t.relname AS table, i.relname AS index, x.indisprimary AS primary,
               array(SELECT a.attname::text FROM unnest(x.indkey) WITH ORDINALITY AS k(attnum, n)
                     JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.n) AS columns,
               pg_get_expr(x.indpred, x.indrelid) AS where,
               EXISTS (SELECT FROM pg_constraint c WHERE c.conindid = x.indexrelid AND c.contype = 'u') AS constraint
        FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
        JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = $1 AND x.indisunique AND NOT t.relispartition
        """,
        schema,
    )
    found: dict[str, list[UniqueIndex]] = {}
    for row in rows:
        index = UniqueIndex(row["index"], tuple(row["columns"]), row["primary"], row["where"], row["constraint"])
        found.setdefault(row["table"], []).append(index)
    return found


def county_blockers(schema: str, tables: dict[str, set[str]]) -> list[str]:
    """The tables of a schema read with its records (a `member_id` column) that carry no county
    (pure). While there is one, the records stay as they are: joined with a local table, or
    locked with it, the records distributed by county do not plan on Citus ("direct joins
    between distributed and local tables are not supported", "could not run distributed query
    with FOR UPDATE/SHARE commands"; docs/scaling.md)."""
    return sorted(
        table
        for table, columns in tables.items()
        if "member_id" in columns
        and COUNTY not in columns
        and table != PERSON_INDEX
        and choose(schema, table, columns, {}).kind == "distributed"
    )


async def key_by_county(db: asyncpg.Connection, schemas: Iterable[str], known: set[tuple[str, str]]) -> dict[str, list[str]]:
    """Apply `county_keys` to the tables not yet `known` to Citus, in each schema without
    `county_blockers`; each schema's blockers."""
    blocked = {}
    for schema in schemas:
        indexes = await _unique_indexes(db, schema)
        catalogue = await _catalogue(db, schema)
        tables = {table: columns for table, columns, _ in catalogue}
        blocked[schema] = county_blockers(schema, tables)
        if blocked[schema]:
            continue
        for table, columns in tables.items():
            if (schema, table) in known:
                continue
            # The person index holds the hash of the records it names (its `member_id`), not an
            # application's: that table keeps its keys and stays local.
            guarded = f"{_singular(table)}_id" in tables.get(PERSON_INDEX, set())
            for statement in county_keys(schema, table, columns, indexes.get(table, []), guarded):
                await db.execute(statement)
    return blocked


async def plan(
    db: asyncpg.Connection, schemas: Iterable[str] = DISTRIBUTED_SCHEMAS, blocked: dict[str, list[str]] | None = None
) -> list[Placement]:
    placements = []
    for schema in schemas:
        catalogue = await _catalogue(db, schema)
        first = [choose(schema, table, columns, unique) for table, columns, unique in catalogue]
        roots = {p.column for p in first if p.column and p.column != "id"}
        for table, columns, unique in catalogue:
            placement = choose(schema, table, columns, unique, roots)
            blockers = (blocked or {}).get(schema)
            if placement.kind == "local" and COUNTY in columns and blockers:
                why = "not by county while these tables read with it carry none: " + ", ".join(blockers)
                placement = Placement(schema, table, "local", reason=why)
            placements.append(placement)
    return placements


async def distribute(dsn: str, schemas: Iterable[str] = DISTRIBUTED_SCHEMAS) -> list[Placement]:
    """Apply the plan to the database at `dsn` (a superuser's connection to the coordinator)."""
    db = await asyncpg.connect(dsn)
    try:
        known = {
            (row["schema"], row["table"])
            for row in await db.fetch(
                "SELECT n.nspname AS schema, c.relname AS table FROM pg_dist_partition p "
                "JOIN pg_class c ON c.oid = p.logicalrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
            )
        }
        # Joins between distributed tables on other columns than the distribution column (a
        # member's attendance with the member replica's rows, ...) are planned by repartitioning.
        database = await db.fetchval("SELECT current_database()")
        await db.execute(f'ALTER DATABASE "{database}" SET citus.enable_repartition_joins = on')
        async with db.transaction():
            blocked = await key_by_county(db, schemas, known)
        placements = await plan(db, schemas, blocked)
        if any(placement.column == COUNTY for placement in placements):
            await db.execute(f'ALTER DATABASE "{database}" SET citus.multi_shard_modify_mode = sequential')
        # Reference tables first: a distributed table may refer to them, never the other way round.
        for placement in sorted(placements, key=lambda p: p.kind != "reference"):
            name = f'"{placement.schema}"."{placement.table}"'
            if (placement.schema, placement.table) in known:
                continue
            if placement.kind == "reference":
                await db.execute("SELECT create_reference_table($1::regclass)", name)
            elif placement.kind == "distributed":
                await db.execute("SELECT create_distributed_table($1::regclass, $2)", name, placement.column)
        return placements
    finally:
        await db.close()


async def join_workers(dsn: str, coordinator: tuple[str, int], workers: Iterable[tuple[str, int]]) -> None:
    """In the coordinator's database at `dsn` (the extension created on every node first): record
    the coordinator and add the workers. Idempotent."""
    db = await asyncpg.connect(dsn)
    try:
        await db.execute("CREATE EXTENSION IF NOT EXISTS citus")
        await db.execute("SELECT citus_set_coordinator_host($1, $2)", coordinator[0], coordinator[1])
        for host, port in workers:
            await db.execute("SELECT citus_add_node($1, $2)", host, port)
    finally:
        await db.close()


def database_dsn(admin_url: str, database: str, host: str | None = None, port: int | None = None) -> str:
    url = make_url(admin_url).set(database=database)
    if host is not None:
        url = url.set(host=host, port=port)
    return url.render_as_string(hide_password=False)


async def prepare_database(
    admin_url: str, database: str, coordinator: tuple[str, int], workers: Sequence[tuple[str, int]]
) -> None:
    """Make `database` (already provisioned on the coordinator at `admin_url`) a Citus database:
    the same database, roles and schemas on every worker with the extension, then the workers
    added on the coordinator. For tests and benchmarks; in a deployment the operator does the
    same once (docs/scaling.md)."""
    for host, port in workers:
        await provision(database_dsn(admin_url, "postgres", host, port), database, {})
        worker = await asyncpg.connect(database_dsn(admin_url, database, host, port))
        try:
            await worker.execute("CREATE EXTENSION IF NOT EXISTS citus")
        finally:
            await worker.close()
    await join_workers(database_dsn(admin_url, database), coordinator, workers)


def distribute_command(dsn: str) -> int:
    for placement in asyncio.run(distribute(dsn)):
        print(placement.describe())
    return 0
