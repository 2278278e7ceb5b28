"""The whole system under a realistic mix at rising concurrency, through the gateway.

    .venv/bin/python -m benchmarks.load                       # SQLite (the embedded default), ~7 min
    .venv/bin/python -m benchmarks.load --postgres            # PostgreSQL at 127.0.0.1:5432, own database
    .venv/bin/python -m benchmarks.load --duration 5 --levels 1 16 256   # smoke run

Starts the four real processes (migrate, then `python -m stack serve NAME`, as `dangjian run` does;
`benchmarks.gateway_overhead.Stack`), loads the demo district through the gateway (`stack.demo`,
`--scale`), prepares a weighted mix of requests with varying bodies (reads of records and lists,
searches, writes — new members, activities, attendance — and reports: member statistics and the
survey report), then drives it with `benchmarks.loadgen` (a separate OS process, a closed loop
whose clients honour `Retry-After`) for `--duration` seconds at each concurrency of `--levels`.

Prints per level: answers/s and successful answers/s, p50/p99 of the successful answers, and the
errors broken down: 429, 503, other 4xx, other 5xx, timeouts (`--request-timeout`, default 10 s)
and connection errors; then the CPU each process used per successful answer and the cores other
work on the machine kept busy (the machine is shared: read that column first). Exit status 1 when
a level below saturation (`--quiet-levels`, default up to 16) had any error, or any level had a
timeout or a connection error: beyond saturation the gateway must refuse fast, not time out.
"""

import argparse
import asyncio
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from benchmarks.gateway_overhead import HOST, ORG_ADMIN_PASSWORD, ORG_ADMIN_USERNAME, Stack
from stack.demo.generate import District, generate
from stack.demo.load import Loaded, Loader, LoadError, load, login
from stack.postgres import drop_database, provision, service_url
from stack.processes import PROCESSES, PROJECT_ROOT
from tests.builders import resident_id

ADMIN_URL = os.environ.get("TEST_POSTGRES_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
NEW_MEMBERS = 20_000  # each new member's ID number is used once
NEW_ACTIVITIES = 5_000
OUTCOMES = ("429", "503", "other_4xx", "other_5xx", "timeout", "connection")


def log(message: str) -> None:
    print(message, flush=True)


def at(day: date, hour: int) -> str:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC).isoformat()


async def seed(gateway: str, scale: float) -> tuple[District, Loaded, dict[str, Any]]:
    """Load the demo district, then make what the writes of the mix need (activities to attend)."""
    district = generate(seed=7, scale=scale, as_of=datetime.now(UTC).date())
    async with httpx.AsyncClient(base_url=gateway, timeout=300) as client:
        headers = await login(client, ORG_ADMIN_USERNAME, ORG_ADMIN_PASSWORD)
        loaded = await load(district, client, headers)
        loader = Loader(client, headers)
        # Two held activities per organization with members, a week apart, whose attendance the mix
        # records one member at a time (each (activity, member) pair once: a second is a 409).
        members_of: dict[str, list[str]] = {}
        for m in district.members:
            if m.key in loaded.members and m.attends and m.org in loaded.orgs and m.org != district.outside_org:
                members_of.setdefault(m.org, []).append(loaded.members[m.key])
        attendance: list[tuple[str, Any]] = []
        for week in (3, 4):
            day = district.as_of - timedelta(weeks=week, days=1)
            for org_key, member_ids in members_of.items():
                created = await post_retrying_502(
                    loader,
                    "/activities",
                    {
                        "org_id": loaded.orgs[org_key],
                        "type": district.activities[0].type,
                        "title": f"load test meeting, week {week}",
                        "starts_at": at(day, 1),
                        "ends_at": at(day, 2),
                        "status": "held",
                    },
                )
                attendance += [
                    (f"/api/v1/activities/{created['id']}/attendance", {"records": [{"member_id": m, "status": "present"}]})
                    for m in member_ids
                ]
        activities = await loader.get("/activities", {"within": loaded.orgs[district.county], "limit": "100"})
    random.Random(1).shuffle(attendance)
    return district, loaded, {"attendance": attendance, "activity_ids": [a["id"] for a in activities["items"]]}


