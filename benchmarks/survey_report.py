"""The survey report over a x100 district on PostgreSQL: `GET /api/v1/reports/survey` through the
gateway, composed from orgs' and members' aggregate endpoints, on the real processes.

The district is the seed's x100: 5,900 rural communities (≈38 members each, 2,236 per 59) and 600
urban ones, each community a top organization with two inner branches, 3 team positions, about 8
units and 1.3 reserve cadres; ≈246 thousand members. Rows go straight into each service's schema
with COPY (asyncpg `copy_records_to_table`), the fastest way in (ENGINEERING.md), as the services
would hold them: orgs' tables, and members' records with its replicas of the tree and positions.

    .venv/bin/python -m benchmarks.survey_report                 # ≈2 min to build, then the timings
    .venv/bin/python -m benchmarks.survey_report --runs 10
    .venv/bin/python -m benchmarks.survey_report --scale 0.25    # a quarter of the communities (a loaded machine)

Every member has its history as the services write it (joining, the opening whereabouts), and
about 3.5% have facts changed after 30 June (floating out, displaced, back, left, moved to another
community): the report is timed as of today (the default) and as of 30 June, when those members'
facts are rebuilt from their history (service/facts.py in members).

The machine is shared: each line carries the 1-minute load average (2 cores here), read it first.
Prints the time of the whole report through the gateway (median and max of the runs after one
warm-up), and of each service's half asked directly. Target: the report in ≤ 1 s.
"""

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from services.kit.keys import TokenSigner
from services.kit.tree import child_key, child_path
from stack.cli import local_environment
from stack.ports import free_port_block
from stack.postgres import drop_database, provision, service_url

