"""Scheduled jobs: one run per due time across every replica of a process, each run recorded.

A job is a name, an interval and an async function that takes a write session and returns a
short detail (counts, never personal data). Adding one to a service is one line in its `jobs.py`:

    JOBS = [Job("members.lost_contact", 3600, lost_contact_job), ...]

How replicas agree: each job has a lease row (`job_leases`). A runner claims it in a write
transaction — `SELECT … FOR UPDATE` on PostgreSQL, `BEGIN IMMEDIATE` on SQLite, so two claims
are serialized by the database — only when no lease is held and the job is due (its last start is
an interval ago). The claim also moves the last start, so a second replica that asks a moment
later finds the job not due: one run per due time, however many replicas tick. A runner that
dies mid-run leaves a lease that expires after `lease_s`.

The job's work and its events commit in one transaction; the run is recorded (`job_runs`: job,
started, duration, outcome, detail, runner) after it, failed runs too. Jobs must be idempotent:
`first_notice` remembers what a job already announced, so a clock that stays due is announced
once, not on every run.

`GET /jobs` (`jobs_router`, administrators only) shows a process's jobs from these tables: each
with its interval (a setting of the process), whether a runner holds it now, its last run (start,
end, ok or failed, the detail — for a failed run the error's type, never its message) and when it
is next due. The gateway composes every process's at `GET /api/v1/jobs`.
"""

import asyncio
import logging
import os
import socket
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Request
from pydantic import Field
from sqlalchemy import BigInteger, Column, DateTime, Integer, MetaData, String, Table, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.auth import Caller, require_roles
from services.kit.db import Database, ReadSessionDep
from services.kit.loops import BackgroundLoop
from services.kit.metrics import JOB_DURATION, JOB_RUNS
from services.kit.schemas import Schema

logger = logging.getLogger("kit.scheduler")

JobFunction = Callable[[AsyncSession], Awaitable[str]]


@dataclass(frozen=True)
class Job:
    name: str
    every_s: float
    run: JobFunction


@dataclass(frozen=True)
class SchedulerTables:
    leases: Table
    runs: Table
    notices: Table


def scheduler_tables(metadata: MetaData) -> SchedulerTables:
    leases = Table(
        "job_leases",
        metadata,
        Column("job", String(100), primary_key=True),
        Column("holder", String(200), nullable=True),
        Column("lease_until", DateTime(timezone=True), nullable=False),
        Column("last_started_at", DateTime(timezone=True), nullable=True),
    )
    runs = Table(
        "job_runs",
        metadata,
        Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
        Column("job", String(100), nullable=False, index=True),
        Column("runner", String(200), nullable=False),
        Column("started_at", DateTime(timezone=True), nullable=False),
        Column("duration_ms", Integer, nullable=False),
        Column("outcome", String(16), nullable=False),
        Column("detail", String(500), nullable=False),
    )
    notices = Table(
        "job_notices",
        metadata,
        Column("job", String(100), primary_key=True),
        Column("key", String(200), primary_key=True),
        Column("noticed_at", DateTime(timezone=True), nullable=False),
    )
    return SchedulerTables(leases=leases, runs=runs, notices=notices)


def _aware(value: datetime | None) -> datetime | None:
    # SQLite hands timezone-aware columns back naive (in UTC, as they were written).
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


async def first_notice(session: AsyncSession, tables: SchedulerTables, job: str, key: str) -> bool:
    """True the first time `job` notices `key` (then remembered in the same transaction)."""
    held = await session.scalar(select(tables.notices.c.key).where(tables.notices.c.job == job, tables.notices.c.key == key))
    if held is not None:
        return False
    await session.execute(insert(tables.notices).values(job=job, key=key, noticed_at=datetime.now(UTC)))
    return True


# --- what `GET /jobs` shows ------------------------------------------------------------------------
JOBS_ROLE = "sysadmin"  # the system administrator runs the processes (no business data is shown)
# A run's outcome as recorded (`job_runs.outcome`, the metrics' label) → as shown.
_SHOWN_OUTCOME: dict[str, Literal["ok", "failed"]] = {"ok": "ok", "error": "failed"}


