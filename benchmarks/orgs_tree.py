"""The organization tree at national scale on PostgreSQL: subtree listing, subtree count, move.

Builds a tree of about 5 million organizations in a database of its own (created and dropped
here), with the orgs service's own migrations, six levels shaped like the national one:
32 provinces → 10 cities each → 10 counties each → 15 townships each → 21 communities each →
4 organizations inside each community. A county's subtree is then 1,591 organizations and a
province's 159,111. Rows are made server-side (`INSERT … SELECT generate_series`), one level
per statement.

Measured (median and p95 over random nodes, warm cache), with the heap in the order the levels
were made (a county's rows scattered over the whole table):
- the service's subtree listing for a county (all its rows: the statement `list_orgs` issues,
  without its page limit: the listing's columns, ranged and ordered by the compact tree key, an
  index-only scan of the covering index), and one page of 200 through `service.list_orgs`;
  for comparison the former statement (every column, ranged by the kit path);
- `count(*)` of a province's subtree (`service.count_subtree`: a range of the narrow key index),
  and for comparison the same count over the path index;
- moving a township (106 organizations) to another county through `service.move_org`: the
  descendants are re-pathed by one UPDATE (the statement count is checked), plus the moved
  node, its history row and its event.

    .venv/bin/python -m benchmarks.orgs_tree            # the full 5M tree (~5 minutes here)
    .venv/bin/python -m benchmarks.orgs_tree --scale 0.05
    .venv/bin/python -m benchmarks.orgs_tree --cluster   # also measure again after CLUSTER
"""

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy import event

from services.kit.auth import Caller
from services.kit.context import today_in
from services.kit.db import Database
from services.kit.tree import KEY_ALPHABET, KEY_WIDTH
from services.orgs.models import LISTING_COLUMNS
from services.orgs.rules import OrgsPolicy
from services.orgs.schemas.tree import OrgMove
from services.orgs.service import tree as service
from services.orgs.service.common import OrgsContext

ADMIN_DSN = os.environ.get("BENCH_POSTGRES_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
ROOT = Path(__file__).resolve().parents[1]

# (tier code, kind, children per parent). Provinces and cities have no tier of their own in the
# service (a deployment's root is a county); they are stored as county-tier committees here.
LEVELS = [
    ("province", "county", "committee", 32),
    ("city", "county", "committee", 10),
    ("county", "county", "committee", 10),
    ("township", "township", "committee", 15),
    ("community", "community", "general_branch", 21),
    ("inner", "inner", "branch", 4),
]


def sql_code(ordinal: str) -> str:
    """SQL for kit.tree.ordinal_code of an integer expression."""
    base = len(KEY_ALPHABET)
    digits = [f"substr('{KEY_ALPHABET}', (({ordinal}) / {base**k}) % {base} + 1, 1)" for k in reversed(range(KEY_WIDTH))]
    return " || ".join(digits)


async def build(dsn: str, scale: float) -> dict[str, int]:
    """Create the levels; returns the row count per level. `scale` thins the widest level."""
    connection = await asyncpg.connect(dsn)
    counts: dict[str, int] = {}
    try:
        await connection.execute("SET search_path = orgs")
        await connection.execute("CREATE TEMP TABLE level_of (id uuid PRIMARY KEY, level text)")
        previous: str | None = None
        for index, (label, tier, kind, fanout) in enumerate(LEVELS):
            width = max(1, round(fanout * scale)) if label == "province" else fanout
            children = LEVELS[index + 1][3] if index + 1 < len(LEVELS) else 0
            started = time.perf_counter()
            parents = (
                "(SELECT NULL::uuid AS id, '/'::text AS path, ''::text AS tree_key)"
                if previous is None
                else "(SELECT o.id, o.path, o.tree_key FROM organizations o "
                f"JOIN level_of l ON l.id = o.id AND l.level = '{previous}')"
            )
            # The i-th child of its parent gets the parent's key and the code of i, as create_org does.
            status = await connection.execute(
                f"""
                WITH made AS (
                    INSERT INTO organizations (id, name, kind, tier, parent_id, status, path, tree_key, children_made,
                                               version, created_at, updated_at)
                    SELECT n.id, '{label} ' || n.i, '{kind}', '{tier}', n.parent_id, 'active',
                           n.parent_path || replace(n.id::text, '-', '') || '/', n.parent_key || {sql_code("n.i")},
                           {children}, 1, now(), now()
                    FROM (
                        SELECT gen_random_uuid() AS id, p.id AS parent_id, p.path AS parent_path, p.tree_key AS parent_key, g.i
                        FROM {parents} p, generate_series(1, {width}) AS g(i)
                    ) n
                    RETURNING id
                )
                INSERT INTO level_of SELECT id, '{label}' FROM made
                """
            )
            counts[label] = int(status.split()[-1])
            print(f"  {label:<10} {counts[label]:>9,} rows in {time.perf_counter() - started:6.1f} s", flush=True)
            previous = label
        started = time.perf_counter()
        await connection.execute("VACUUM (ANALYZE) organizations")
        await connection.execute("CHECKPOINT")
        print(f"  vacuum analyze and checkpoint in {time.perf_counter() - started:.1f} s", flush=True)
        await connection.execute(
            "CREATE TABLE bench_nodes AS SELECT l.level, o.id, o.path FROM level_of l JOIN organizations o USING (id) "
            "WHERE l.level IN ('province', 'county', 'township')"
        )
    finally:
        await connection.close()
    return counts


async def timed(fn: Callable[[], Awaitable[Any]], runs: int) -> tuple[float, float, Any]:
    samples, result = [], None
    for _ in range(3):
        await fn()
    for _ in range(runs):
        started = time.perf_counter()
        result = await fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1], result


