"""What the gateway costs: the same database-backed GET, directly at orgs and through the gateway.

    .venv/bin/python -m benchmarks.gateway_overhead [--duration 5] [--warmup 1] [--repeats 3]
                                                   [--concurrency 1 10 50] [--all-services] [--pin]

Starts the real processes (migrate, then `python -m stack serve NAME`, as `dangjian run` and the
tests' LiveStack do) on free local ports with a temporary SQLite data dir, creates a few
organizations through the gateway, then runs `GET /api/v1/orgs/{id}` with an org_admin bearer
token against orgs directly and through the gateway, at each concurrency, alternating direct and
gateway runs (ABBA order across repeats) so that drift hits both. The load comes from
`benchmarks.loadgen`, a separate OS process. Figures are medians over repeats. All processes are
stopped at the end, on errors and on Ctrl-C too.

Targets: throughput ratio (gateway/direct) >= 0.8 at concurrency 10 and 50; added median latency
<= 0.5 ms at concurrency 1. Exit status 0 when all are met, 1 when some are missed.
"""

import argparse
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from stack.cli import local_environment
from stack.ports import free_port_block
from stack.processes import GATEWAY, ORGS, PROCESSES, PROJECT_ROOT

ADMIN_PASSWORD = "Bench-admin-password-1"
# The business account the gateway makes on first start (the first administrator is a sysadmin
# and sees no business data).
ORG_ADMIN_USERNAME = "district"
ORG_ADMIN_PASSWORD = "Bench-district-password-1"
HOST = "127.0.0.1"
RATIO_TARGET = 0.8
ADDED_MEDIAN_TARGET_MS = 0.5
QUIET_CORES = 0.15  # other load on the machine above this before a run is reported

# A small tree: a county committee, two township committees, two community committees.
ORG_TREE: list[tuple[str, str, str, int | None]] = [
    ("县委", "committee", "county", None),
    ("城关镇党委", "committee", "township", 0),
    ("新城镇党委", "committee", "township", 0),
    ("东关社区党委", "committee", "community", 1),
    ("西关社区党委", "committee", "community", 1),
]


class Stack:
    """The processes under test as real OS processes, logging to files in the data dir."""

    def __init__(self, data_dir: Path, names: Sequence[str], pin: dict[str, str]) -> None:
        base = free_port_block(len(PROCESSES))
        env, self.ports = local_environment(data_dir, HOST, base, base + 1)
        for name in PROCESSES:
            env[f"{name.upper()}_DATA_DIR"] = str(data_dir)
        env["ADMIN_USERNAME"] = "admin"
        env["ADMIN_PASSWORD"] = ADMIN_PASSWORD
        env["ADMIN_ORG_ADMIN_USERNAME"] = ORG_ADMIN_USERNAME
        env["ADMIN_ORG_ADMIN_PASSWORD"] = ORG_ADMIN_PASSWORD
        # One token drives all the load: the per-caller limit stays on the path (its cost is
        # measured) but never refuses.
        env["GATEWAY_POLICY__RATE_PER_S"] = "1000000000"
        env["GATEWAY_POLICY__RATE_BURST"] = "1000000000"
        self.env = env
        self.data_dir = data_dir
        self.names = list(names)
        self.pin = pin
        self.processes: dict[str, subprocess.Popen[bytes]] = {}

    def url(self, name: str) -> str:
        return f"http://{HOST}:{self.ports[name]}"

    def start(self) -> None:
        subprocess.run(
            [sys.executable, "-m", "stack", "migrate"], env=self.env, cwd=PROJECT_ROOT, check=True, capture_output=True
        )
        for name in self.names:
            command = [sys.executable, "-m", "stack", "serve", name, "--host", HOST, "--port", str(self.ports[name])]
            if name in self.pin:
                command = ["taskset", "-c", self.pin[name], *command]
            with (self.data_dir / f"{name}.log").open("ab") as out:
                self.processes[name] = subprocess.Popen(
                    command, env=self.env, cwd=PROJECT_ROOT, stdout=out, stderr=subprocess.STDOUT
                )
        deadline = time.monotonic() + 60
        for name in self.names:
            while not self._healthy(name):
                if self.processes[name].poll() is not None or time.monotonic() > deadline:
                    log = (self.data_dir / f"{name}.log").read_text(errors="replace")[-3000:]
                    raise RuntimeError(f"{name} did not become healthy:\n{log}")
                time.sleep(0.1)

    def _healthy(self, name: str) -> bool:
        try:
            with urllib.request.urlopen(self.url(name) + "/healthz", timeout=1) as response:
                return bool(response.status == 200)
        except OSError:
            return False

    def pid(self, name: str) -> int:
        return self.processes[name].pid

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        self.processes.clear()


