"""The scheduler: one run per due time however many runners tick at once, every run recorded."""

import asyncio
import importlib
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.db import Database
from services.kit.scheduler import Job, Scheduler, first_notice
from services.orgs.models import scheduler as tables
from tests.support import SuiteDatabase


@pytest.fixture
async def databases(test_db: SuiteDatabase) -> AsyncIterator[tuple[Database, Database]]:
    """Two engines on the orgs schema, as two replicas of a process would have."""
    first, second = Database(test_db.urls["orgs"], "orgs"), Database(test_db.urls["orgs"], "orgs")
    yield first, second
    await first.dispose()
    await second.dispose()


def counting_job(name: str, calls: list[str], *, every_s: float = 3600, pause_s: float = 0.2) -> Job:
    async def run(_session: AsyncSession) -> str:
        calls.append(name)
        await asyncio.sleep(pause_s)  # long enough for the other runner to ask meanwhile
        return f"ran {len(calls)}"

    return Job(name, every_s, run)


async def runs_of(db: Database, job: str) -> list[tuple[str, str]]:
    async with db.read_sessions() as session:
        rows = await session.execute(
            select(tables.runs.c.outcome, tables.runs.c.detail).where(tables.runs.c.job == job).order_by(tables.runs.c.id)
        )
        return [(row.outcome, row.detail) for row in rows]


async def test_two_runners_at_once_run_a_job_once(databases: tuple[Database, Database]) -> None:
    calls: list[str] = []
    job = counting_job(f"test.{uuid.uuid4().hex[:8]}", calls)
    one = Scheduler(service="orgs", db=databases[0], tables=tables, jobs=[job])
    two = Scheduler(service="orgs", db=databases[1], tables=tables, jobs=[job])

    ran = await asyncio.gather(one.run_due(), two.run_due())

    assert calls == [job.name]
    assert sorted(len(names) for names in ran) == [0, 1]
    assert await runs_of(databases[0], job.name) == [("ok", "ran 1")]


async def test_a_job_is_not_run_again_before_its_interval(databases: tuple[Database, Database]) -> None:
    calls: list[str] = []
    job = counting_job(f"test.{uuid.uuid4().hex[:8]}", calls, pause_s=0)
    one = Scheduler(service="orgs", db=databases[0], tables=tables, jobs=[job])
    two = Scheduler(service="orgs", db=databases[1], tables=tables, jobs=[job])

    await one.run_due()
    await two.run_due()  # a moment later, on another replica: not due yet

    assert calls == [job.name]


async def test_a_due_job_runs_again(databases: tuple[Database, Database]) -> None:
    calls: list[str] = []
    job = counting_job(f"test.{uuid.uuid4().hex[:8]}", calls, every_s=0, pause_s=0)
    runner = Scheduler(service="orgs", db=databases[0], tables=tables, jobs=[job])

    await runner.run_due()
    await runner.run_due()

    assert calls == [job.name, job.name]
    assert [outcome for outcome, _ in await runs_of(databases[0], job.name)] == ["ok", "ok"]


async def test_a_failed_run_is_recorded_with_the_error_type_only_and_its_work_undone(
    databases: tuple[Database, Database],
) -> None:
    name = f"test.{uuid.uuid4().hex[:8]}"

    async def failing(session: AsyncSession) -> str:
        await first_notice(session, tables, name, "written-then-undone")
        raise ValueError("a message that could quote personal data 110105194001010015")

    runner = Scheduler(service="orgs", db=databases[0], tables=tables, jobs=[Job(name, 0, failing)])
    await runner.run_due()

    assert await runs_of(databases[0], name) == [("error", "ValueError")]
    async with databases[0].read_sessions() as session:
        assert await session.scalar(select(tables.notices.c.key).where(tables.notices.c.job == name)) is None
    # The lease was given back: the job runs at its next due time.
    assert await runner.claim(Job(name, 0, failing))


async def test_first_notice_is_true_once(databases: tuple[Database, Database]) -> None:
    name = f"test.{uuid.uuid4().hex[:8]}"
    async with databases[0].write_sessions() as session:
        assert await first_notice(session, tables, name, "k")
        assert not await first_notice(session, tables, name, "k")
        assert await first_notice(session, tables, name, "other")
        await session.commit()


async def test_the_status_shows_a_failed_run_by_its_error_type_and_when_it_is_due(databases: tuple[Database, Database]) -> None:
    name = f"test.{uuid.uuid4().hex[:8]}"

    async def failing(_session: AsyncSession) -> str:
        raise ValueError("a message that could quote personal data 110105194001010015")

    job, never = Job(name, 600, failing), Job(f"{name}.never", 60, failing)
    runner = Scheduler(service="orgs", db=databases[0], tables=tables, jobs=[job, never])
    await runner.run_due()
    async with databases[0].read_sessions() as session:
        shown = await runner.overview(session)

    failed, waiting = shown.jobs
    assert (failed.name, failed.interval_s, failed.running) == (name, 600, False)
    assert failed.last_run is not None
    assert (failed.last_run.outcome, failed.last_run.error, failed.last_run.detail) == ("failed", "ValueError", "ValueError")
    assert failed.last_run.finished_at >= failed.last_run.started_at
    # Due again an interval after its claim (a moment before the run's own start is taken).
    assert abs(failed.next_run_at - (failed.last_run.started_at + timedelta(seconds=600))) < timedelta(seconds=5)
    assert "110105" not in shown.model_dump_json()
    assert waiting.last_run is not None  # it was due too: it ran in the same tick


@pytest.mark.parametrize(
    ("prefix", "create", "variable", "job"),
    [
        ("ORGS", "services.orgs.app", "TERMS_S", "orgs.terms"),
        ("MEMBERS", "services.members.app", "DUES_ARREARS_S", "members.dues_arrears"),
        ("ACTIVITIES", "services.activities.app", "STUDY_HOURS_S", "activities.study_hours"),
    ],
)
def test_each_jobs_interval_is_a_setting_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, test_db: SuiteDatabase, prefix: str, create: str, variable: str, job: str
) -> None:
    monkeypatch.setenv(f"{prefix}_DATA_DIR", str(test_db.data_dir))
    unset = importlib.import_module(create).create_app()
    defaults = {scheduled.name: scheduled.every_s for scheduled in unset.state.scheduler.jobs}
    monkeypatch.setenv(f"{prefix}_JOB_INTERVALS__{variable}", "42.5")
    app = importlib.import_module(create).create_app()

    jobs = {scheduled.name: scheduled.every_s for scheduled in app.state.scheduler.jobs}
    assert jobs[job] == 42.5 != defaults[job]
    assert jobs | {job: defaults[job]} == defaults  # the others keep their default