class JobRunOut(Schema):
    started_at: datetime
    finished_at: datetime
    duration_ms: int
    outcome: Literal["ok", "failed"]
    detail: str = Field(description="What the run did (counts); for a failed run the error's type, never its message")
    error: str | None = Field(description="A failed run's error type; null when it ran through")


class JobOut(Schema):
    name: str
    interval_s: float = Field(description="How often it runs (a setting of its process)")
    running: bool = Field(description="A runner holds the job's lease now")
    last_run: JobRunOut | None
    next_run_at: datetime = Field(
        description="When it is next due: its last start plus its interval (now, if it never ran); it runs at the first "
        "scheduler tick from then, on one replica"
    )


class ProcessJobs(Schema):
    process: str
    available: bool = Field(default=True, description="False: the process did not answer (its jobs are not listed)")
    scheduler_running: bool | None = Field(
        default=None, description="This process runs a scheduler (`<P>_RUN_SCHEDULER`); null when unavailable"
    )
    tick_s: float | None = Field(default=None, description="How often its scheduler looks for due jobs")
    reason: str | None = Field(default=None, description="Why an unavailable process is (`status 503`, `ConnectError` …)")
    jobs: list[JobOut] = Field(default_factory=list)


class Scheduler:
    """Runs a process's jobs when due; `start`/`stop` are lifespan hooks, `run_due` one tick."""

    def __init__(
        self,
        *,
        service: str,
        db: Database,
        tables: SchedulerTables,
        jobs: Sequence[Job],
        tick_s: float = 30.0,
        lease_s: float = 600.0,
        enabled: bool = True,
    ) -> None:
        self.service = service
        self.jobs = list(jobs)
        self.enabled = enabled
        self.tick_s = tick_s
        self.runner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._db = db
        self._tables = tables
        self._lease = timedelta(seconds=lease_s)
        self._loop = BackgroundLoop(
            f"scheduler:{service}", self._tick, interval_s=tick_s, logger=logger, failure="scheduler tick failed"
        )

    async def claim(self, job: Job) -> bool:
        """Take the job's lease if it is free and the job is due; False if another runner has it."""
        leases = self._tables.leases
        now = datetime.now(UTC)
        async with self._db.write_sessions() as session:
            row = (await session.execute(select(leases).where(leases.c.job == job.name).with_for_update())).first()
            if row is None:
                try:
                    await session.execute(
                        insert(leases).values(
                            job=job.name, holder=self.runner, lease_until=now + self._lease, last_started_at=now
                        )
                    )
                    await session.commit()
                except IntegrityError:  # another runner made the row first: it runs this time
                    await session.rollback()
                    return False
                return True
            lease_until, last_started = _aware(row.lease_until), _aware(row.last_started_at)
            if lease_until is not None and lease_until > now:
                return False
            if last_started is not None and last_started + timedelta(seconds=job.every_s) > now:
                return False
            await session.execute(
                update(leases)
                .where(leases.c.job == job.name)
                .values(holder=self.runner, lease_until=now + self._lease, last_started_at=now)
            )
            await session.commit()
            return True

    async def release(self, job: Job) -> None:
        """Give the lease back (only this runner's own)."""
        leases = self._tables.leases
        async with self._db.write_sessions() as session:
            await session.execute(
                update(leases)
                .where(leases.c.job == job.name, leases.c.holder == self.runner)
                .values(lease_until=datetime.now(UTC))
            )
            await session.commit()

    async def run_job(self, job: Job) -> str:
        """Run a claimed job in one transaction, record the run and release the lease; the outcome."""
        started_at = datetime.now(UTC)
        started = time.perf_counter()
        outcome, detail = "ok", ""
        try:
            async with self._db.write_sessions() as session:
                detail = await job.run(session)
                await session.commit()
        except asyncio.CancelledError:
            raise
        except Exception as error:
            # The exception's type only: its message may quote values that hold personal data.
            outcome, detail = "error", type(error).__name__
            logger.warning("scheduled job failed", extra={"job": job.name, "error": detail})
        duration = time.perf_counter() - started
        JOB_RUNS.labels(self.service, job.name, outcome).inc()
        JOB_DURATION.labels(self.service, job.name).observe(duration)
        async with self._db.write_sessions() as session:
            await session.execute(
                insert(self._tables.runs).values(
                    job=job.name,
                    runner=self.runner,
                    started_at=started_at,
                    duration_ms=round(duration * 1000),
                    outcome=outcome,
                    detail=detail[:500],
                )
            )
            await session.commit()
        await self.release(job)
        return outcome

    async def run_due(self) -> list[str]:
        """One tick: every due job whose lease this runner gets is run; the names of those run."""
        ran = []
        for job in self.jobs:
            if await self.claim(job):
                await self.run_job(job)
                ran.append(job.name)
        return ran

    async def overview(self, session: AsyncSession) -> ProcessJobs:
        """The process's jobs as `GET /jobs` shows them."""
        return ProcessJobs(
            process=self.service,
            scheduler_running=self.enabled and bool(self.jobs),
            tick_s=self.tick_s,
            jobs=await job_statuses(session, self._tables, self.jobs),
        )

    async def _tick(self) -> bool:
        await self.run_due()
        return False  # the next tick is a tick_s away, whatever ran

    async def start(self, _app: object = None) -> None:
        if self.enabled and self.jobs:
            self._loop.start()

    async def stop(self, _app: object = None) -> None:
        await self._loop.stop()