def _request(method: str, url: str, *, body: bytes | None = None, headers: dict[str, str] | None = None) -> Any:
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def admin_token(gateway: str) -> str:
    form = urllib.parse.urlencode({"username": ORG_ADMIN_USERNAME, "password": ORG_ADMIN_PASSWORD}).encode()
    answer = _request(
        "POST", gateway + "/api/v1/auth/token", body=form, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    return str(answer["access_token"])


def create_orgs(gateway: str, token: str) -> list[str]:
    ids: list[str] = []
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    for name, kind, tier, parent in ORG_TREE:
        body: dict[str, Any] = {"name": name, "kind": kind, "tier": tier}
        if parent is not None:
            body["parent_id"] = ids[parent]
        created = _request("POST", gateway + "/api/v1/orgs", body=json.dumps(body).encode(), headers=headers)
        ids.append(str(created["id"]))
    return ids


def _busy_and_total_ticks() -> tuple[int, int]:
    with open("/proc/stat") as stat:
        fields = [int(v) for v in stat.readline().split()[1:8]]
    return sum(fields) - fields[3] - fields[4], sum(fields)


def _process_ticks(pids: Sequence[int]) -> int:
    ticks = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])
    return ticks


def other_busy_cores(seconds: float, ours: Sequence[int]) -> float:
    """Cores kept busy over the next `seconds` by anything but the processes `ours` (from /proc)."""
    busy, total = _busy_and_total_ticks()
    own = _process_ticks(ours)
    time.sleep(seconds)
    busy_after, total_after = _busy_and_total_ticks()
    own_after = _process_ticks(ours)
    cpus = os.cpu_count() or 1
    return (busy_after - busy - (own_after - own)) / max(total_after - total, 1) * cpus


def wait_until_quiet(limit_s: float, ours: Sequence[int], threshold_cores: float = QUIET_CORES) -> float:
    """Wait (at most `limit_s`) for other work on the machine to stop; the other load seen last."""
    deadline = time.monotonic() + limit_s
    busy = other_busy_cores(0.5, ours)
    while busy > threshold_cores and time.monotonic() < deadline:
        busy = other_busy_cores(0.5, ours)
    return busy


