"""Ten million member records on PostgreSQL: the queries docs/scaling.md relies on, at a province's size.

Run: `.venv/bin/python -m benchmarks.members_10m` (PostgreSQL at TEST_POSTGRES_ADMIN_URL, default
postgresql://postgres@127.0.0.1:5432/postgres). Creates its own database and drops it at the end
(`KEEP_DATABASE=1` keeps it). Takes about 5-10 minutes and ~6 GB of disk on a 2-core machine: run it once.

1. Tree: a province → 10 cities → 10 counties each → 20 townships each → 20 communities each →
   5 branches each (242 111 organizations in the members service's replica of the tree), so that a
   township holds ~5 000 members, a county ~100 000, a city ~1 000 000.
2. Members: 10 000 imported through `POST /api/v1/members/import` (real ciphertexts and keyed hashes
   of ID numbers), then grown server-side to 10 000 000 (`INSERT … SELECT generate_series` in batches
   of 1 000 000, 50 members per branch), with the table's indexes dropped during the fill and built
   again afterwards (the way a bulk load is done; both times are printed), then `VACUUM ANALYZE`.
3. Queries, through the members app in process (httpx's ASGI transport, no gateway hop), each
   repeated and reported as median and p95: a record by id; exact search by ID number (the blind
   index); keyset pages of a filtered list (page 1 and page 100, within a county and within the
   province); statistics by age band x education for a township, a county, a city and the province.
"""

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from sqlalchemy.engine import make_url

from benchmarks import members_10m_rollups as rollup_steps
from benchmarks.members_scale import import_file, synthetic_members_sql
from services.kit.keys import TokenSigner, ensure_keypair
from services.kit.tree import child_path
from services.members.app import create_app
from services.members.rules import MembersPolicy
from services.members.settings import MembersSettings
from stack.citus import database_dsn, prepare_database
from stack.postgres import drop_database, provision, service_url
from tests.support import distribute_records_by_county, distribute_records_by_id

ADMIN_URL = os.environ.get("TEST_POSTGRES_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
TOTAL_MEMBERS = int(os.environ.get("BENCH_TOTAL_MEMBERS", "10000000"))
IMPORTED = 10_000
BATCH = 1_000_000
# (tier label, children per parent) below the province; tiers above the county are stored as "county".
SHAPE = (("city", 10), ("county", 10), ("township", 20), ("community", 20), ("branch", 5))
# As of the day of the run (the first run's 2026-11-27 was its day): a past day adds the correction
# for the members changed since (service/facts.py), here the run's own imports.
TODAY = date.today().isoformat()
STATS_PARAMS: dict[str, Any] = {"group_by": ["age_band", "education"], "age_edges": [35, 46, 60], "as_of": TODAY}
# On a Citus cluster (TEST_CITUS_WORKERS): the records distributed by `id`, or by `county` with
# their history (docs/scaling.md, tests.support).
LAYOUT = os.environ.get("BENCH_LAYOUT", "id")
LAYOUTS = {"id": distribute_records_by_id, "county": distribute_records_by_county}
# A past day for the as-of statistics: the writes of the run changed members after it.
PAST_DAY = "2026-06-30"


def log(message: str) -> None:
    print(message, flush=True)


def percentile_95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * len(ordered)) - 1)]


async def build_tree(admin: asyncpg.Connection) -> dict[str, list[uuid.UUID]]:
    """The province's organizations, returned by level (first id of each level is the one queried)."""
    rows: list[tuple[Any, ...]] = []
    levels: dict[str, list[uuid.UUID]] = {}

    def node(parent: tuple[uuid.UUID, str, uuid.UUID] | None, label: str, n: int) -> tuple[uuid.UUID, str, uuid.UUID]:
        node_id = uuid.uuid4()
        path = child_path(parent[1] if parent else None, node_id)
        tier = {"branch": "inner", "community": "community", "township": "township"}.get(label, "county")
        kind = {"branch": "branch", "community": "general_branch"}.get(label, "committee")
        setting = None if tier in ("county", "township") else ("urban" if n % 5 == 0 else "rural")
        # Its county (rules/counties.py): the deepest county-tier organization on its path.
        county = node_id if tier == "county" or parent is None else parent[2]
        row = (node_id, parent[0] if parent else None, path, 1, f"{label}-{node_id.hex[:6]}", kind, tier, "active", None)
        rows.append((*row, setting, county))
        levels.setdefault(label, []).append(node_id)
        return node_id, path, county

    parents = [node(None, "province", 0)]
    for label, fan_out in SHAPE:
        parents = [node(parent, label, i) for parent in parents for i in range(fan_out)]
    for start in range(0, len(rows), 50_000):
        await admin.copy_records_to_table(
            "org_replica",
            schema_name="members",
            records=rows[start : start + 50_000],
            columns=[
                "id",
                "parent_id",
                "path",
                "version",
                "name",
                "kind",
                "tier",
                "status",
                "community_id",
                "setting",
                "county_id",
            ],
        )
    return levels