async def job_statuses(session: AsyncSession, tables: SchedulerTables, jobs: Sequence[Job]) -> list[JobOut]:
    """Each job with its lease and its last recorded run, as `GET /jobs` shows them."""
    names = [job.name for job in jobs]
    leases = {row.job: row for row in await session.execute(select(tables.leases).where(tables.leases.c.job.in_(names)))}
    runs = tables.runs
    latest = select(func.max(runs.c.id)).where(runs.c.job.in_(names)).group_by(runs.c.job)
    last_runs = {row.job: row for row in await session.execute(select(runs).where(runs.c.id.in_(latest)))}
    now = datetime.now(UTC)
    shown = []
    for job in jobs:
        lease, run = leases.get(job.name), last_runs.get(job.name)
        lease_until = _aware(lease.lease_until) if lease is not None else None
        last_started = _aware(lease.last_started_at) if lease is not None else None
        last_run = None
        if run is not None:
            started = _aware(run.started_at) or now
            outcome = _SHOWN_OUTCOME.get(run.outcome, "failed")
            last_run = JobRunOut(
                started_at=started,
                finished_at=started + timedelta(milliseconds=run.duration_ms),
                duration_ms=run.duration_ms,
                outcome=outcome,
                detail=run.detail,
                error=run.detail if outcome == "failed" else None,
            )
        shown.append(
            JobOut(
                name=job.name,
                interval_s=job.every_s,
                running=lease_until is not None and lease_until > now,
                last_run=last_run,
                next_run_at=last_started + timedelta(seconds=job.every_s) if last_started is not None else now,
            )
        )
    return shown


def jobs_router() -> APIRouter:
    """`GET /jobs`: the process's scheduled jobs (`app.state.scheduler`), for administrators. Not
    under /api/v1: the gateway's `GET /api/v1/jobs` asks each service for it."""
    router = APIRouter(tags=["jobs"])

    @router.get("/jobs", response_model=ProcessJobs)
    async def read_jobs(
        request: Request, session: ReadSessionDep, _caller: Annotated[Caller, require_roles(JOBS_ROLE)]
    ) -> ProcessJobs:
        scheduler: Scheduler = request.app.state.scheduler
        return await scheduler.overview(session)

    return router