async def post_retrying_502(loader: Loader, path: str, body: Any) -> Any:
    """POST, once more after a 502: seen once on PostgreSQL after the demo load, when the gateway
    reused a pooled connection the service had just closed (see benchmarks/README.md, load)."""
    for attempt in range(3):
        try:
            return await loader.post(path, body)
        except LoadError as error:
            if "→ 502" not in str(error) or attempt == 2:
                raise
            log(f"seeding: {error}; retrying")
    raise AssertionError("unreachable")


def mix(district: District, loaded: Loaded, extra: dict[str, Any]) -> list[dict[str, Any]]:
    """The weighted entries of the mix (weights are percent of requests)."""
    rng = random.Random(3)
    county = loaded.orgs[district.county]
    townships = [loaded.orgs[o.key] for o in district.orgs if o.tier == "township"]
    communities = [loaded.orgs[o.key] for o in district.orgs if o.tier == "community" and o.key in loaded.orgs]
    member_ids = list(loaded.members.values())
    org_ids = list(loaded.orgs.values())
    id_numbers = [m.id_number for m in district.members]
    surnames = sorted({m.name[0] for m in district.members})
    as_of = district.as_of.isoformat()
    orgs_with_members = sorted({loaded.orgs[m.org] for m in district.members if m.org in loaded.orgs})
    # Home services need the member served: not in the mix's planned activities.
    types = sorted({a.type for a in district.activities} - {a.type for a in district.activities if a.served_member})
    lists = communities + townships

    def sample(items: list[Any], n: int = 500) -> list[Any]:
        return [rng.choice(items) for _ in range(n)]

    new_members = []
    for i in range(NEW_MEMBERS):
        born = date(1960, 1, 1) + timedelta(days=i // 1000)
        serial = i % 1000
        joined = born.replace(year=born.year + 30)
        new_members.append(
            (
                "/api/v1/members",
                {
                    "name": f"新黨員{i}",
                    "sex": "male" if serial % 2 else "female",
                    "id_number": resident_id(born, serial),
                    "birth_date": born.isoformat(),
                    "education": rng.choice(["secondary", "college", "bachelor", "junior_high"]),
                    "occupation": rng.choice(["farmer", "in_service", "retired"]),
                    "party_status": "full",
                    "joined_on": joined.isoformat(),
                    "full_on": joined.replace(year=joined.year + 1).isoformat(),
                    "org_id": rng.choice(orgs_with_members),
                },
            )
        )
    new_activities = []
    for i in range(NEW_ACTIVITIES):
        day = district.as_of + timedelta(days=1 + i % 60)
        new_activities.append(
            (
                "/api/v1/activities",
                {
                    "org_id": rng.choice(orgs_with_members),
                    "type": rng.choice(types),
                    "title": f"planned meeting {i}",
                    "starts_at": at(day, 1 + i % 8),
                    "ends_at": at(day, 2 + i % 8),
                    "status": "planned",
                },
            )
        )
    stats = "group_by=age_band&group_by=education&age_edges=35&age_edges=46&age_edges=60"

    def entry(label: str, weight: float, method: str, items: list[tuple[str, Any]]) -> dict[str, Any]:
        return {"label": label, "weight": weight, "method": method, "items": items}

    return [
        entry("GET member", 20, "GET", [(f"/api/v1/members/{m}", None) for m in sample(member_ids)]),
        entry("GET org", 10, "GET", [(f"/api/v1/orgs/{o}", None) for o in sample(org_ids)]),
        entry("GET org children", 4, "GET", [(f"/api/v1/orgs/{o}/children", None) for o in townships]),
        entry("GET members list", 10, "GET", [(f"/api/v1/members?within={o}&limit=50", None) for o in sample(lists)]),
        entry("GET activities list", 7, "GET", [(f"/api/v1/activities?within={o}&limit=50", None) for o in sample(townships)]),
        entry("GET activity", 5, "GET", [(f"/api/v1/activities/{a}", None) for a in sample(extra["activity_ids"])]),
        entry("search ID number", 8, "POST", [("/api/v1/members/search", {"id_number": n}) for n in sample(id_numbers)]),
        entry("search name", 4, "GET", [(f"/api/v1/members?within={county}&q={quote(s)}&limit=20", None) for s in surnames]),
        entry("create member", 5, "POST", new_members),
        entry("create activity", 5, "POST", new_activities),
        entry("record attendance", 5, "POST", extra["attendance"]),
        entry("member stats", 4, "GET", [(f"/api/v1/members/stats?within={o}&{stats}", None) for o in [county, *townships]]),
        entry("survey report", 1.5, "GET", [(f"/api/v1/reports/survey?within={county}&as_of={as_of}", None)]),
    ]


def drive(
    port: int, mix_file: Path, token: str, concurrency: int, args: argparse.Namespace, watch: list[int], cursors: list[int]
) -> dict[str, Any]:
    """One level; `cursors` continue the previous level's, so that one-off bodies are not sent twice."""
    command = [
        sys.executable, "-m", "benchmarks.loadgen", "--host", HOST, "--port", str(port), "--mix", str(mix_file),
        "--concurrency", str(concurrency), "--duration", str(args.duration), "--warmup", str(args.warmup),
        "--request-timeout", str(args.request_timeout), "--honor-retry-after", "--seed", str(concurrency),
        "--header", f"Authorization: Bearer {token}",
    ]  # fmt: skip
    for pid in watch:
        command += ["--watch-pid", str(pid)]
    if cursors:
        command += ["--start-cursors", ",".join(map(str, cursors))]
    limit = args.duration + args.warmup + args.request_timeout + 120
    done = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, check=False, timeout=limit)
    if done.returncode != 0:
        raise RuntimeError(f"load generator failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def token_for(gateway: str) -> str:
    """An org_admin token that outlives the run (the default 15 min would not)."""
    answer = httpx.post(
        gateway + "/api/v1/auth/token", data={"username": ORG_ADMIN_USERNAME, "password": ORG_ADMIN_PASSWORD}, timeout=30
    )
    answer.raise_for_status()
    return str(answer.json()["access_token"])


def report(levels: list[dict[str, Any]], names: list[str], duration: float) -> None:
    header = (
        f"{'conc':>5} {'answers/s':>9} {'ok/s':>7} {'ok p50 ms':>9} {'ok p99 ms':>9} "
        + " ".join(f"{o:>9}" for o in OUTCOMES)
        + f" {'other cores':>11}"
    )
    log(header)
    log("-" * len(header))
    for row in levels:
        r = row["result"]
        outcomes = r["outcomes"]
        log(
            f"{row['concurrency']:>5} {r['rps']:>9.0f} {r['ok_rps']:>7.0f} {r['ok_p50_ms']:>9.1f} {r['ok_p99_ms']:>9.1f} "
            + " ".join(f"{outcomes[o]:>9}" for o in OUTCOMES)
            + f" {row['other_cores']:>11.2f}"
        )
    log("")
    log("CPU per successful answer (ms) and cores busy, by process")
    log(f"{'conc':>5} " + " ".join(f"{n:>18}" for n in [*names, "loadgen"]))
    for row in levels:
        r = row["result"]
        ok = max(r["outcomes"]["2xx"], 1)
        cells = [(r["watched_cpu_s"][str(row["pids"][n])]) for n in names] + [r["loadgen_cpu_s"]]
        log(f"{row['concurrency']:>5} " + " ".join(f"{c / ok * 1000:>8.2f} ms {c / duration:>5.2f} c" for c in cells))
    log("")
    log("per kind of request at the highest level (ok p50 / p99 ms, and outcomes other than 2xx)")
    top = levels[-1]["result"]["by_label"]
    for label, figures in top.items():
        bad = {o: figures[o] for o in ("timeout", "connection") if figures[o]} | figures["statuses"]
        log(f"  {label:20s} {figures['2xx']:>7} ok  {figures['ok_p50_ms']:>8.1f} / {figures['ok_p99_ms']:>8.1f} ms  {bad or ''}")
        for status, body in figures["examples"].items():
            log(f"      first {status}: {body}")


async def provision_database(database: str) -> None:
    await provision(ADMIN_URL, database, {})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL at TEST_POSTGRES_ADMIN_URL instead of SQLite")
    parser.add_argument("--levels", type=int, nargs="+", default=[1, 4, 16, 64, 256])
    parser.add_argument("--quiet-levels", type=int, default=16, help="levels up to this are below saturation")
    parser.add_argument("--duration", type=float, default=60.0, help="measured seconds per level")
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--request-timeout", type=float, default=10.0)
    parser.add_argument("--scale", type=float, default=1.0, help="of the demo district (1: ~2 300 members)")
    parser.add_argument("--json", type=Path, help="write every level's full figures here")
    parser.add_argument("--keep-data", action="store_true")
    args = parser.parse_args(argv)

    data_dir = Path(tempfile.mkdtemp(prefix="load-bench-"))
    database = f"dangjian_bench_load_{os.getpid()}"
    names = list(PROCESSES)
    stack = Stack(data_dir, names, {})
    stack.env["MEMBERS_POLICY__IMPORT_MAX_ROWS"] = "20000"
    for name in names:
        stack.env[f"{name.upper()}_LOG_LEVEL"] = "WARNING"
    if args.postgres:
        asyncio.run(provision_database(database))
        for name in names:
            stack.env[f"{name.upper()}_DATABASE_URL"] = service_url("127.0.0.1", 5432, database, name)
    levels: list[dict[str, Any]] = []
    try:
        stack.start()
        gateway = stack.url("gateway")
        started = time.monotonic()
        district, loaded, extra = asyncio.run(seed(gateway, args.scale))
        log(
            f"{'PostgreSQL' if args.postgres else 'SQLite'}: demo district (scale {args.scale}) loaded in "
            f"{time.monotonic() - started:.0f} s: {len(loaded.orgs)} organizations, {len(loaded.members)} members, "
            f"{len(district.activities)} activities; {len(extra['attendance'])} attendance records to write"
        )
        mix_file = data_dir / "mix.json"
        mix_file.write_text(json.dumps(mix(district, loaded, extra), ensure_ascii=False))
        pids = {name: stack.pid(name) for name in names}
        cursors: list[int] = []
        for concurrency in args.levels:
            token = token_for(gateway)
            result = drive(stack.ports["gateway"], mix_file, token, concurrency, args, list(pids.values()), cursors)
            cursors = result["cursors"]
            other = (result["machine_cpu_s"] - result["loadgen_cpu_s"] - sum(result["watched_cpu_s"].values())) / args.duration
            levels.append({"concurrency": concurrency, "result": result, "pids": pids, "other_cores": other})
            o = result["outcomes"]
            log(
                f"c={concurrency:<4} {result['rps']:7.0f} answers/s  {result['ok_rps']:7.0f} ok/s  "
                f"p50 {result['ok_p50_ms']:8.1f} ms  p99 {result['ok_p99_ms']:8.1f} ms  "
                + "  ".join(f"{k} {o[k]}" for k in OUTCOMES)
                + f"  other load {other:.2f} cores  load avg {os.getloadavg()[0]:.1f}"
            )
        log("")
        report(levels, names, args.duration)
        if args.json:
            args.json.write_text(json.dumps(levels, indent=2))
        failed = False
        for row in levels:
            o = row["result"]["outcomes"]
            if o["timeout"] or o["connection"]:
                failed = True
                log(f"c={row['concurrency']}: {o['timeout']} timeouts, {o['connection']} connection errors")
            if row["concurrency"] <= args.quiet_levels and any(o[k] for k in OUTCOMES):
                failed = True
                log(f"c={row['concurrency']}: errors below saturation: {o}")
        log(f"verdict: {'errors where there should be none' if failed else 'no errors below saturation, no timeouts'}")
        return 1 if failed else 0
    except KeyboardInterrupt:
        return 130
    finally:
        stack.stop()
        if args.postgres:
            asyncio.run(drop_database(ADMIN_URL, database))
        if args.keep_data:
            log(f"data and logs kept in {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