async def fill(admin: asyncpg.Connection, branches: int) -> dict[str, float]:
    """Grow members.members to TOTAL_MEMBERS server-side; indexes dropped during the fill, built after."""
    timings: dict[str, float] = {}
    indexes = await admin.fetch(
        "SELECT i.indexname, i.indexdef, c.conname FROM pg_indexes i "
        "LEFT JOIN pg_constraint c ON c.conname = i.indexname AND c.connamespace = 'members'::regnamespace "
        "WHERE i.schemaname = 'members' AND i.tablename = 'members'"
    )
    await admin.execute(
        "CREATE TEMP TABLE bench_branches AS SELECT row_number() OVER (ORDER BY path) - 1 AS n, id, county_id "
        "FROM members.org_replica WHERE kind = 'branch'"
    )
    await admin.execute("CREATE UNIQUE INDEX ON bench_branches (n)")
    # Real ciphertexts (of the imported rows) so that listing can decrypt what it shows.
    await admin.execute(
        "CREATE TEMP TABLE bench_ciphers AS SELECT row_number() OVER () - 1 AS n, id_number_cipher, phone_cipher "
        "FROM members.members"
    )
    await admin.execute("CREATE UNIQUE INDEX ON bench_ciphers (n)")
    for row in indexes:
        if row["conname"]:
            await admin.execute(f"ALTER TABLE members.members DROP CONSTRAINT {row['conname']} CASCADE")
        else:
            await admin.execute(f"DROP INDEX members.{row['indexname']}")
    started = time.perf_counter()
    done = await admin.fetchval("SELECT count(*) FROM members.members")
    while done < TOTAL_MEMBERS:
        upto = min(TOTAL_MEMBERS, done + BATCH)
        await admin.execute(synthetic_members_sql(done + 1, upto, branches=branches, ciphers=IMPORTED))
        done = upto
        log(f"  {done:,} rows, {time.perf_counter() - started:.0f} s")
    timings["fill_s"] = time.perf_counter() - started
    started = time.perf_counter()
    await admin.execute("SET maintenance_work_mem = '1GB'")
    for row in indexes:
        begun = time.perf_counter()
        if row["conname"]:
            columns = row["indexdef"].split("(", 1)[1].rsplit(")", 1)[0]
            await admin.execute(f"ALTER TABLE members.members ADD CONSTRAINT {row['conname']} PRIMARY KEY ({columns})")
        else:
            await admin.execute(row["indexdef"])
        log(f"  index {row['indexname']}: {time.perf_counter() - begun:.0f} s")
    timings["indexes_s"] = time.perf_counter() - started
    started = time.perf_counter()
    # Who has an open record, as the migration fills it for a database with records (persons_0001).
    await admin.execute(
        "INSERT INTO members.person_index (id_number_index, member_id, county_id) SELECT id_number_index, id, county_id "
        "FROM members.members WHERE state NOT IN ('left', 'deceased', 'transferred_out') ON CONFLICT DO NOTHING"
    )
    timings["person_index_s"] = time.perf_counter() - started
    started = time.perf_counter()
    await admin.execute("VACUUM ANALYZE members.members")
    await admin.execute("VACUUM ANALYZE members.org_replica")
    await admin.execute("VACUUM ANALYZE members.person_index")
    timings["vacuum_analyze_s"] = time.perf_counter() - started
    size = await admin.fetchval("SELECT pg_size_pretty(pg_total_relation_size('members.members'))")
    log(f"table members.members with its indexes: {size}")
    return timings


