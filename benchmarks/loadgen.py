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
"""

import argparse
import asyncio
import json
import os
import resource
import sys
import time
from collections.abc import Sequence
from typing import Any, cast

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class HttpConnection(asyncio.Protocol):
    """One keep-alive connection; `request()` sends prepared bytes and waits for one response."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.waiter: asyncio.Future[int] | None = None
        self.lost = False

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
        del self.buffer[:total]
        return status

    async def request(self, payload: bytes) -> int:
        assert self.transport is not None
        self.waiter = asyncio.get_running_loop().create_future()
        self.transport.write(payload)
        return await self.waiter


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


async def run(args: argparse.Namespace) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    extra = "".join(f"{h}\r\n" for h in args.header)
    payloads = [f"GET {path} HTTP/1.1\r\nHost: {args.host}:{args.port}\r\n{extra}\r\n".encode("latin-1") for path in args.paths]
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
        payload = payloads[index % len(payloads)]
        connection = await connect()
        while connection is not None:
            begun = time.perf_counter()
            if begun >= measure_until:
                break
            try:
                status = await connection.request(payload)
            except (ConnectionError, OSError):
                if begun >= measure_from:
                    counts["errors"] += 1
                if connection.transport is not None:
                    connection.transport.close()
                connection = await connect()
                continue
            if begun >= measure_from:
                latencies.append(time.perf_counter() - begun)
                if not 200 <= status < 300:
                    counts["non_2xx"] += 1
            if connection.lost:
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
    return {
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
    parser.add_argument("--paths", nargs="+", required=True, help="worker i requests paths[i % len(paths)]")
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
