"""Member records at scale on PostgreSQL: bulk import vs COPY, statistics of 1M members, keyset depth.

Run: `.venv/bin/python -m benchmarks.members_scale` (PostgreSQL at TEST_POSTGRES_ADMIN_URL, default
postgresql://postgres@127.0.0.1:5432/postgres). Creates its own database and drops it at the end.

1. Import: 100 000 rows as one csv through `POST /api/v1/members/import` (the members app in
   process over ASGI, the row limit raised by policy for this run), against a server-side
   `COPY ... FROM '<file>'` of the same member rows into a copy of the table with the same indexes.
2. Statistics: the table grown to 1 000 000 members server-side (`INSERT ... SELECT
   generate_series`), then `GET /members/stats` grouped by age band and education for the whole
   district and for one township (median of repeated runs, through the API).
3. Keyset: page 1 and page 1000 of a filtered list (`education=junior_high`, 50 a page).
"""

import asyncio
import csv
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from services.kit.keys import TokenSigner, ensure_keypair
from services.kit.tree import child_path
from services.members.app import create_app
from services.members.rules import MembersPolicy
from services.members.service.tabular import COLUMNS
from services.members.settings import MembersSettings
from stack.postgres import drop_database, provision, service_url
from tests.builders import resident_id

ADMIN_URL = os.environ.get("TEST_POSTGRES_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
IMPORT_ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "100000"))  # fewer for a quick profile
IMPORT_ONLY = bool(os.environ.get("BENCH_IMPORT_ONLY"))  # stop after the import and its COPY baseline
TOTAL_MEMBERS = 1_000_000
TOWNSHIPS = 20
COMMUNITIES_PER_TOWNSHIP = 10
BRANCHES_PER_COMMUNITY = 2
# The template's own headers for the columns the generated rows fill.
IMPORTED_FIELDS = (
    "name",
    "sex",
    "id_number",
    "birth_date",
    "phone",
    "education",
    "occupation",
    "party_status",
    "joined_on",
    "full_on",
    "org_id",
)
HEADER = [hant for field, hant, _hans, _enum in COLUMNS if field in IMPORTED_FIELDS]
EDUCATION_LABELS = ["研究生", "大學本科", "大學專科", "中專/高中", "初中", "小學及以下"]


def log(message: str) -> None:
    print(message, flush=True)


