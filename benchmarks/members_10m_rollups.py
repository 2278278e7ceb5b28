"""The roll-ups' part of `benchmarks/members_10m.py` (issue 23): what the writes pay for them and
what the reads gain.

- Writes, same run, same table: `POST /members` and 100 000-row imports through an app that keeps
  no roll-ups (and without the two indexes they add, on birth_date and joined_on) and through one
  that keeps them, in the order off, on, on, off (the indexes dropped and built between, timed).
- The roll-ups built after the server-side fill with `python -m stack members-rollups` (timed).
- After the reads: another 100 000-row import left unfolded (the province's statistics read its
  deltas), the fold of its deltas (timed), and the repair command again, which must find no difference.
"""

import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from datetime import date, timedelta
from typing import Any

import asyncpg
import httpx

from benchmarks.members_scale import import_file
from services.members.service import rollups
from tests.builders import resident_id

ROLLUP_INDEXES = {
    "ix_members_members_birth_date": "CREATE INDEX ix_members_members_birth_date ON members.members (birth_date) "
    "INCLUDE (org_id, id, joined_on, education, occupation, sex, party_status, state, whereabouts)",
    "ix_members_members_joined_on": "CREATE INDEX ix_members_members_joined_on ON members.members (joined_on)",
}
CREATES = 50  # per arm and turn: 100 each way
IMPORT_ROWS = 100_000


def log(message: str) -> None:
    print(message, flush=True)


def member_body(n: int, org_id: uuid.UUID) -> dict[str, Any]:
    born = date(1950, 1, 1) + timedelta(days=n // 1000)
    return {
        "name": f"黨員{n}",
        "sex": "male" if n % 2 else "female",
        "id_number": resident_id(born, n % 1000),
        "birth_date": born.isoformat(),
        "education": "junior_high",
        "occupation": "farmer",
        "party_status": "full",
        "joined_on": (born + timedelta(days=365 * 30)).isoformat(),
        "full_on": (born + timedelta(days=365 * 31)).isoformat(),
        "org_id": str(org_id),
    }


async def creates(client: httpx.AsyncClient, headers: dict[str, str], branches: list[uuid.UUID], first: int) -> list[float]:
    times = []
    for n in range(first, first + CREATES):
        started = time.perf_counter()
        response = await client.post("/api/v1/members", json=member_body(n, branches[n % len(branches)]), headers=headers)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 201, response.text[:2000]
    return times


async def compare_writes(
    admin: asyncpg.Connection, clients: dict[str, httpx.AsyncClient], headers: dict[str, str], branches: list[uuid.UUID]
) -> dict[str, Any]:
    """Creates and imports through the app without roll-ups ("off", and without their two indexes)
    and with them ("on"), in the order off, on, on, off so that a drifting load hits both alike."""
    found: dict[str, dict[str, list[float]]] = {arm: {"create_ms": [], "import_s": []} for arm in clients}
    indexed, first, rebuilt = True, 100_000, []
    for arm in ("off", "on", "on", "off"):
        if (arm == "on") != indexed:
            if indexed:
                await drop_indexes(admin)
            else:
                rebuilt.append(await build_indexes(admin))
            indexed = arm == "on"
        found[arm]["create_ms"] += await creates(clients[arm], headers, branches, first)
        started = time.perf_counter()
        await import_rows(clients[arm], headers, branches, first)
        found[arm]["import_s"].append(time.perf_counter() - started)
        first += IMPORT_ROWS
    if not indexed:
        rebuilt.append(await build_indexes(admin))
    summary: dict[str, Any] = {
        arm: {
            "create_median_ms": statistics.median(v["create_ms"]),
            "import_mean_s": statistics.mean(v["import_s"]),
            "imports_s": v["import_s"],
        }
        for arm, v in found.items()
    }
    summary["create_change"] = summary["on"]["create_median_ms"] / summary["off"]["create_median_ms"] - 1
    summary["import_change"] = summary["on"]["import_mean_s"] / summary["off"]["import_mean_s"] - 1
    summary["two indexes built, s"] = rebuilt
    return summary


async def import_rows(client: httpx.AsyncClient, headers: dict[str, str], branches: list[uuid.UUID], first: int) -> None:
    # import_file numbers its people from 0: rows of a later day each time (`first` // 1000 days on).
    content = import_file(branches[first % 1000 :], rows=IMPORT_ROWS, first=first)
    response = await client.post(
        "/api/v1/members/import", content=content, params={"format": "csv"}, headers={**headers, "content-type": "text/csv"}
    )
    assert response.status_code == 200, response.text[:3000]


async def drop_indexes(admin: asyncpg.Connection) -> None:
    for name in ROLLUP_INDEXES:
        await admin.execute(f"DROP INDEX members.{name}")


async def build_indexes(admin: asyncpg.Connection) -> float:
    started = time.perf_counter()
    for statement in ROLLUP_INDEXES.values():
        await admin.execute(statement)
    return time.perf_counter() - started


async def repair(url: str, data_dir: str) -> dict[str, Any]:
    """`run_repair` in a thread: the in-process apps keep serving meanwhile."""
    return await asyncio.to_thread(run_repair, url, data_dir)


def run_repair(url: str, data_dir: str) -> dict[str, Any]:
    """`python -m stack members-rollups` as an operator runs it; its report and wall time."""
    env = {**os.environ, "MEMBERS_DATABASE_URL": url, "MEMBERS_DATA_DIR": data_dir}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "stack", "members-rollups"], env=env, capture_output=True, text=True, check=False
    )
    report: dict[str, Any] = (
        json.loads(done.stdout.strip().splitlines()[-1]) if done.stdout.strip() else {"error": done.stderr[-2000:]}
    )
    report["wall_s"] = time.perf_counter() - started
    report["exit"] = done.returncode
    return report


async def fold_all(app_db: Any) -> tuple[int, float]:
    started, folded = time.perf_counter(), 0
    while True:
        async with app_db.write_sessions() as session:
            done = await rollups.fold(session, batch=20_000)
            await session.commit()
        if not done:
            return folded, time.perf_counter() - started
        folded += done