async def timed(
    client: httpx.AsyncClient, method: str, path: str, runs: int, *, params: Any = None, json: Any = None, headers: Any
) -> tuple[float, float, Any]:
    """Median and p95 (ms) of `runs` requests after one warm-up, and the last answer."""
    times: list[float] = []
    body: Any = None
    for attempt in range(runs + 1):
        started = time.perf_counter()
        response = await client.request(method, path, params=params, json=json, headers=headers)
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, response.text[:2000]
        body = response.json()
        if attempt:
            times.append(elapsed)
    return statistics.median(times), percentile_95(times), body


async def existing_levels(admin: asyncpg.Connection) -> dict[str, list[uuid.UUID]]:
    """A kept database's province, and one organization of each level below it (by depth)."""
    levels: dict[str, list[uuid.UUID]] = {}
    parent = await admin.fetchval("SELECT id FROM members.org_replica WHERE parent_id IS NULL")
    levels["province"] = [parent]
    for label, _ in SHAPE:
        rows = await admin.fetch("SELECT id FROM members.org_replica WHERE parent_id = $1 ORDER BY path", parent)
        levels[label] = [row["id"] for row in rows]
        parent = rows[0]["id"]
    levels["branch"] = [row["id"] for row in await admin.fetch("SELECT id FROM members.org_replica WHERE kind = 'branch'")]
    return levels