def postgres_cpu_s() -> float:
    """CPU seconds used so far by every PostgreSQL process of this machine (Linux /proc; 0 elsewhere):
    with this process's own CPU time, it shows how much work an operation is, whatever the wall clock."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name, _, rest = text.partition(")")
        if name.endswith("(postgres"):
            fields = rest.split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def synthetic_members_sql(first: int, last: int, *, branches: int, ciphers: int) -> str:
    """INSERT of members `first`..`last` made server-side, spread over the temporary table
    bench_branches (n, id, county_id) of `branches` rows, with the real ciphertexts of bench_ciphers (n,
    id_number_cipher, phone_cipher) of `ciphers` rows, so that listing can decrypt what it shows."""
    return f"""
        INSERT INTO members.members (
            id, name, org_id, county_id, created_at, sex, ethnicity, id_number_cipher, id_number_index,
            phone_cipher, phone_index, birth_date, education, occupation, party_status, joined_on,
            full_on, state, state_since, residence_community_id, whereabouts, whereabouts_since,
            whereabouts_details, care_programs, version, updated_at)
        SELECT gen_random_uuid(), '黨員' || g, b.id, b.county_id, now(), CASE WHEN g % 2 = 0 THEN 'male' ELSE 'female' END, NULL,
               c.id_number_cipher, md5('bench' || g), c.phone_cipher, NULL,
               date '1935-01-01' + (g::bigint * 7919 % 25000)::int,
               (ARRAY['postgraduate', 'bachelor', 'college', 'secondary', 'junior_high',
                      'primary_or_below'])[1 + g % 6],
               'farmer', 'full', date '1975-01-01' + (g % 15000), date '1976-01-01' + (g % 15000),
               CASE WHEN g % 50 = 0 THEN 'left' ELSE 'normal' END, date '1975-01-01',
               NULL, CASE WHEN g % 20 = 0 THEN 'floating_out' ELSE 'resident' END, NULL,
               '{{}}'::json, '[]'::json, 1, now()
        FROM generate_series({first}, {last}) AS g
        JOIN bench_branches b ON b.n = g % {branches}
        JOIN bench_ciphers c ON c.n = g % {ciphers}
        """


async def build_tree(admin: asyncpg.Connection) -> tuple[uuid.UUID, list[uuid.UUID], dict[uuid.UUID, list[uuid.UUID]]]:
    """county → 20 townships → 10 communities each (rural, 1 in 5 urban) → 2 branches each."""
    rows: list[tuple[Any, ...]] = []

    def node(parent: tuple[uuid.UUID, str] | None, kind: str, tier: str, setting: str | None) -> tuple[uuid.UUID, str]:
        node_id = uuid.uuid4()
        path = child_path(parent[1] if parent else None, node_id)
        county = rows[0][0] if rows else node_id  # the tree's root is its one county
        rows.append(
            (
                node_id,
                parent[0] if parent else None,
                path,
                1,
                f"{tier}-{node_id.hex[:6]}",
                kind,
                tier,
                "active",
                None,
                setting,
                county,
            )
        )
        return node_id, path

    county = node(None, "committee", "county", None)
    townships: list[uuid.UUID] = []
    branches: dict[uuid.UUID, list[uuid.UUID]] = {}
    for t in range(TOWNSHIPS):
        township = node(county, "committee", "township", None)
        townships.append(township[0])
        branches[township[0]] = []
        for c in range(COMMUNITIES_PER_TOWNSHIP):
            setting = "urban" if (t * COMMUNITIES_PER_TOWNSHIP + c) % 5 == 0 else "rural"
            community = node(township, "general_branch", "community", setting)
            for _ in range(BRANCHES_PER_COMMUNITY):
                branches[township[0]].append(node(community, "branch", "inner", setting)[0])
    await admin.copy_records_to_table(
        "org_replica",
        schema_name="members",
        records=rows,
        columns=["id", "parent_id", "path", "version", "name", "kind", "tier", "status", "community_id", "setting", "county_id"],
    )
    return county[0], townships, branches


def import_file(branch_ids: list[uuid.UUID], rows: int = IMPORT_ROWS, first: int = 0) -> bytes:
    """`rows` people numbered from `first` (another `first` 1000 apart: other ID numbers)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    base = date(1940, 1, 1)
    for i in range(first, first + rows):
        born = base + timedelta(days=(i // 1000) % 20000)
        serial = i % 1000
        joined = born.replace(year=born.year + 25, day=min(born.day, 28))
        full = joined.replace(year=joined.year + 1)
        writer.writerow(
            [
                f"黨員{i}",
                "男" if serial % 2 else "女",
                resident_id(born, serial),
                born.isoformat(),
                f"138{i:08d}",
                EDUCATION_LABELS[i % 6],
                "農民",
                "正式",
                joined.isoformat(),
                full.isoformat(),
                str(branch_ids[i % len(branch_ids)]),
            ]
        )
    return out.getvalue().encode()


async def timed(client: httpx.AsyncClient, path: str, params: Any, headers: dict[str, str], runs: int) -> tuple[float, Any]:
    times = []
    body = None
    for _ in range(runs):
        started = time.perf_counter()
        response = await client.get(path, params=params, headers=headers)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.text
        body = response.json()
    return statistics.median(times), body


async def main() -> None:
    database = f"dangjian_bench_members_{os.getpid()}"
    await provision(ADMIN_URL, database, {})
    data_dir = Path(tempfile.mkdtemp(prefix="members-bench-"))
    host, port = "127.0.0.1", 5432
    url = service_url(host, port, database, "members")
    try:
        env = {**os.environ, "MEMBERS_DATA_DIR": str(data_dir), "MEMBERS_DATABASE_URL": url}
        migrate = [sys.executable, "-m", "stack", "migrate", "members"]
        await asyncio.to_thread(subprocess.run, migrate, env=env, check=True, capture_output=True)
        admin = await asyncpg.connect(ADMIN_URL, database=database)
        county, townships, branches = await build_tree(admin)
        all_branches = [b for t in townships for b in branches[t]]

        ensure_keypair(data_dir / "keys" / "jwt-private.pem", data_dir / "keys" / "jwt-public.pem")
        signer = TokenSigner((data_dir / "keys" / "jwt-private.pem").read_bytes(), issuer="dangjian-gateway", audience="dangjian")
        headers = {
            "Authorization": "Bearer " + signer.access_token(subject="bench", kind="user", roles=["org_admin"], lifetime_s=3600)
        }
        settings = MembersSettings(
            data_dir=data_dir,
            database_url=url,
            json_logs=False,
            consume_feeds=False,
            # No gateway here: no revocations to follow, and one token for the whole run.
            follow_revocations=False,
            access_token_max_lifetime_s=3600,
            db_statement_timeout_s=600,
            policy=MembersPolicy(import_max_rows=IMPORT_ROWS),
        )
        app = create_app(settings)
        figures: dict[str, Any] = {}
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench", timeout=900) as client:
                # 1. Import through the API.
                content = import_file(all_branches)
                log(f"import file: {len(content) / 1e6:.1f} MB, {IMPORT_ROWS} rows")
                started, own_cpu, server_cpu = time.perf_counter(), time.process_time(), postgres_cpu_s()
                response = await client.post(
                    "/api/v1/members/import",
                    content=content,
                    params={"format": "csv"},
                    headers={**headers, "content-type": "text/csv"},
                )
                api_s = time.perf_counter() - started
                own_cpu, server_cpu = time.process_time() - own_cpu, postgres_cpu_s() - server_cpu
                assert response.status_code == 200, response.text[:3000]
                figures |= {"import_api_s": api_s, "import_cpu_s": own_cpu, "import_postgres_cpu_s": server_cpu}
                log(f"API import: {api_s:.2f} s = {IMPORT_ROWS / api_s:,.0f} rows/s")
                log(f"  CPU: this process {own_cpu:.2f} s, PostgreSQL {server_cpu:.2f} s (on {os.cpu_count()} cores)")

                # The same rows, server-side COPY into a copy of the table with the same indexes.
                dump = Path(tempfile.gettempdir()) / f"members-bench-{os.getpid()}.copy"
                await admin.execute(f"COPY members.members TO '{dump}'")
                await admin.execute("CREATE TABLE members.copy_target (LIKE members.members INCLUDING ALL)")
                started, server_cpu = time.perf_counter(), postgres_cpu_s()
                await admin.execute(f"COPY members.copy_target FROM '{dump}'")
                copy_s = time.perf_counter() - started
                figures["copy_postgres_cpu_s"] = postgres_cpu_s() - server_cpu
                dump.unlink(missing_ok=True)
                await admin.execute("DROP TABLE members.copy_target")
                figures["copy_s"] = copy_s
                log(f"server-side COPY of the member rows: {copy_s:.2f} s = {IMPORT_ROWS / copy_s:,.0f} rows/s")
                log(f"  CPU: PostgreSQL {figures['copy_postgres_cpu_s']:.2f} s")
                log(f"import / COPY speed (member rows only): {copy_s / api_s:.2f}")
                # Everything an import writes: the record, its opening history and its member.created event.
                all_s = 0.0
                for table in ("members", "member_events", "outbox"):
                    await admin.execute(f"COPY members.{table} TO '{dump}'")
                    await admin.execute(f"CREATE TABLE members.copy_target (LIKE members.{table} INCLUDING ALL)")
                    started = time.perf_counter()
                    await admin.execute(f"COPY members.copy_target FROM '{dump}'")
                    all_s += time.perf_counter() - started
                    dump.unlink(missing_ok=True)
                    await admin.execute("DROP TABLE members.copy_target")
                figures["copy_all_tables_s"] = all_s
                log(f"server-side COPY of every row the import writes (3 tables): {all_s:.2f} s")
                log(f"import / COPY speed (same rows in all tables): {all_s / api_s:.2f}")

                if IMPORT_ONLY:
                    return
                # 2. Grow to 1M members server-side, spread over every branch.
                extra = TOTAL_MEMBERS - IMPORT_ROWS
                started = time.perf_counter()
                await admin.execute(
                    "CREATE TEMP TABLE bench_branches AS SELECT row_number() OVER () - 1 AS n, id, county_id "
                    "FROM members.org_replica WHERE kind = 'branch'"
                )
                # Real ciphertexts (of the imported rows) so that listing can decrypt what it shows.
                await admin.execute(
                    "CREATE TEMP TABLE bench_ciphers AS SELECT row_number() OVER () - 1 AS n, id_number_cipher, phone_cipher "
                    "FROM members.members"
                )
                await admin.execute(
                    synthetic_members_sql(1, extra, branches=len(all_branches), ciphers=IMPORT_ROWS) + " ORDER BY b.n"
                )
                await admin.execute("VACUUM ANALYZE members.members")
                await admin.execute("ANALYZE members.org_replica")
                log(f"grew to {TOTAL_MEMBERS:,} members in {time.perf_counter() - started:.1f} s")

                params = {"group_by": ["age_band", "education"], "age_edges": [35, 46, 60], "as_of": "2026-11-26"}
                district_ms, district = await timed(
                    client, "/api/v1/members/stats", {**params, "within": str(county)}, headers, 7
                )
                township_ms, township = await timed(
                    client, "/api/v1/members/stats", {**params, "within": str(townships[3])}, headers, 15
                )
                figures |= {"district_ms": district_ms, "township_ms": township_ms}
                groups = len(district["groups"])
                log(f"stats, district ({district['total']:,} members, {groups} groups): {district_ms:.0f} ms median")
                log(f"stats, one township ({township['total']:,} members): {township_ms:.1f} ms median")

                # 3. Keyset depth: page 1 against page 1000 of a filtered list.
                list_params: dict[str, Any] = {"within": str(county), "education": "junior_high", "limit": 50}
                page1_ms, page = await timed(client, "/api/v1/members", list_params, headers, 9)
                cursor = page["next_cursor"]
                for _ in range(998):
                    page = (await client.get("/api/v1/members", params={**list_params, "cursor": cursor}, headers=headers)).json()
                    cursor = page["next_cursor"]
                page1000_ms, _ = await timed(client, "/api/v1/members", {**list_params, "cursor": cursor}, headers, 9)
                figures |= {"page1_ms": page1_ms, "page1000_ms": page1000_ms}
                log(f"list page 1: {page1_ms:.1f} ms, page 1000: {page1000_ms:.1f} ms (median)")
        await admin.close()
        log(f"figures: {figures}")
    finally:
        if os.environ.get("KEEP_DATABASE"):
            log(f"kept database {database}")
        else:
            await drop_database(ADMIN_URL, database)


if __name__ == "__main__":
    asyncio.run(main())
