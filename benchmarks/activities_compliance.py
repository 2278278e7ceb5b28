"""Compliance (三會一課) on PostgreSQL at district scale: one township and one district, one quarter.

    .venv/bin/python -m benchmarks.activities_compliance [--districts 10] [--years 5] [--runs 15] [--keep]

Builds a throwaway database (`dangjian_bench_activities_<hex>`, provisioned and migrated as the
real service's), then loads server-side with `INSERT ... SELECT generate_series`:

- an org tree of 1 + D districts x 20 townships x 30 communities x (1 community organization,
  3 branches, 2 party groups per branch) — 60,211 organizations for D = 10;
- Y years of held activities (2022-2026 for Y = 5): per community organization and branch each
  month a study day, a committee meeting (community organizations), 1-2 other activities, each
  quarter a general meeting and a party lecture, each year a life meeting and a democratic
  review; per party group a monthly group meeting — about 5.6 million activities;
- attendance for the activities of community organizations and branches: 3 or 4 members each —
  about 20 million rows.

Then it times `GET /api/v1/compliance?within=…&period=2026-Q3` through the service's own ASGI
app in process (token check, SQL, assembly, JSON) for random townships and districts, and the
service function alone (SQL and assembly). Figures are medians and 95th percentiles over --runs
different organizations after one warm-up each. The database is dropped at the end unless --keep.

Targets (issue 5): a township ≤ 100 ms, a district ≤ 500 ms.
"""

import argparse
import asyncio
import json
import os
import platform
import random
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

from services.activities.models import PARTITIONED
from services.kit.db import make_engine
from services.kit.keys import TokenSigner, ensure_keypair
from services.kit.partitions import ensure_partitions, partitions
from stack.postgres import drop_database, provision, service_url

