"""A lightweight closed-loop HTTP/1.1 load generator, run as its own OS process.

`python -m benchmarks.loadgen --host H --port P --paths /a /b --header 'K: V' --concurrency 10 ...`
prints one JSON object: requests and errors counted in the measured window, throughput and
latency percentiles (ms), and the CPU seconds this process, any `--watch-pid` and the whole
machine used in it.

Each worker keeps one persistent connection and sends the next request as soon as the previous
answer is in (closed loop). The client is a bare asyncio protocol on uvloop with the request
bytes prepared once, so that on a small machine it takes as little CPU as possible away from
the servers it measures (a few microseconds per request, against ~10x that for aiohttp's client).
Only requests that start inside the measured window (after the warm-up) are counted.

Two ways to say what to send: `--paths` (GETs, worker i always sends paths[i % n]), or `--mix FILE`,
a weighted mix of requests with varying bodies (`benchmarks.load` writes it): a JSON list of
`{"label", "weight", "method", "items": [[path, body-or-null], ...]}`. Every request draws its
entry from a precomputed weighted random schedule and takes that entry's next item (items cycle,
so one-off bodies such as new members are used once if the list is long enough). All request
bytes are still prepared once, before the run: the per-request cost stays a list index and a
socket write. With a mix the answer is broken down by status (2xx, 429, 503, other 4xx/5xx),
timeouts (`--request-timeout`) and connection errors, overall and per label.
"""

import argparse
import asyncio
import json
import os
import random
import resource
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class HttpConnection(asyncio.Protocol):
    """One keep-alive connection; `request()` sends prepared bytes and waits for one response."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.waiter: asyncio.Future[int] | None = None
        self.lost = False
        self.retry_after = 0.0  # of the last 429/503 answer
        self.closing = False  # the server said `Connection: close`
        self.error_body = b""  # of the last 4xx/5xx answer other than 429/503

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = True
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(ConnectionError(f"connection lost: {exc!r}"))

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if self.waiter is None or self.waiter.done():
            return
        status = self._take_response()
        if status is not None:
            self.waiter.set_result(status)

    def _take_response(self) -> int | None:
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return None
        head = bytes(self.buffer[:end]).lower()
        status = int(head[9:12])
        marker = head.find(b"\r\ncontent-length:")
        if marker >= 0:
            line_end = head.find(b"\r\n", marker + 2)
            length = int(head[marker + 17 : line_end if line_end >= 0 else None])
            total = end + 4 + length
        elif b"transfer-encoding: chunked" in head:
            last = self.buffer.find(b"\r\n0\r\n\r\n", end)
            if last < 0:
                return None
            total = last + 7
        else:
            total = end + 4
        if len(self.buffer) < total:
            return None
        if status >= 400 and status not in (429, 503):
            self.error_body = bytes(self.buffer[end + 4 : total])
        del self.buffer[:total]
        if b"\r\nconnection: close" in head:
            self.closing = True
        if status in (429, 503):
            marker = head.find(b"\r\nretry-after:")
            if marker >= 0:
                line_end = head.find(b"\r\n", marker + 2)
                try:
                    self.retry_after = float(head[marker + 14 : line_end if line_end >= 0 else None])
                except ValueError:
                    self.retry_after = 0.0
        return status

    async def request(self, payload: bytes, limit_s: float | None = None) -> int:
        """The status of the answer; `TimeoutError` when none came within `limit_s` seconds."""
        assert self.transport is not None
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[int] = loop.create_future()
        self.waiter = waiter
        self.transport.write(payload)
        if limit_s is None:
            return await waiter

        def expire() -> None:
            if not waiter.done():
                waiter.set_exception(TimeoutError())

        # A timer handle, not asyncio.timeout: a few times cheaper per request.
        timer = loop.call_later(limit_s, expire)
        try:
            return await waiter
        finally:
            timer.cancel()


def cpu_seconds(pid: int) -> float:
    """User plus system CPU of a whole process (all threads), from /proc."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def machine_busy_seconds() -> float:
    """CPU seconds spent busy by the whole machine (all cores, anything but idle and iowait)."""
    with open("/proc/stat") as stat:
        fields = [int(v) for v in stat.readline().split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields[:8]) - idle) / CLOCK_TICKS


def percentile(ordered: Sequence[float], fraction: float) -> float:
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
    return ordered[index]