ADMIN_URL = os.environ.get("TEST_POSTGRES_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
TOWNSHIPS = 60
RURAL = 5_900
URBAN = 600
MEMBERS_PER_RURAL = 2236 / 59
UNITS = 49_100
RESERVE_CADRES = 7_700
AS_OF = date(2026, 6, 30)
EDUCATION = ("primary_or_below", "junior_high", "secondary", "college", "bachelor", "postgraduate")
RURAL_EDUCATION_WEIGHTS = (30, 39, 20, 7, 3, 1)
URBAN_EDUCATION_WEIGHTS = (5, 10, 25, 30, 25, 5)
TEAM = ("secretary", "deputy_secretary", "organization_member")
PROCESSES = ("gateway", "orgs", "members")


def log(message: str) -> None:
    print(message, flush=True)


class District:
    """The rows of every table, generated deterministically (seeded)."""

    def __init__(self, scale: float = 1.0) -> None:
        rng = random.Random(7)
        later = random.Random(18)  # the changes after AS_OF, apart so the rest stays as it was
        now = datetime.now(UTC)
        self.orgs: list[tuple[Any, ...]] = []
        self.communities: list[tuple[Any, ...]] = []
        self.members: list[tuple[Any, ...]] = []
        self.positions: list[tuple[Any, ...]] = []
        self.units: list[tuple[Any, ...]] = []
        self.cadres: list[tuple[Any, ...]] = []
        self.replica: list[tuple[Any, ...]] = []
        self.events: list[tuple[Any, ...]] = []

        # The orgs service's compact tree key: each node the next ordinal among its parent's children.
        children: dict[uuid.UUID | None, int] = {}

        def org(
            parent: tuple[uuid.UUID, str, str] | None, kind: str, tier: str, community: uuid.UUID | None, setting: str | None
        ) -> tuple[uuid.UUID, str, str]:
            org_id = uuid.uuid4()
            path = child_path(parent[1] if parent else None, org_id)
            parent_id = parent[0] if parent else None
            children[parent_id] = children.get(parent_id, 0) + 1
            key = child_key(parent[2] if parent else None, children[parent_id])
            name = f"{tier}-{org_id.hex[:8]}"
            self.orgs.append((org_id, name, kind, tier, parent_id, community, setting, "active", path, key, 1, now, now))
            self.replica.append((org_id, parent_id, path, 1, name, kind, tier, "active", community, setting))
            return org_id, path, key

        county = org(None, "committee", "county", None, None)
        self.county_id = county[0]
        townships = [org(county, "committee", "township", None, None) for _ in range(TOWNSHIPS)]
        community_ids: list[uuid.UUID] = []
        rural, urban = round(RURAL * scale), round(URBAN * scale)
        tops: list[uuid.UUID] = []
        for index in range(rural + urban):
            setting = "rural" if index < rural else "urban"
            township = townships[index % TOWNSHIPS]
            community_id = uuid.uuid4()
            community_ids.append(community_id)
            size = max(3, round(rng.gauss(MEMBERS_PER_RURAL, 18)))
            # Forms as the rule has them, but one community in ten left with the wrong one.
            kind = "committee" if size > 100 else "general_branch" if size > 50 else "branch"
            if rng.random() < 0.1:
                kind = "branch" if kind != "branch" else "general_branch"
            top = org(township, kind, "community", community_id, setting)
            tops.append(top[0])
            branches = [org(top, "branch", "inner", community_id, setting)[0] for _ in range(2)]
            self.communities.append((community_id, f"社區{index}", township[0], top[0], setting, "[]", 1, now, now))
            weights = RURAL_EDUCATION_WEIGHTS if setting == "rural" else URBAN_EDUCATION_WEIGHTS
            holders = []
            for m in range(size):
                member_id = uuid.uuid4()
                born = date(1935, 1, 1) + timedelta(days=rng.randrange(0, 70 * 365))
                joined = born + timedelta(days=365 * rng.randrange(18, 40))
                joined = min(joined, date(2025, 1, 1))
                whereabouts = rng.choices(("resident", "floating_out", "displaced", "not_transferred"), (90, 6, 3, 1))[0]
                org_id, state, state_since = branches[m % 2], "normal", joined
                history = [("joined", joined, {"org_id": str(org_id), "party_status": "probationary"})]
                history.append(("became_full", joined + timedelta(days=365), {}))
                if whereabouts != "resident":
                    history.append(("whereabouts_changed", joined, {"whereabouts": whereabouts}))
                change, day = later.random(), AS_OF + timedelta(days=later.randrange(1, 150))
                if change < 0.02 and whereabouts in ("resident", "floating_out", "displaced"):
                    to = "resident" if whereabouts != "resident" else later.choice(("floating_out", "displaced"))
                    history.append(("whereabouts_changed", day, {"from": whereabouts, "whereabouts": to}))
                    whereabouts = to
                elif change < 0.03 and whereabouts != "not_transferred":
                    history.append(("state_changed", day, {"from": state, "to": "left"}))
                    state, state_since = "left", day
                elif change < 0.035 and tops and whereabouts != "not_transferred":
                    moved_to = tops[later.randrange(len(tops))]
                    details = {"kind": "within", "from_org_id": str(org_id), "to_org_id": str(moved_to)}
                    history.append(("org_changed", day, details))
                    org_id = moved_to
                for seq, (kind_of, effective_on, details) in enumerate(history, start=1):
                    self.events.append((member_id, seq, kind_of, effective_on, json.dumps(details), "bench", now))
                self.members.append(
                    (
                        member_id,
                        f"黨員{index}-{m}",
                        org_id,
                        now,
                        "male" if m % 2 else "female",
                        b"\x00",
                        member_id.hex + member_id.hex,
                        born,
                        rng.choices(EDUCATION, weights)[0],
                        "farmer",
                        "full",
                        joined,
                        state,
                        state_since,
                        community_id,
                        whereabouts,
                        "{}",
                        "[]",
                        1,
                        now,
                    )
                )
                holders.append(member_id)
            for role, member_id in zip(TEAM, holders, strict=False):
                self.positions.append(
                    (uuid.uuid4(), top[0], member_id, role, date(2024, 1, 1), None, "elected", "[]", 1, now, now)
                )
        for i in range(round(UNITS * scale)):
            self.units.append((uuid.uuid4(), community_ids[i % len(community_ids)], f"單位{i}", "enterprise", 1, now, now))
        for i in range(round(RESERVE_CADRES * scale)):
            born = date(1975, 1, 1) + timedelta(days=rng.randrange(0, 20 * 365))
            education = rng.choices(EDUCATION, (5, 20, 40, 20, 12, 3))[0]
            community = community_ids[rng.randrange(len(community_ids))]
            self.cadres.append((uuid.uuid4(), community, f"後備{i}", born, education, date(2024, 1, 1), 1, now, now))


async def load(admin: asyncpg.Connection, d: District) -> None:
    made: dict[uuid.UUID, int] = {}
    for row in d.orgs:
        if row[4] is not None:
            made[row[4]] = made.get(row[4], 0) + 1
    org_rows = [(*row, made.get(row[0], 0)) for row in d.orgs]
    copies: list[tuple[str, str, list[tuple[Any, ...]], list[str]]] = [
        (
            "orgs",
            "organizations",
            org_rows,
            [
                "id",
                "name",
                "kind",
                "tier",
                "parent_id",
                "community_id",
                "setting",
                "status",
                "path",
                "tree_key",
                "version",
                "created_at",
                "updated_at",
                "children_made",
            ],
        ),
        (
            "orgs",
            "communities",
            d.communities,
            [
                "id",
                "name",
                "township_org_id",
                "party_org_id",
                "setting",
                "origin_villages",
                "version",
                "created_at",
                "updated_at",
            ],
        ),
        (
            "orgs",
            "positions",
            d.positions,
            [
                "id",
                "org_id",
                "member_id",
                "role",
                "since",
                "until",
                "source",
                "concurrent_posts",
                "version",
                "created_at",
                "updated_at",
            ],
        ),
        ("orgs", "units", d.units, ["id", "community_id", "name", "category", "version", "created_at", "updated_at"]),
        (
            "orgs",
            "reserve_cadres",
            d.cadres,
            ["id", "community_id", "name", "birth_date", "education", "since", "version", "created_at", "updated_at"],
        ),
        (
            "members",
            "org_replica",
            d.replica,
            ["id", "parent_id", "path", "version", "name", "kind", "tier", "status", "community_id", "setting"],
        ),
        (
            "members",
            "members",
            d.members,
            [
                "id",
                "name",
                "org_id",
                "created_at",
                "sex",
                "id_number_cipher",
                "id_number_index",
                "birth_date",
                "education",
                "occupation",
                "party_status",
                "joined_on",
                "state",
                "state_since",
                "residence_community_id",
                "whereabouts",
                "whereabouts_details",
                "care_programs",
                "version",
                "updated_at",
            ],
        ),
        (
            "members",
            "member_events",
            d.events,
            ["member_id", "seq", "kind", "effective_on", "details", "actor", "recorded_at"],
        ),
        (
            "members",
            "position_replica",
            [(p[0], 1, p[1], p[2], p[3], p[4], p[5]) for p in d.positions],
            ["id", "version", "org_id", "member_id", "role", "since", "until"],
        ),
    ]
    for schema, table, rows, columns in copies:
        started = time.perf_counter()
        await admin.copy_records_to_table(table, schema_name=schema, records=rows, columns=columns)
        log(f"  {schema}.{table}: {len(rows):,} rows in {time.perf_counter() - started:.1f} s")
    # What autovacuum does after a bulk load: statistics, and the visibility map that lets the
    # counts read the members' covering index alone.
    await admin.execute("VACUUM (ANALYZE)")


async def timed(
    client: httpx.AsyncClient, url: str, params: dict[str, str], headers: dict[str, str], runs: int
) -> tuple[float, float, Any]:
    times = []
    body = None
    for _ in range(runs + 1):  # the first is a warm-up
        started = time.perf_counter()
        response = await client.get(url, params=params, headers=headers)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.text[:2000]
        body = response.json()
    return statistics.median(times[1:]), max(times[1:]), body


def start(env: dict[str, str], ports: dict[str, int], data_dir: Path) -> dict[str, subprocess.Popen[bytes]]:
    children = {}
    for name in PROCESSES:
        out = (data_dir / f"{name}.log").open("ab")
        children[name] = subprocess.Popen(
            [sys.executable, "-m", "stack", "serve", name, "--port", str(ports[name])],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    for name in PROCESSES:
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{ports[name]}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not start: {(data_dir / f'{name}.log').read_text()[-2000:]}")
            time.sleep(0.2)
    return children


async def main(runs: int, keep: bool, scale: float, formats: tuple[str, ...] = ("xlsx", "html")) -> int:
    database = f"dangjian_bench_survey_{os.getpid()}"
    await provision(ADMIN_URL, database, {})
    data_dir = Path(tempfile.mkdtemp(prefix="survey-bench-"))
    base = free_port_block(4)
    env, ports = local_environment(data_dir, "127.0.0.1", base, base + 1)
    for name in ("gateway", "orgs", "members", "activities"):
        env[f"{name.upper()}_DATABASE_URL"] = service_url("127.0.0.1", 5432, database, name)
        env[f"{name.upper()}_JSON_LOGS"] = "false"
        env[f"{name.upper()}_ACCESS_TOKEN_MAX_LIFETIME_S"] = "3600"  # the run's one token lives an hour
    env["MEMBERS_CONSUME_FEEDS"] = "false"  # the replicas are loaded with the rest
    env["GATEWAY_VERIFY_TOKEN_SUBJECTS"] = "false"  # the run's token names no account
    env["ADMIN_PASSWORD"] = "bench-" + uuid.uuid4().hex
    children: dict[str, subprocess.Popen[bytes]] = {}
    try:
        migrate = [sys.executable, "-m", "stack", "migrate"]
        await asyncio.to_thread(subprocess.run, migrate, env=env, check=True, capture_output=True)
        started = time.perf_counter()
        district = District(scale)
        log(
            f"generated {len(district.communities):,} communities, {len(district.members):,} members, "
            f"{len(district.orgs):,} organizations, {len(district.events):,} history events "
            f"in {time.perf_counter() - started:.1f} s"
        )
        admin = await asyncpg.connect(ADMIN_URL, database=database)
        try:
            started = time.perf_counter()
            await load(admin, district)
            log(f"loaded by COPY in {time.perf_counter() - started:.1f} s")
        finally:
            await admin.close()
        children = start(env, ports, data_dir)
        signer = TokenSigner((data_dir / "keys" / "jwt-private.pem").read_bytes(), issuer="dangjian-gateway", audience="dangjian")
        token = signer.access_token(subject="bench", kind="user", roles=["viewer"], lifetime_s=3600)
        headers = {"Authorization": f"Bearer {token}"}
        figures: dict[str, tuple[float, float]] = {}
        async with httpx.AsyncClient(timeout=120) as client:
            for day in ("today", AS_OF.isoformat()):
                # Today is the default (no as_of); 30 June rebuilds the facts of the members changed since.
                params = {"within": str(district.county_id)} | ({} if day == "today" else {"as_of": day})
                for what, url in (
                    ("orgs /communities/survey", f"http://127.0.0.1:{ports['orgs']}/api/v1/communities/survey"),
                    ("members /members/survey", f"http://127.0.0.1:{ports['members']}/api/v1/members/survey"),
                    ("gateway /reports/survey (JSON)", f"http://127.0.0.1:{ports['gateway']}/api/v1/reports/survey"),
                ):
                    median, worst, _ = await timed(client, url, params, headers, runs)
                    label = f"{what} as of {day}"
                    figures[label] = (median, worst)
                    log(f"{label:50s} median {median:7.1f} ms   max {worst:7.1f} ms   load {os.getloadavg()[0]:.1f}")
                for fmt in formats:
                    median, worst, _ = await timed_raw(client, ports, params | {"format": fmt}, headers, runs)
                    label = f"gateway /reports/survey ({fmt}) as of {day}"
                    figures[label] = (median, worst)
                    log(f"{label:50s} median {median:7.1f} ms   max {worst:7.1f} ms   load {os.getloadavg()[0]:.1f}")
                report = (
                    await client.get(f"http://127.0.0.1:{ports['gateway']}/api/v1/reports/survey", params=params, headers=headers)
                ).json()
                total = {f["key"]: f["total"]["count"] for f in report["figures"]}
                log(f"figures as of {day} (total): " + json.dumps(total, ensure_ascii=False))
        worst_day = max(figures[f"gateway /reports/survey (JSON) as of {day}"][0] for day in ("today", AS_OF.isoformat()))
        ok = worst_day <= 1000
        log(f"target (report ≤ 1 s, both days): {'met' if ok else 'NOT met'}")
        return 0 if ok else 1
    finally:
        for child in children.values():
            child.terminate()
        for child in children.values():
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
        if keep:
            log(f"kept database {database}")
        else:
            await drop_database(ADMIN_URL, database)


async def timed_raw(
    client: httpx.AsyncClient, ports: dict[str, int], params: dict[str, str], headers: dict[str, str], runs: int
) -> tuple[float, float, None]:
    times = []
    for _ in range(runs + 1):
        started = time.perf_counter()
        response = await client.get(f"http://127.0.0.1:{ports['gateway']}/api/v1/reports/survey", params=params, headers=headers)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.text[:2000]
    return statistics.median(times[1:]), max(times[1:]), None


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs after one warm-up")
    parser.add_argument("--keep", action="store_true", help="keep the database (its name is printed) to look at plans")
    parser.add_argument("--scale", type=float, default=1.0, help="share of the x100 district's communities (1.0: all)")
    parser.add_argument("--no-html", action="store_true", help="skip the HTML page (it also asks orgs' diagnostics)")
    arguments = parser.parse_args()
    formats = ("xlsx",) if arguments.no_html else ("xlsx", "html")
    sys.exit(asyncio.run(main(arguments.runs, arguments.keep, arguments.scale, formats)))