def load(
    port: int, paths: Sequence[str], token: str, concurrency: int, duration: float, warmup: float, watch: Sequence[int]
) -> dict[str, Any]:
    command = [
        sys.executable, "-m", "benchmarks.loadgen", "--host", HOST, "--port", str(port),
        "--concurrency", str(concurrency), "--duration", str(duration), "--warmup", str(warmup),
        "--header", f"Authorization: Bearer {token}", "--paths", *paths,
    ]  # fmt: skip
    for pid in watch:
        command += ["--watch-pid", str(pid)]
    done = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, check=False, timeout=duration + warmup + 60)
    if done.returncode != 0:
        raise RuntimeError(f"load generator failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def other_cores(run: dict[str, Any], duration: float) -> float:
    """Cores busy in a run's window outside the load generator and the watched processes: other
    jobs on the machine, members/activities if running, kernel time not charged to a process."""
    return float(run["machine_cpu_s"] - run["loadgen_cpu_s"] - sum(run["watched_cpu_s"].values())) / duration


def _median(runs: list[dict[str, Any]], key: str) -> float:
    return float(statistics.median(run[key] for run in runs))


def summarize(
    concurrency: int, duration: float, direct: list[dict[str, Any]], gateway: list[dict[str, Any]], pids: dict[str, int]
) -> dict[str, Any]:
    row: dict[str, Any] = {"concurrency": concurrency}
    for label, runs in (("direct", direct), ("gateway", gateway)):
        row[f"{label}_rps"] = _median(runs, "rps")
        row[f"{label}_p50_ms"] = _median(runs, "p50_ms")
        row[f"{label}_p99_ms"] = _median(runs, "p99_ms")
        row[f"{label}_errors"] = sum(run["errors"] + run["non_2xx"] for run in runs)
        row[f"{label}_runs_rps"] = [round(run["rps"]) for run in runs]
        row[f"{label}_disturbed"] = sum(1 for run in runs if run.get("disturbed"))
        # CPU of each process in the measured window: milliseconds per request, and cores busy.
        for name, pid in pids.items():
            row[f"{label}_{name}_cpu_ms_per_req"] = statistics.median(
                run["watched_cpu_s"][str(pid)] / max(run["requests"], 1) * 1000 for run in runs
            )
            row[f"{label}_{name}_cores"] = statistics.median(run["watched_cpu_s"][str(pid)] / duration for run in runs)
        row[f"{label}_loadgen_cpu_ms_per_req"] = statistics.median(
            run["loadgen_cpu_s"] / max(run["requests"], 1) * 1000 for run in runs
        )
        row[f"{label}_loadgen_cores"] = statistics.median(run["loadgen_cpu_s"] / duration for run in runs)
        row[f"{label}_other_cores"] = statistics.median(other_cores(run, duration) for run in runs)
    row["ratio"] = row["gateway_rps"] / row["direct_rps"] if row["direct_rps"] else 0.0
    row["added_p50_ms"] = row["gateway_p50_ms"] - row["direct_p50_ms"]
    row["added_p99_ms"] = row["gateway_p99_ms"] - row["direct_p99_ms"]
    return row


def print_table(rows: list[dict[str, Any]]) -> None:
    header = (
        f"{'conc':>4} {'direct r/s':>10} {'gateway r/s':>11} {'ratio':>6} {'dir p50':>8} {'dir p99':>8} "
        f"{'gw p50':>8} {'gw p99':>8} {'+p50 ms':>8} {'+p99 ms':>8} {'errors d/g':>10}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        print(
            f"{r['concurrency']:>4} {r['direct_rps']:>10.0f} {r['gateway_rps']:>11.0f} {r['ratio']:>6.2f} "
            f"{r['direct_p50_ms']:>8.2f} {r['direct_p99_ms']:>8.2f} {r['gateway_p50_ms']:>8.2f} {r['gateway_p99_ms']:>8.2f} "
            f"{r['added_p50_ms']:>+8.2f} {r['added_p99_ms']:>+8.2f} {r['direct_errors']:>5}/{r['gateway_errors']:<4}"
        )
    print()
    print("CPU in the measured window (median of repeats): ms per request, and cores busy")
    names = f"{'gateway':>8} {'orgs':>8} {'loadgen':>8}"
    print(f"{'conc':>4} {'path':>8} | {names} | {names} {'other':>6} {'total':>6}")
    for r in rows:
        for label in ("direct", "gateway"):
            cores = [r[f"{label}_{name}_cores"] for name in ("gateway", "orgs", "loadgen", "other")]
            print(
                f"{r['concurrency']:>4} {label:>8} | {r[f'{label}_gateway_cpu_ms_per_req']:>8.3f} "
                f"{r[f'{label}_orgs_cpu_ms_per_req']:>8.3f} {r[f'{label}_loadgen_cpu_ms_per_req']:>8.3f} | "
                + " ".join(f"{c:>8.2f}" for c in cores[:3])
                + f" {cores[3]:>6.2f}"
                + f" {sum(cores):>6.2f}"
            )


def verdict(rows: list[dict[str, Any]]) -> bool:
    met = True
    print()
    for r in rows:
        c = r["concurrency"]
        if c in (10, 50):
            ok = r["ratio"] >= RATIO_TARGET
            met &= ok
            gap = "" if ok else f"  (missed by {RATIO_TARGET - r['ratio']:.2f})"
            print(f"target ratio >= {RATIO_TARGET} at concurrency {c}: {r['ratio']:.2f} {'MET' if ok else 'MISSED'}{gap}")
        if c == 1:
            ok = r["added_p50_ms"] <= ADDED_MEDIAN_TARGET_MS
            met &= ok
            gap = "" if ok else f"  (missed by {r['added_p50_ms'] - ADDED_MEDIAN_TARGET_MS:.2f} ms)"
            print(
                f"target added median <= {ADDED_MEDIAN_TARGET_MS} ms at concurrency 1: "
                f"{r['added_p50_ms']:.2f} ms {'MET' if ok else 'MISSED'}{gap}"
            )
        if r["direct_disturbed"] or r["gateway_disturbed"]:
            print(
                f"  note: at concurrency {c}, {r['direct_disturbed']} direct and {r['gateway_disturbed']} gateway runs "
                "kept other CPU load on the machine (see 'other' above); treat those figures with care"
            )
        if r["direct_errors"] or r["gateway_errors"]:
            met = False
            print(f"errors at concurrency {c}: direct {r['direct_errors']}, gateway {r['gateway_errors']}")
    return met


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=5.0, help="measured seconds per run (default 5)")
    parser.add_argument("--warmup", type=float, default=1.0, help="warm-up seconds per run (default 1)")
    parser.add_argument("--repeats", type=int, default=3, help="direct/gateway pairs per concurrency (default 3)")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--all-services", action="store_true", help="also run members and activities (they poll feeds)")
    parser.add_argument("--pin", action="store_true", help="taskset: gateway on CPU 0, orgs on CPU 1 (load generator free)")
    parser.add_argument(
        "--quiet-wait", type=float, default=3.0, help="seconds to wait before each run for other CPU load to stop (default 3)"
    )
    parser.add_argument(
        "--max-other", type=float, default=0.3, help="a run during which other work kept more cores busy is disturbed (0.3)"
    )
    parser.add_argument("--retries", type=int, default=1, help="times a disturbed run is repeated (default 1)")
    parser.add_argument(
        "--retry-budget", type=float, default=90.0, help="seconds into the measurements after which no run is repeated (90)"
    )
    parser.add_argument("--json", type=Path, help="also write the rows here")
    parser.add_argument("--keep-data", action="store_true", help="keep the temporary data dir (logs) and print its path")
    args = parser.parse_args(argv)
    if args.pin and shutil.which("taskset") is None:
        parser.error("--pin needs taskset")

    # SIGTERM ends the run like Ctrl-C does, through the `finally` that stops the processes.
    def interrupted(*_: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # also when started in the background
    names = list(PROCESSES) if args.all_services else [GATEWAY.name, ORGS.name]
    pin = {GATEWAY.name: "0", ORGS.name: "1"} if args.pin else {}
    data_dir = Path(tempfile.mkdtemp(prefix="bench-gateway-"))
    stack: Stack | None = None
    rows: list[dict[str, Any]] = []
    raw: list[dict[str, Any]] = []  # every run, for the --json file
    try:
        stack = Stack(data_dir, names, pin)
        print(
            f"python {platform.python_version()} {platform.machine()}, {os.cpu_count()} CPUs; processes: {', '.join(names)}"
            f"{' (gateway pinned to CPU 0, orgs to CPU 1)' if pin else ''}; {args.duration:g} s per run after "
            f"{args.warmup:g} s warm-up, {args.repeats} repeats",
            flush=True,
        )
        stack.start()
        token = admin_token(stack.url(GATEWAY.name))
        ids = create_orgs(stack.url(GATEWAY.name), token)
        paths = [f"/api/v1/orgs/{org_id}" for org_id in ids]
        pids = {GATEWAY.name: stack.pid(GATEWAY.name), ORGS.name: stack.pid(ORGS.name)}
        targets = {"direct": stack.ports[ORGS.name], "gateway": stack.ports[GATEWAY.name]}
        # Repeating disturbed runs stops after this, to keep the whole benchmark near 3 minutes.
        retry_until = time.monotonic() + args.retry_budget
        for concurrency in args.concurrency:
            runs: dict[str, list[dict[str, Any]]] = {"direct": [], "gateway": []}
            for repeat in range(args.repeats):
                order = ("direct", "gateway") if repeat % 2 == 0 else ("gateway", "direct")
                for label in order:
                    for attempt in range(1 + args.retries):
                        busy = wait_until_quiet(args.quiet_wait, [process.pid for process in stack.processes.values()])
                        if busy > QUIET_CORES:
                            print(f"  (other work kept {busy:.2f} cores busy just before this run)", flush=True)
                        result = load(targets[label], paths, token, concurrency, args.duration, args.warmup, list(pids.values()))
                        other = other_cores(result, args.duration)
                        disturbed = other > args.max_other
                        print(
                            f"  c={concurrency:<3} {label:<8} {result['rps']:8.0f} req/s  p50 {result['p50_ms']:6.2f} ms  "
                            f"p99 {result['p99_ms']:6.2f} ms  errors {result['errors'] + result['non_2xx']}  "
                            f"other load {other:.2f} cores{'  DISTURBED' if disturbed else ''}",
                            flush=True,
                        )
                        if not disturbed or attempt == args.retries or time.monotonic() > retry_until:
                            break
                        print("  (repeating the disturbed run)", flush=True)
                    result["disturbed"] = disturbed
                    runs[label].append(result)
                    raw.append({"concurrency": concurrency, "target": label, "other_cores": other, **result})
            rows.append(summarize(concurrency, args.duration, runs["direct"], runs["gateway"], pids))
        print()
        print_table(rows)
        met = verdict(rows)
        print(f"\nall targets {'met' if met else 'NOT met'}")
        if args.json:
            report = {"pinned": bool(pin), "processes": names, "duration_s": args.duration, "rows": rows, "runs": raw}
            args.json.write_text(json.dumps(report, indent=2))
        return 0 if met else 1
    except KeyboardInterrupt:
        print("\ninterrupted; stopping the processes", file=sys.stderr)
        return 130
    finally:
        if stack is not None:
            stack.stop()
        if args.keep_data:
            print(f"data and logs kept in {data_dir}", file=sys.stderr)
        else:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