ADMIN_URL = os.environ.get("BENCH_POSTGRES_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
ROOT = Path(__file__).resolve().parents[1]
TOWNSHIPS_PER_DISTRICT = 20
COMMUNITIES_PER_TOWNSHIP = 30
BRANCHES_PER_COMMUNITY = 3
GROUPS_PER_BRANCH = 2


# Paths are the kit's materialized paths: `/<hex id>/…/`.
def tree_sql(districts: int) -> list[str]:
    def level(count: int, name: str, kind: str, tier: str, community: str, parents: str) -> str:
        # The ids come from a subquery so that each row's volatile id is drawn once and reused.
        return (
            "INSERT INTO activities.org_replica (id, parent_id, path, version, name, kind, tier, status, community_id) "
            f"SELECT x.id, x.pid, x.ppath || replace(x.id::text, '-', '') || '/', 1, {name}, '{kind}', '{tier}', 'active', "
            f"{community} FROM (SELECT gen_random_uuid() AS id, p.id AS pid, p.path AS ppath, p.community_id AS pcid, n "
            f"FROM activities.org_replica p CROSS JOIN generate_series(1, {count}) n WHERE {parents}) x"
        )

    return [
        "INSERT INTO activities.org_replica (id, parent_id, path, version, name, kind, tier, status) "
        "SELECT id, NULL, '/' || replace(id::text, '-', '') || '/', 1, 'city', 'committee', 'county', 'active' "
        "FROM (SELECT gen_random_uuid() AS id) r",
        level(districts, "'district ' || x.n", "committee", "county", "NULL", "p.parent_id IS NULL"),
        level(TOWNSHIPS_PER_DISTRICT, "'township'", "committee", "township", "NULL", "p.name LIKE 'district %'"),
        level(COMMUNITIES_PER_TOWNSHIP, "'community'", "general_branch", "community", "gen_random_uuid()", "p.tier = 'township'"),
        level(BRANCHES_PER_COMMUNITY, "'branch'", "branch", "inner", "x.pcid", "p.tier = 'community'"),
        level(GROUPS_PER_BRANCH, "'group'", "group", "inner", "x.pcid", "p.kind = 'branch'"),
    ]


def activities_sql(years: int) -> str:
    """Every (organization, month) gets its activities from a fixed pattern; all are held."""
    first_year = 2027 - years
    return f"""
INSERT INTO activities.activities
  (id, org_id, county_id, type, title, starts_at, created_at, ends_at, starts_on, unit_ids, status, version)
SELECT gen_random_uuid(), o.id, o.county_id, t.type, t.type, m.day + time '09:00', now(), m.day + time '11:00', m.day,
       '[]', 'held', 1
FROM activities.org_replica o
CROSS JOIN LATERAL (
  SELECT (date '{first_year}-01-01' + make_interval(months => k))::date + (abs(hashtext(o.id::text || k)) % 25) AS day,
         k % 12 + 1 AS month, k AS k
  FROM generate_series(0, {12 * years} - 1) k
) m
CROSS JOIN LATERAL (
  SELECT x.type FROM (VALUES
    ('study_day', true),
    ('committee_meeting', o.kind = 'general_branch'),
    ('general_meeting', m.month % 3 = 2),
    ('party_lecture', m.month % 3 = 0),
    ('life_meeting', m.month = 12),
    ('democratic_review', m.month = 1),
    ('volunteer_service', true),
    ('home_visit', m.k % 2 = 0),
    ('public_talk', m.k % 4 = 1)
  ) x(type, applies)
  WHERE x.applies AND o.kind <> 'group'
  UNION ALL SELECT 'group_meeting' WHERE o.kind = 'group'
) t
WHERE o.tier IN ('community', 'inner')
"""


ATTENDANCE_SQL = """
INSERT INTO activities.attendance (activity_id, county_id, member_id, status, reason, hours, guest, starts_on, recorded_at)
SELECT a.id, a.county_id, md5(a.org_id::text || n)::uuid,
       CASE WHEN n = 1 AND abs(hashtext(a.id::text)) % 3 = 0 THEN 'excused' WHEN n = 2 THEN 'absent' ELSE 'present' END,
       CASE WHEN n = 1 AND abs(hashtext(a.id::text)) % 3 = 0 THEN '外出' END,
       CASE WHEN a.type = 'volunteer_service' THEN 2 END, false, a.starts_on, now()
FROM activities.activities a
CROSS JOIN LATERAL generate_series(1, 3 + abs(hashtext(a.id::text)) % 2) n
WHERE a.type <> 'group_meeting'
"""

# Loading is faster without the indexes; they are rebuilt (same names) once the rows are in.
ACTIVITY_INDEXES = [
    ("ix_activities_activities_org_id", "activities (org_id)"),
    ("ix_activities_org_id_starts_on", "activities (org_id, starts_on, type, status)"),
    ("ix_activities_activities_served_member_id", "activities (served_member_id)"),
]
# The members the attendance names (3 or 4 per organization), living and resident.
MEMBERS_SQL = """
INSERT INTO activities.member_replica
  (id, version, name, org_id, residence_community_id, party_status, state, whereabouts, care_programs, green_channel)
SELECT md5(o.id::text || n)::uuid, 1, 'member', o.id, o.community_id, 'full', 'normal', 'resident', '[]', false
FROM activities.org_replica o CROSS JOIN generate_series(1, 4) n
WHERE o.tier IN ('community', 'inner') AND o.kind <> 'group'
"""

PRIMARY_KEY_SQL = "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'p'"


async def make_months(url: str, years: int) -> list[str]:
    """The loaded years' monthly partitions (where the tables are partitioned), made before the
    load as a deployment's partition job or its converting migration would have: otherwise the
    rows would all land in the default partition."""
    engine = make_engine(url, "activities", pool_size=1)
    try:
        async with engine.begin() as connection:

            def make(sync: Any) -> list[str]:
                if not partitions(sync, "activities", "activities"):
                    return []  # plain tables (before partitioning)
                since = date(2027 - years, 1, 1)
                return [
                    name
                    for spec in PARTITIONED
                    for name in ensure_partitions(sync, "activities", spec, date.today(), since=since)
                ]

            return await connection.run_sync(make)
    finally:
        await engine.dispose()


ATTENDANCE_INDEXES = [("ix_attendance_member_id_status_starts_on", "attendance (member_id, status, starts_on)")]


async def load(dsn: str, districts: int, years: int) -> tuple[dict[str, float], dict[str, list[uuid.UUID]]]:
    timings: dict[str, float] = {}
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute("SET synchronous_commit = off")
        started = time.perf_counter()
        for statement in tree_sql(districts):
            await connection.execute(statement)
        # Each organization's county, as the service keeps it (services/activities/service/counties.py):
        # the deepest county-tier organization on its path (the city's own, or its district), set
        # as the migration does, by one range of the path's index per county, shallowest first.
        counties = "SELECT id, path FROM activities.org_replica WHERE tier = 'county' ORDER BY length(path)"
        for county in await connection.fetch(counties):
            below = "path >= $2 AND path < $2 || '~'"
            await connection.execute(
                f"UPDATE activities.org_replica SET county_id = $1 WHERE {below}", county["id"], county["path"]
            )
        timings["tree_s"] = time.perf_counter() - started
        for name, _ in ACTIVITY_INDEXES + ATTENDANCE_INDEXES:
            await connection.execute(f"DROP INDEX activities.{name}")
        # The keys as the migrations made them: on partitioned tables they hold the partition key.
        keys = {
            table: await connection.fetchval(PRIMARY_KEY_SQL, f"activities.{table}") for table in ("activities", "attendance")
        }
        await connection.execute("ALTER TABLE activities.activities DROP CONSTRAINT pk_activities")
        await connection.execute("ALTER TABLE activities.attendance DROP CONSTRAINT pk_attendance")
        started = time.perf_counter()
        await connection.execute(activities_sql(years))
        timings["activities_s"] = time.perf_counter() - started
        started = time.perf_counter()
        await connection.execute(ATTENDANCE_SQL)
        timings["attendance_s"] = time.perf_counter() - started
        await connection.execute(MEMBERS_SQL)
        started = time.perf_counter()
        await connection.execute("SET maintenance_work_mem = '512MB'")
        await connection.execute(f"ALTER TABLE activities.activities ADD CONSTRAINT pk_activities {keys['activities']}")
        await connection.execute(f"ALTER TABLE activities.attendance ADD CONSTRAINT pk_attendance {keys['attendance']}")
        for name, definition in ACTIVITY_INDEXES + ATTENDANCE_INDEXES:
            await connection.execute(f"CREATE INDEX {name} ON activities.{definition}")
        await connection.execute("ANALYZE activities.org_replica")
        await connection.execute("ANALYZE activities.activities")
        await connection.execute("ANALYZE activities.attendance")
        await connection.execute("ANALYZE activities.member_replica")
        timings["indexes_s"] = time.perf_counter() - started
        counts = await connection.fetchrow(
            "SELECT (SELECT count(*) FROM activities.org_replica) AS orgs,"
            " (SELECT count(*) FROM activities.activities) AS activities,"
            " (SELECT count(*) FROM activities.attendance) AS attendance,"
            " (SELECT count(*) FROM activities.member_replica) AS members"
        )
        timings |= {key: float(value) for key, value in dict(counts).items()}
        picks = {
            "township": [
                r["id"] for r in await connection.fetch("SELECT id FROM activities.org_replica WHERE tier = 'township'")
            ],
            "district": [
                r["id"] for r in await connection.fetch("SELECT id FROM activities.org_replica WHERE name LIKE 'district %'")
            ],
        }
    finally:
        await connection.close()
    return timings, picks


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


async def measure(url: str, picks: dict[str, list[uuid.UUID]], runs: int, data_dir: Path) -> dict[str, dict[str, float]]:
    from services.activities.app import create_app
    from services.activities.rules import ActivitiesPolicy
    from services.activities.rules.compliance import parse_period
    from services.activities.service.common import ActivitiesContext
    from services.activities.service.compliance import compliance
    from services.activities.settings import ActivitiesSettings
    from services.kit.auth import Caller

    ensure_keypair(data_dir / "keys" / "jwt-private.pem", data_dir / "keys" / "jwt-public.pem")
    signer = TokenSigner((data_dir / "keys" / "jwt-private.pem").read_bytes(), issuer="dangjian-gateway", audience="dangjian")
    token = signer.access_token(subject="bench", kind="user", roles=("viewer",), scope_org_id=None, scopes=())
    headers = {"Authorization": f"Bearer {token}"}
    # No gateway here: no revocations to follow.
    settings = ActivitiesSettings(
        database_url=url, data_dir=data_dir, json_logs=False, consume_feeds=False, follow_revocations=False
    )
    app = create_app(settings)
    period = parse_period("2026-Q3")
    policy = ActivitiesPolicy()
    caller = Caller(subject="bench", kind="user", roles=frozenset({"viewer"}))
    ctx = ActivitiesContext(caller=caller, policy=policy, today=date(2026, 11, 26), request_id=None, data_dir=data_dir)
    results: dict[str, dict[str, float]] = {}
    rng = random.Random(7)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            for scope, ids in picks.items():
                chosen = [rng.choice(ids) for _ in range(runs)]
                http_samples, service_samples, sizes = [], [], []
                for org_id in chosen:
                    params = {"within": str(org_id), "period": period.label}
                    await client.get("/api/v1/compliance", params=params, headers=headers)  # warm-up
                    started = time.perf_counter()
                    response = await client.get("/api/v1/compliance", params=params, headers=headers)
                    http_samples.append(time.perf_counter() - started)
                    assert response.status_code == 200, response.text
                    sizes.append(len(response.json()["organizations"]))
                    async with app.state.db.read_sessions() as session:
                        started = time.perf_counter()
                        await compliance(session, ctx, org_id, period)
                        service_samples.append(time.perf_counter() - started)
                results[f"{scope}_http"] = summary(http_samples) | {"organizations": statistics.median(sizes)}
                results[f"{scope}_service"] = summary(service_samples)
                list_samples = []
                for org_id in chosen[: max(3, runs // 3)]:
                    params = {"within": str(org_id), "as_of": "2026-11-26"}
                    await client.get("/api/v1/compliance/inactive-members", params=params, headers=headers)
                    started = time.perf_counter()
                    response = await client.get("/api/v1/compliance/inactive-members", params=params, headers=headers)
                    list_samples.append(time.perf_counter() - started)
                    assert response.status_code == 200, response.text
                results[f"{scope}_inactive_members_http"] = summary(list_samples)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--districts", type=int, default=10)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--keep", action="store_true", help="keep the database (its name is printed)")
    args = parser.parse_args()

    database = f"dangjian_bench_activities_{uuid.uuid4().hex[:6]}"
    from sqlalchemy.engine import make_url

    admin = make_url(ADMIN_URL)
    host, port = admin.host or "127.0.0.1", admin.port or 5432
    url = service_url(host, port, database, "activities")
    started = time.perf_counter()
    asyncio.run(provision(ADMIN_URL, database, {}))
    try:
        with tempfile.TemporaryDirectory() as tmp:
            env = {**os.environ, "ACTIVITIES_DATABASE_URL": url, "ACTIVITIES_DATA_DIR": tmp}
            subprocess.run(
                [sys.executable, "-m", "alembic", "-n", "activities", "upgrade", "head"], env=env, cwd=ROOT, check=True
            )
            asyncio.run(make_months(url, args.years))
            loaded, picks = asyncio.run(
                load(str(admin.set(database=database, drivername="postgresql")), args.districts, args.years)
            )
            results = asyncio.run(measure(url, picks, args.runs, Path(tmp)))
    finally:
        if not args.keep:
            asyncio.run(drop_database(ADMIN_URL, database))
    report = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "nproc": os.cpu_count(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "python": platform.python_version(),
        "database": database + (" (kept)" if args.keep else " (dropped)"),
        "load": {k: round(v, 1) for k, v in loaded.items()},
        "results": results,
        "total_s": round(time.perf_counter() - started, 1),
    }
    print(json.dumps(report, indent=2, ensure_ascii=False))
    township_ok = results["township_http"]["median_ms"] <= 100
    district_ok = results["district_http"]["median_ms"] <= 500
    return 0 if township_ok and district_ok else 1


if __name__ == "__main__":
    sys.exit(main())
