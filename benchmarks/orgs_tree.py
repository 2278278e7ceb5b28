"""The organization tree at national scale on PostgreSQL: subtree listing, subtree count, move.

Builds a tree of about 5 million organizations in a database of its own (created and dropped
here), with the orgs service's own migrations, six levels shaped like the national one:
32 provinces → 10 cities each → 10 counties each → 15 townships each → 21 communities each →
4 organizations inside each community. A county's subtree is then 1,591 organizations and a
province's 159,111. Rows are made server-side (`INSERT … SELECT generate_series`), one level
per statement.

Measured (median and p95 over random nodes, warm cache):
- the service's subtree query for a county (all its rows, the statement `list_orgs` issues
  without its page limit), and one page of 200 through `service.list_orgs`;
- `count(*)` of a province's subtree (the materialized-path range, an index-only scan);
- moving a township (106 organizations) to another county through `service.move_org`: the
  descendants are re-pathed by one UPDATE (the statement count is checked), plus the moved
  node, its history row and its event.

    .venv/bin/python -m benchmarks.orgs_tree            # the full 5M tree (~5 minutes here)
    .venv/bin/python -m benchmarks.orgs_tree --scale 0.05
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
from services.kit.db import Database
from services.orgs import service
from services.orgs.schemas import OrgMove

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


async def build(dsn: str, scale: float) -> dict[str, int]:
    """Create the levels; returns the row count per level. `scale` thins the widest level."""
    connection = await asyncpg.connect(dsn)
    counts: dict[str, int] = {}
    try:
        await connection.execute("SET search_path = orgs")
        await connection.execute("CREATE TEMP TABLE level_of (id uuid PRIMARY KEY, level text)")
        previous: str | None = None
        for label, tier, kind, fanout in LEVELS:
            width = max(1, round(fanout * scale)) if label == "province" else fanout
            started = time.perf_counter()
            parents = (
                "(SELECT NULL::uuid AS id, '/'::text AS path)"
                if previous is None
                else f"(SELECT o.id, o.path FROM organizations o JOIN level_of l ON l.id = o.id AND l.level = '{previous}')"
            )
            status = await connection.execute(
                f"""
                WITH made AS (
                    INSERT INTO organizations (id, name, kind, tier, parent_id, status, path, version, created_at, updated_at)
                    SELECT n.id, '{label} ' || n.i, '{kind}', '{tier}', n.parent_id, 'active',
                           n.parent_path || replace(n.id::text, '-', '') || '/', 1, now(), now()
                    FROM (
                        SELECT gen_random_uuid() AS id, p.id AS parent_id, p.path AS parent_path, g.i
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


async def measure(dsn: str, sqlalchemy_url: str, *, moves: bool) -> dict[str, str]:
    figures: dict[str, str] = {}
    connection = await asyncpg.connect(dsn)
    await connection.execute("SET search_path = orgs")
    rng = random.Random(7)
    counties = [r["path"] for r in await connection.fetch("SELECT path FROM bench_nodes WHERE level = 'county'")]
    provinces = [r["path"] for r in await connection.fetch("SELECT path FROM bench_nodes WHERE level = 'province'")]
    townships = [r["id"] for r in await connection.fetch("SELECT id FROM bench_nodes WHERE level = 'township'")]
    county_ids = {r["path"]: r["id"] for r in await connection.fetch("SELECT id, path FROM bench_nodes WHERE level = 'county'")}

    subtree_sql = "SELECT * FROM organizations WHERE path >= $1 AND path < $1 || '~' ORDER BY path"
    listing = await connection.prepare(subtree_sql)
    narrow = await connection.prepare(
        "SELECT id, parent_id, name, code, kind, tier, status FROM organizations "
        "WHERE path >= $1 AND path < $1 || '~' ORDER BY path"
    )
    count = await connection.prepare("SELECT count(*) FROM organizations WHERE path >= $1 AND path < $1 || '~'")

    sample_counties = [rng.choice(counties) for _ in range(300)]
    it = iter(sample_counties)
    median, p95, rows = await timed(lambda: listing.fetch(next(it)), 290)
    figures["county subtree, all columns, fetched by the client"] = (
        f"median {median:.2f} ms, p95 {p95:.2f} ms, {len(rows):,} rows"
    )
    it = iter(sample_counties)
    median, p95, rows = await timed(lambda: narrow.fetch(next(it)), 290)
    figures["county subtree, the listing's columns, fetched by the client"] = f"median {median:.2f} ms, p95 {p95:.2f} ms"
    server = []
    for path in sample_counties[:100]:
        plan = await connection.fetchval("EXPLAIN (ANALYZE, FORMAT JSON) " + subtree_sql.replace("$1", f"'{path}'"))
        server.append(json.loads(plan)[0]["Execution Time"])
    server.sort()
    figures["county subtree, server execution (EXPLAIN ANALYZE)"] = (
        f"median {statistics.median(server):.2f} ms, p95 {server[94]:.2f} ms"
    )

    sample_provinces = [rng.choice(provinces) for _ in range(60)]
    it = iter(sample_provinces)
    median, p95, total = await timed(lambda: count.fetchval(next(it)), 50)
    figures["province subtree count"] = f"median {median:.2f} ms, p95 {p95:.2f} ms, {total:,} organizations"

    db = Database(sqlalchemy_url, "orgs", pool_size=2)
    caller = Caller(subject="benchmark", kind="user", roles=frozenset({"org_admin"}))
    try:
        county_uuid = [county_ids[p] for p in sample_counties]
        it_ids = iter(county_uuid)

        async def page() -> int:
            async with db.read_sessions() as session:
                orgs, _ = await service.list_orgs(session, caller, within=next(it_ids), parent_id=None, cursor=None, limit=200)
                return len(orgs)

        median, p95, n = await timed(page, 290)
        figures["county subtree, one page of 200 (service.list_orgs)"] = f"median {median:.2f} ms, p95 {p95:.2f} ms, {n} rows"

        if not moves:
            return figures
        statements: list[str] = []

        def count_statements(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            statements.append(statement)

        event.listen(db.engine.sync_engine, "before_cursor_execute", count_statements)
        moves = []
        for township_id in rng.sample(townships, 20):
            current = await connection.fetchval("SELECT parent_id FROM organizations WHERE id = $1", township_id)
            target = rng.choice([c for c in county_ids.values() if c != current])
            statements.clear()
            started = time.perf_counter()
            async with db.write_sessions() as session:
                await service.move_org(session, caller, township_id, OrgMove(parent_id=target))
                await session.commit()
            moves.append((time.perf_counter() - started) * 1000)
            repaths = [s for s in statements if s.lstrip().upper().startswith("UPDATE") and "substr" in s.lower()]
            assert len(repaths) == 1, statements
        event.remove(db.engine.sync_engine, "before_cursor_execute", count_statements)
        moves.sort()
        size = await connection.fetchval(
            "SELECT count(*) FROM organizations WHERE path >= (SELECT path FROM organizations WHERE id = $1) "
            "AND path < (SELECT path FROM organizations WHERE id = $1) || '~'",
            township_id,
        )
        figures["move a township (service.move_org, whole transaction)"] = (
            f"median {statistics.median(moves):.1f} ms, max {moves[-1]:.1f} ms, {size} organizations re-pathed by one UPDATE"
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


async def main(scale: float, keep: bool) -> None:
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
        for name, value in (await measure(dsn, sqlalchemy_url, moves=False)).items():
            print(f"{name}: {value}")
        started = time.perf_counter()
        await cluster(dsn)
        print(f"-- heap in tree order (CLUSTER on the path index, {time.perf_counter() - started:.0f} s):")
        for name, value in (await measure(dsn, sqlalchemy_url, moves=True)).items():
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
    args = parser.parse_args()
    asyncio.run(main(args.scale, args.keep))