def prepare(method: str, path: str, body: Any, host: str, extra: str) -> bytes:
    """The bytes of one request (JSON body, if any)."""
    head = f"{method} {path} HTTP/1.1\r\nHost: {host}\r\n{extra}"
    if body is None:
        return f"{head}\r\n".encode()
    data = json.dumps(body, ensure_ascii=False).encode()
    return f"{head}Content-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n".encode() + data


class Mix:
    """Weighted entries of prepared requests; `next()` is a list index and a counter per entry."""

    SCHEDULE = 100_000

    def __init__(self, entries: list[dict[str, Any]], host: str, extra: str, seed: int) -> None:
        self.labels = [str(e["label"]) for e in entries]
        self.payloads = [[prepare(e["method"], path, body, host, extra) for path, body in e["items"]] for e in entries]
        self.cursors = [0] * len(entries)  # where each entry's items start (`--start-cursors` continues a run)
        rng = random.Random(seed)
        self.schedule = rng.choices(range(len(entries)), weights=[float(e["weight"]) for e in entries], k=self.SCHEDULE)
        self.position = 0

    def next(self) -> tuple[int, bytes]:
        entry = self.schedule[self.position]
        self.position = (self.position + 1) % self.SCHEDULE
        items = self.payloads[entry]
        cursor = self.cursors[entry]
        self.cursors[entry] = cursor + 1
        return entry, items[cursor % len(items)]


def status_class(status: int) -> str:
    if 200 <= status < 300:
        return "2xx"
    if status in (429, 503):
        return str(status)
    return "other_4xx" if status < 500 else "other_5xx"