async def server_ms(connection: asyncpg.Connection, sql: str, argument: Any) -> tuple[float, int]:
    """Execution time on the server (EXPLAIN ANALYZE) and the heap pages an index-only scan visited."""
    plan = json.loads(await connection.fetchval("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, argument))[0]
    fetches, stack = 0, [plan["Plan"]]
    while stack:
        node = stack.pop()
        fetches += int(node.get("Heap Fetches", 0))
        stack += node.get("Plans", [])
    return float(plan["Execution Time"]), fetches


async def measure(dsn: str, sqlalchemy_url: str, *, moves: bool) -> dict[str, str]:
    figures: dict[str, str] = {}
    connection = await asyncpg.connect(dsn)
    await connection.execute("SET search_path = orgs")
    rng = random.Random(7)
    counties = [r["id"] for r in await connection.fetch("SELECT id FROM bench_nodes WHERE level = 'county'")]
    provinces = [r["id"] for r in await connection.fetch("SELECT id FROM bench_nodes WHERE level = 'province'")]
    townships = [r["id"] for r in await connection.fetch("SELECT id FROM bench_nodes WHERE level = 'township'")]
    paths = {r["id"]: r["path"] for r in await connection.fetch("SELECT id, path FROM bench_nodes")}

    # What service.list_orgs issues (without its page limit) and service.count_subtree counts.
    root_key = "(SELECT tree_key FROM organizations WHERE id = $1)"
    listing_sql = (
        f"SELECT {', '.join(LISTING_COLUMNS)}, tree_key FROM organizations "
        f"WHERE tree_key >= {root_key} AND tree_key < {root_key} || '~' ORDER BY tree_key"
    )
    count_sql = f"SELECT count(*) FROM organizations WHERE tree_key >= {root_key} AND tree_key < {root_key} || '~'"
    # The statements before the compact key, for comparison.
    path_listing_sql = "SELECT * FROM organizations WHERE path >= $1 AND path < $1 || '~' ORDER BY path"
    path_count_sql = "SELECT count(*) FROM organizations WHERE path >= $1 AND path < $1 || '~'"
    listing = await connection.prepare(listing_sql)
    count = await connection.prepare(count_sql)
    path_count = await connection.prepare(path_count_sql)

    sample_counties = [rng.choice(counties) for _ in range(300)]
    server, fetched = [], 0
    for county in sample_counties[:100]:
        elapsed, heap = await server_ms(connection, listing_sql, county)
        server.append(elapsed)
        fetched += heap
    server.sort()
    figures["county subtree listing, server execution (EXPLAIN ANALYZE)"] = (
        f"median {statistics.median(server):.2f} ms, p95 {server[94]:.2f} ms, heap fetches {fetched / 100:.0f} per listing"
    )
    it = iter(sample_counties)
    median, p95, rows = await timed(lambda: listing.fetch(next(it)), 290)
    figures["county subtree listing, fetched by the client (asyncpg)"] = (
        f"median {median:.2f} ms, p95 {p95:.2f} ms, {len(rows):,} rows"
    )
    server = []
    for county in sample_counties[:100]:
        server.append((await server_ms(connection, path_listing_sql, paths[county]))[0])
    server.sort()
    figures["(before) county subtree, every column by the path, server execution"] = (
        f"median {statistics.median(server):.2f} ms, p95 {server[94]:.2f} ms"
    )

    sample_provinces = [rng.choice(provinces) for _ in range(60)]
    it = iter(sample_provinces)
    median, p95, total = await timed(lambda: count.fetchval(next(it)), 50)
    figures["province subtree count (tree key)"] = f"median {median:.2f} ms, p95 {p95:.2f} ms, {total:,} organizations"
    it = iter(sample_provinces)
    median, p95, total = await timed(lambda: path_count.fetchval(paths[next(it)]), 50)
    figures["(before) province subtree count (path)"] = f"median {median:.2f} ms, p95 {p95:.2f} ms"
    sizes = await connection.fetch(
        "SELECT c.relname, pg_relation_size(c.oid) AS bytes FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'orgs' AND c.relname IN ('organizations', 'uq_organizations_path', 'uq_organizations_tree_key', "
        "'ix_organizations_listing') ORDER BY c.relname"
    )
    figures["sizes"] = ", ".join(f"{r['relname']} {r['bytes'] / 2**20:,.0f} MB" for r in sizes)

    db = Database(sqlalchemy_url, "orgs", pool_size=2)
    caller = Caller(subject="benchmark", kind="user", roles=frozenset({"org_admin"}))
    policy = OrgsPolicy()
    ctx = OrgsContext(caller=caller, policy=policy, today=today_in(policy.timezone), request_id=None)
    try:
        it_ids = iter(sample_counties)

        async def page() -> int:
            async with db.read_sessions() as session:
                orgs, _ = await service.list_orgs(session, ctx, within=next(it_ids), parent_id=None, cursor=None, limit=200)
                return len(orgs)

        median, p95, n = await timed(page, 290)
        figures["county subtree, one page of 200 (service.list_orgs)"] = f"median {median:.2f} ms, p95 {p95:.2f} ms, {n} rows"

        if not moves:
            return figures
        statements: list[str] = []

        def count_statements(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            statements.append(statement)

        event.listen(db.engine.sync_engine, "before_cursor_execute", count_statements)
        took: list[float] = []
        for township_id in rng.sample(townships, 20):
            current = await connection.fetchval("SELECT parent_id FROM organizations WHERE id = $1", township_id)
            target = rng.choice([c for c in counties if c != current])
            statements.clear()
            started = time.perf_counter()
            async with db.write_sessions() as session:
                await service.move_org(session, ctx, township_id, OrgMove(parent_id=target))
                await session.commit()
            took.append((time.perf_counter() - started) * 1000)
            repaths = [s for s in statements if s.lstrip().upper().startswith("UPDATE") and "substr" in s.lower()]
            assert len(repaths) == 1, statements
        event.remove(db.engine.sync_engine, "before_cursor_execute", count_statements)
        took.sort()
        size = await count.fetchval(township_id)
        figures["move a township (service.move_org, whole transaction)"] = (
            f"median {statistics.median(took):.1f} ms, max {took[-1]:.1f} ms, {size} organizations re-pathed by one UPDATE"
        )
    finally:
        await db.dispose()
        await connection.close()
    return figures


async def cluster(dsn: str) -> None:
    """Put the heap in path order, as a province-by-province import (or pg_repack) would leave it."""
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute("SET search_path = orgs")
        await connection.execute("CLUSTER organizations USING uq_organizations_path")
        await connection.execute("VACUUM (ANALYZE) organizations")
        await connection.execute("CHECKPOINT")
    finally:
        await connection.close()


def migrate(sqlalchemy_url: str) -> None:
    env = {**os.environ, "ORGS_DATABASE_URL": sqlalchemy_url}
    subprocess.run([sys.executable, "-m", "alembic", "-n", "orgs", "upgrade", "head"], cwd=ROOT, env=env, check=True)


async def main(scale: float, keep: bool, clustered: bool) -> None:
    database = f"dangjian_bench_orgs_{uuid.uuid4().hex[:6]}"
    admin = await asyncpg.connect(ADMIN_DSN)
    await admin.execute(f'CREATE DATABASE "{database}"')
    await admin.close()
    base = ADMIN_DSN.rsplit("/", 1)[0]
    dsn = f"{base}/{database}"
    sqlalchemy_url = dsn.replace("postgresql://", "postgresql+asyncpg://", 1)
    try:
        migrate(sqlalchemy_url)
        started = time.perf_counter()
        counts = await build(dsn, scale)
        print(f"built {sum(counts.values()):,} organizations in {time.perf_counter() - started:.0f} s")
        print("-- heap in the order the levels were made (a county's rows scattered over the table):")
        for name, value in (await measure(dsn, sqlalchemy_url, moves=True)).items():
            print(f"{name}: {value}", flush=True)
        if not clustered:
            return
        started = time.perf_counter()
        await cluster(dsn)
        print(f"-- heap in tree order (CLUSTER on the path index, {time.perf_counter() - started:.0f} s):")
        for name, value in (await measure(dsn, sqlalchemy_url, moves=False)).items():
            print(f"{name}: {value}")
    finally:
        if not keep:
            admin = await asyncpg.connect(ADMIN_DSN)
            await admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            await admin.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="share of the 32 provinces to build (1.0: ~5M organizations)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--cluster", action="store_true", help="measure again after CLUSTER on the path index")
    args = parser.parse_args()
    asyncio.run(main(args.scale, args.keep, args.cluster))