async def main() -> None:
    # BENCH_REUSE_DATABASE=<a database kept by KEEP_DATABASE=1> with BENCH_DATA_DIR (both printed
    # by that run): the queries only, on the rows, indexes and roll-ups that run left (no fill,
    # no writes, no build; kept afterwards).
    reuse = os.environ.get("BENCH_REUSE_DATABASE")
    database = reuse or f"dangjian_bench_members10m_{os.getpid()}"
    if not reuse:
        await provision(ADMIN_URL, database, {})
    # A kept database's rows are readable only with the keys of its run: BENCH_DATA_DIR names them.
    data_dir = Path(os.environ["BENCH_DATA_DIR"]) if reuse else Path(tempfile.mkdtemp(prefix="members10m-bench-"))
    host, port = make_url(ADMIN_URL).host or "127.0.0.1", make_url(ADMIN_URL).port or 5432
    workers = [(w.rsplit(":", 1)[0], int(w.rsplit(":", 1)[1])) for w in os.environ.get("TEST_CITUS_WORKERS", "").split(",") if w]
    if workers and not reuse:
        await prepare_database(ADMIN_URL, database, (host, port), workers)
    url = service_url(host, port, database, "members")
    figures: dict[str, Any] = {}
    try:
        env = {**os.environ, "MEMBERS_DATA_DIR": str(data_dir), "MEMBERS_DATABASE_URL": url}
        migrate = [sys.executable, "-m", "stack", "migrate", "members"]
        await asyncio.to_thread(subprocess.run, migrate, env=env, check=True, capture_output=True)
        admin = await asyncpg.connect(ADMIN_URL, database=database)
        started = time.perf_counter()
        levels = await existing_levels(admin) if reuse else await build_tree(admin)
        log(f"tree: {sum(len(v) for v in levels.values()):,} organizations in {time.perf_counter() - started:.1f} s")

        ensure_keypair(data_dir / "keys" / "jwt-private.pem", data_dir / "keys" / "jwt-public.pem")
        signer = TokenSigner((data_dir / "keys" / "jwt-private.pem").read_bytes(), issuer="dangjian-gateway", audience="dangjian")
        token = signer.access_token(subject="bench", kind="user", roles=["org_admin"], lifetime_s=6 * 3600)
        headers = {"Authorization": f"Bearer {token}"}
        settings = MembersSettings(
            data_dir=data_dir,
            database_url=url,
            json_logs=False,
            consume_feeds=False,
            run_scheduler=False,  # the roll-ups are built and folded by hand here, timed
            # No gateway here: no revocations to follow, and one token for the whole run.
            follow_revocations=False,
            access_token_max_lifetime_s=6 * 3600,
            db_statement_timeout_s=600,
            policy=MembersPolicy(import_max_rows=rollup_steps.IMPORT_ROWS, rollups_maintained=True),
        )
        app = create_app(settings)
        # The same service keeping no roll-ups: what the writes cost without them (members_10m_rollups.py).
        # Not when reusing a database: it writes nothing then, and an app keeping no roll-ups
        # marks them not current when it starts (a rebuild, minutes at 10 M, before they serve again).
        off_policy = MembersPolicy(import_max_rows=rollup_steps.IMPORT_ROWS, rollups_maintained=bool(reuse))
        app_off = create_app(settings.model_copy(update={"policy": off_policy}))
        async with app.router.lifespan_context(app), app_off.router.lifespan_context(app_off):
            transport = httpx.ASGITransport(app=app)
            async with (
                httpx.AsyncClient(transport=transport, base_url="http://bench", timeout=900) as client,
                httpx.AsyncClient(transport=httpx.ASGITransport(app=app_off), base_url="http://bench", timeout=900) as client_off,
            ):
                branches = levels["branch"]
                content = import_file(branches[:IMPORTED], rows=IMPORTED)
                if not reuse:
                    clients = {"off": client_off, "on": client}
                    await load_and_write(admin, clients, headers, content, branches, bool(workers), figures)
                    figures["roll-ups built"] = await rollup_steps.repair(url, str(data_dir))
                    log(f"roll-ups built: {figures['roll-ups built']}")
                    # What autovacuum does in a deployment (it is off on the test machine's server):
                    # the writes' folded deltas left the queue's pages empty, read by every statistic.
                    await admin.execute("VACUUM ANALYZE members.member_rollup_deltas")

                province, city, county, township = (levels[k][0] for k in ("province", "city", "county", "township"))
                known = (await client.get("/api/v1/members", params={"limit": 1}, headers=headers)).json()["items"][0]
                id_number = import_id_number(content)
                median, p95, _ = await timed(client, "GET", f"/api/v1/members/{known['id']}", 30, headers=headers)
                figures["record by id"] = (median, p95)
                log(f"{'record by id':60s} median {median:8.1f} ms  p95 {p95:8.1f} ms")
                median, p95, found = await timed(
                    client, "POST", "/api/v1/members/search", 30, json={"id_number": id_number}, headers=headers
                )
                assert len(found["items"]) == 1, found
                figures["search by ID number"] = (median, p95)
                log(f"{'search by ID number (blind index), whole province':60s} median {median:8.1f} ms  p95 {p95:8.1f} ms")
                for scope, within in (("county", county), ("province", province)):
                    params: dict[str, Any] = {"within": str(within), "education": "junior_high", "limit": 50}
                    runs = 3 if workers and scope == "province" else 20
                    median, p95, page = await timed(client, "GET", "/api/v1/members", runs, params=params, headers=headers)
                    figures[f"list page 1, {scope}"] = (median, p95)
                    log(f"{'list (education=junior_high) page 1, ' + scope:60s} median {median:8.1f} ms  p95 {p95:8.1f} ms")
                    if runs < 20:  # on Citus a province page fans out and sorts on every shard: seconds a page
                        continue
                    cursor = page["next_cursor"]
                    for _ in range(98):
                        page = (await client.get("/api/v1/members", params={**params, "cursor": cursor}, headers=headers)).json()
                        cursor = page["next_cursor"]
                    median, p95, _ = await timed(
                        client, "GET", "/api/v1/members", 20, params={**params, "cursor": cursor}, headers=headers
                    )
                    figures[f"list page 100, {scope}"] = (median, p95)
                    log(f"{'list (education=junior_high) page 100, ' + scope:60s} median {median:8.1f} ms  p95 {p95:8.1f} ms")
                for scope, within, n in (
                    ("township", township, 30),
                    ("county", county, 20),
                    ("city", city, 10),
                    ("province", province, 7),
                ):
                    median, p95, stats = await timed(
                        client, "GET", "/api/v1/members/stats", n, params={**STATS_PARAMS, "within": str(within)}, headers=headers
                    )
                    figures[f"stats, {scope}"] = (median, p95, stats["total"])
                    label = f"stats age band x education, {scope} ({stats['total']:,} members)"
                    log(f"{label:60s} median {median:8.1f} ms  p95 {p95:8.1f} ms  load {os.getloadavg()[0]:.1f}")
                # Not on records distributed by id: Citus refuses the past day's join of the history
                # (local) to the records (distributed) there (docs/scaling.md).
                past_scopes = [] if workers and LAYOUT == "id" else [("county", county, 10), ("province", province, 5)]
                for scope, within, n in past_scopes:
                    params = {**STATS_PARAMS, "within": str(within), "as_of": PAST_DAY}
                    median, p95, stats = await timed(client, "GET", "/api/v1/members/stats", n, params=params, headers=headers)
                    figures[f"stats on {PAST_DAY}, {scope}"] = (median, p95, stats["total"])
                    label = f"stats age band x education on {PAST_DAY}, {scope}"
                    log(f"{label:60s} median {median:8.1f} ms  p95 {p95:8.1f} ms  load {os.getloadavg()[0]:.1f}")
                for scope, within in (("city", city), ("province", province)):
                    params = {"within": str(within), "as_of": STATS_PARAMS["as_of"]}
                    median, p95, _ = await timed(client, "GET", "/api/v1/members/survey", 7, params=params, headers=headers)
                    figures[f"survey, {scope}"] = (median, p95)
                    label = f"survey report (members half), {scope}"
                    log(f"{label:60s} median {median:8.1f} ms  p95 {p95:8.1f} ms  load {os.getloadavg()[0]:.1f}")
                if reuse:  # the run that made the database already wrote what follows
                    log(f"figures: {figures}")
                    await admin.close()
                    return
                await rollup_steps.import_rows(client, headers, branches, 500_000)
                params = {**STATS_PARAMS, "within": str(province)}
                median, p95, _ = await timed(client, "GET", "/api/v1/members/stats", 7, params=params, headers=headers)
                figures["stats, province, 100 000 deltas unfolded"] = (median, p95)
                log(f"{'stats, province, 100 000 deltas not folded':60s} median {median:8.1f} ms  p95 {p95:8.1f} ms")
                figures["fold (deltas, s)"] = await rollup_steps.fold_all(app.state.db)
                log(f"folded {figures['fold (deltas, s)']}")
                figures["repair after"] = await rollup_steps.repair(url, str(data_dir))
                log(f"repair after the writes: {figures['repair after']}")
        await admin.close()
        log(f"figures: {figures}")
    finally:
        if os.environ.get("KEEP_DATABASE") or reuse:
            log(f"kept database {database} (BENCH_REUSE_DATABASE={database} BENCH_DATA_DIR={data_dir})")
        else:
            await drop_database(ADMIN_URL, database)
            log(f"dropped database {database}")