async def run(args: argparse.Namespace) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    extra = "".join(f"{h}\r\n" for h in args.header)
    host = f"{args.host}:{args.port}"
    payloads = [prepare("GET", path, None, host, extra) for path in args.paths]
    mix = Mix(json.loads(args.mix.read_text()), host, extra, args.seed) if args.mix else None
    if mix is not None and args.start_cursors:
        mix.cursors = [int(c) for c in args.start_cursors.split(",")]
    labels = mix.labels if mix else ["GET"]
    # Per label: latencies of 2xx answers, and counts by outcome.
    ok_latencies: list[list[float]] = [[] for _ in labels]
    refusals: list[dict[int, int]] = [{} for _ in labels]  # non-2xx answers by exact status
    examples: dict[tuple[int, int], str] = {}  # the first error body per label and status
    outcomes: list[dict[str, int]] = [
        {"2xx": 0, "429": 0, "503": 0, "other_4xx": 0, "other_5xx": 0, "timeout": 0, "connection": 0} for _ in labels
    ]
    started = time.perf_counter()
    measure_from = started + args.warmup
    measure_until = measure_from + args.duration
    latencies: list[float] = []
    counts = {"errors": 0, "non_2xx": 0}
    watch: dict[int, float] = {}
    own_cpu = 0.0
    machine_cpu = 0.0

    async def connect() -> HttpConnection | None:
        """A new connection, retried until the window closes (each failed attempt is an error)."""
        while time.perf_counter() < measure_until:
            try:
                _, protocol = await loop.create_connection(HttpConnection, args.host, args.port)
                return protocol
            except OSError:
                counts["errors"] += 1
                await asyncio.sleep(0.05)
        return None

    async def worker(index: int) -> None:
        entry, payload = 0, payloads[index % len(payloads)] if payloads else b""
        connection = await connect()
        while connection is not None:
            if mix is not None:
                entry, payload = mix.next()
            begun = time.perf_counter()
            if begun >= measure_until:
                break
            try:
                status = await connection.request(payload, args.request_timeout)
            except (ConnectionError, OSError, TimeoutError) as error:
                if begun >= measure_from:
                    counts["errors"] += 1
                    outcomes[entry]["timeout" if isinstance(error, TimeoutError) else "connection"] += 1
                if connection.transport is not None:
                    connection.transport.close()
                connection = await connect()
                continue
            if begun >= measure_from:
                elapsed = time.perf_counter() - begun
                latencies.append(elapsed)
                kind = status_class(status)
                outcomes[entry][kind] += 1
                if kind == "2xx":
                    ok_latencies[entry].append(elapsed)
                else:
                    counts["non_2xx"] += 1
                    refusals[entry][status] = refusals[entry].get(status, 0) + 1
                    if status not in (429, 503) and (entry, status) not in examples:
                        examples[(entry, status)] = connection.error_body[:300].decode(errors="replace")
            if status in (429, 503) and args.honor_retry_after:
                # A well-behaved client waits as told (at most the cap), instead of hammering.
                await asyncio.sleep(min(connection.retry_after, args.retry_after_cap))
            if connection.lost or connection.closing:
                if connection.transport is not None:
                    connection.transport.close()
                connection = await connect()
        if connection is not None and connection.transport is not None:
            connection.transport.close()

    async def window_marks() -> None:
        nonlocal own_cpu, machine_cpu
        await asyncio.sleep(max(0.0, measure_from - time.perf_counter()))
        usage = resource.getrusage(resource.RUSAGE_SELF)
        own_cpu = -(usage.ru_utime + usage.ru_stime)
        machine_cpu = -machine_busy_seconds()
        for pid in args.watch_pid:
            watch[pid] = -cpu_seconds(pid)
        await asyncio.sleep(max(0.0, measure_until - time.perf_counter()))
        usage = resource.getrusage(resource.RUSAGE_SELF)
        own_cpu += usage.ru_utime + usage.ru_stime
        machine_cpu += machine_busy_seconds()
        for pid in args.watch_pid:
            watch[pid] += cpu_seconds(pid)

    workers = [asyncio.ensure_future(worker(i)) for i in range(args.concurrency)]
    await window_marks()
    # A request still unanswered `timeout` seconds after the window closes counts as an error.
    finished, stuck = await asyncio.wait(workers, timeout=args.timeout)
    for task in stuck:
        task.cancel()
    counts["errors"] += len(stuck)
    for task in finished:
        task.result()  # a bug in a worker fails the run instead of reading as low throughput
    latencies.sort()
    count = len(latencies)
    ms = 1000.0
    ok_all = sorted(x for per_label in ok_latencies for x in per_label)
    totals = {key: sum(o[key] for o in outcomes) for key in outcomes[0]}
    by_label = {}
    for label, ok, outcome, refused in zip(labels, ok_latencies, outcomes, refusals, strict=True):
        ok.sort()
        by_label[label] = {
            **outcome,
            "ok_p50_ms": percentile(ok, 0.50) * ms,
            "ok_p99_ms": percentile(ok, 0.99) * ms,
            "statuses": {str(code): n for code, n in sorted(refused.items())},
            "examples": {str(status): body for (entry, status), body in examples.items() if labels[entry] == label},
        }
    return {
        "cursors": mix.cursors if mix else [],
        "ok_rps": len(ok_all) / args.duration,
        "ok_p50_ms": percentile(ok_all, 0.50) * ms,
        "ok_p99_ms": percentile(ok_all, 0.99) * ms,
        "outcomes": totals,
        "by_label": by_label,
        "requests": count,
        "errors": counts["errors"],
        "non_2xx": counts["non_2xx"],
        "rps": count / args.duration,
        "p50_ms": percentile(latencies, 0.50) * ms,
        "p90_ms": percentile(latencies, 0.90) * ms,
        "p99_ms": percentile(latencies, 0.99) * ms,
        "max_ms": (latencies[-1] if latencies else float("nan")) * ms,
        "loadgen_cpu_s": own_cpu,
        "machine_cpu_s": machine_cpu,
        "watched_cpu_s": {str(pid): cpu for pid, cpu in watch.items()},
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--paths", nargs="+", default=[], help="worker i requests paths[i % len(paths)]")
    what.add_argument("--mix", type=Path, help="JSON file of weighted request entries (see above)")
    parser.add_argument("--seed", type=int, default=1, help="of the mix's random schedule")
    parser.add_argument(
        "--start-cursors", help="comma-separated item index per mix entry to start at (a previous run's `cursors`)"
    )
    parser.add_argument(
        "--request-timeout", type=float, default=None, help="an answer not in after this many seconds is a timeout"
    )
    parser.add_argument("--honor-retry-after", action="store_true", help="after a 429/503 wait its Retry-After")
    parser.add_argument("--retry-after-cap", type=float, default=1.0, help="longest wait after a 429/503")
    parser.add_argument("--header", action="append", default=[], help="'Name: value', repeatable")
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--duration", type=float, default=5.0, help="measured seconds")
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds before measuring")
    parser.add_argument("--timeout", type=float, default=10.0, help="grace after the window for answers still due")
    parser.add_argument("--watch-pid", type=int, action="append", default=[], help="report this process's CPU too")
    args = parser.parse_args(argv)
    import uvloop

    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        result = runner.run(run(args))
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
