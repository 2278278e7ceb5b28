"""File bombs against the real processes (#17, finding 1): while xlsx bombs are uploaded in
parallel through the gateway, another client's `GET /api/v1/members` keeps answering (p99 under
1 s), every bomb is refused with a 413 naming the limit, and the members process stays within a
few hundred MB (its peak resident size), its readers' workers gone afterwards.

The zip-directory checks would refuse these bombs before any parse (tests/kit/test_tables.py);
here they are switched off, so that the parse itself, streamed in its capped worker, must stop
them: the harder case."""

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import ADMIN_PASSWORD
from tests.support import LiveStack, SuiteDatabase
from tests.workbooks import huge_shared_strings, one_long_row

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
READ_SECONDS = 60  # the readers' bound, whatever happens to the bombs


@pytest.fixture
def stack(test_db: SuiteDatabase, tmp_path: Path) -> Iterator[LiveStack]:
    live = LiveStack(test_db, tmp_path, ADMIN_PASSWORD)
    live.env["MEMBERS_POLICY__IMPORT_MAX_COMPRESSION_RATIO"] = str(10**9)
    live.env["MEMBERS_POLICY__IMPORT_MAX_UNCOMPRESSED_BYTES"] = str(2**40)
    # A tenth of the default, so that a loaded shared machine parses up to it in seconds, not tens.
    live.env["MEMBERS_POLICY__IMPORT_MAX_SHARED_STRINGS"] = "100000"
    # The refusals are what is measured here, not the gateway's patience with a slow machine.
    live.env["GATEWAY_UPSTREAM_TIMEOUT_S"] = "60"
    live.migrate()
    try:
        live.start("gateway", "members")
        yield live
    finally:
        live.stop_all()


def peak_resident_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM")


def children_of(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found |= {int(child) for child in (task / "children").read_text().split()}
    return found


async def test_reads_keep_answering_while_bombs_are_refused(stack: LiveStack) -> None:
    headers = stack.business_headers()
    bombs = [one_long_row(3_000_000), huge_shared_strings(174)] * 2
    latencies: list[float] = []
    bombs_done = asyncio.Event()

    async with httpx.AsyncClient(base_url=stack.url(), timeout=30) as client:
        warm = await client.get("/api/v1/members", headers=headers)
        assert warm.status_code == 200, warm.text

        async def read() -> None:
            deadline = time.monotonic() + READ_SECONDS
            # Until the bombs are answered, and at least 200 reads in all.
            while time.monotonic() < deadline and not (bombs_done.is_set() and len(latencies) >= 200):
                started = time.monotonic()
                response = await client.get("/api/v1/members", params={"limit": 20}, headers=headers)
                latencies.append(time.monotonic() - started)
                assert response.status_code == 200, response.text

        async def upload(bomb: bytes) -> httpx.Response:
            return await client.post(
                "/api/v1/members/import",
                params={"dry_run": "true"},
                content=bomb,
                headers=headers | {"content-type": XLSX},
            )

        readers = [asyncio.create_task(read()) for _ in range(2)]
        await asyncio.sleep(0.5)
        answers = await asyncio.gather(*(upload(bomb) for bomb in bombs))
        bombs_done.set()
        await asyncio.gather(*readers)

    for answer in answers:
        assert answer.status_code == 413, answer.text
        problem = answer.json()
        assert problem["type"] == "/problems/file-over-limit"
        assert problem["limit"] in {"import_max_columns", "import_max_shared_strings"}
    assert {a.json()["limit"] for a in answers} == {"import_max_columns", "import_max_shared_strings"}
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1]
    assert p99 < 1.0, f"p99 {p99:.3f} s over {len(latencies)} reads (slowest {latencies[-1]:.3f} s)"
    members = stack.processes["members"].pid
    peak = peak_resident_bytes(members)
    assert peak < 400 * 1024 * 1024, f"the members process reached {peak // 2**20} MB"
    assert children_of(members) == set()