async def load_and_write(
    admin: asyncpg.Connection,
    clients: dict[str, httpx.AsyncClient],
    headers: dict[str, str],
    content: bytes,
    branches: list[uuid.UUID],
    citus: bool,
    figures: dict[str, Any],
) -> None:
    """The first rows through the API, the server-side fill (distributed on a Citus cluster), then
    the writes with and without roll-ups."""
    response = await clients["on"].post(
        "/api/v1/members/import", content=content, params={"format": "csv"}, headers={**headers, "content-type": "text/csv"}
    )
    assert response.status_code == 200, response.text[:3000]
    log(f"imported {IMPORTED:,} members through the API")
    figures |= await fill(admin, len(branches))
    log(f"fill: {figures}")
    if citus:
        started = time.perf_counter()
        await LAYOUTS[LAYOUT](database_dsn(ADMIN_URL, await admin.fetchval("SELECT current_database()")))
        log(f"distributed the records over the workers by {LAYOUT} in {time.perf_counter() - started:.0f} s")
    figures["writes"] = await rollup_steps.compare_writes(admin, clients, headers, branches)
    log(f"writes without and with roll-ups: {figures['writes']}")
    # The writes added ~1.2 M history events: the as-of probe reads them by the planner's figures.
    await admin.execute("ANALYZE members.members")
    await admin.execute("ANALYZE members.member_events")


def import_id_number(content: bytes) -> str:
    """The ID number of the first imported row (third column of the csv)."""
    return content.decode().splitlines()[1].split(",")[2]


if __name__ == "__main__":
    asyncio.run(main())
