"""Scheduled jobs of the activities service: the study-hours clock, announced once a month per member,
and the partitions of the activities, their attendance and the outbox (PostgreSQL).

To add a job: write `async def my_job(session) -> str` (idempotent; return a short detail with
counts, no personal data) and add `Job("activities.my_job", intervals.my_job_s, my_job)` to `jobs()`,
its interval a setting (`ActivitiesJobIntervals` in settings.py).
The scheduler (services.kit.scheduler) runs it on one replica and records each run in `job_runs`.
"""

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from services.activities.models import PARTITIONED, outbox, scheduler
from services.activities.rules import ActivitiesPolicy
from services.activities.service import study
from services.activities.settings import SCHEMA, ActivitiesJobIntervals, ActivitiesSettings
from services.kit.context import today_in
from services.kit.outbox import record_event
from services.kit.partitions import partitions_job
from services.kit.scheduler import Job, JobFunction, first_notice

STUDY_JOB = "activities.study_hours"
STUDY_EVENT = "study.below_requirement"
_BATCH = 500


def study_hours_job(policy: ActivitiesPolicy) -> JobFunction:
    """Announce `study.below_requirement` for each member below their hours so far, once per month."""

    async def run(session: AsyncSession) -> str:
        as_of = today_in(policy.timezone)
        month = f"{as_of.year:04d}-{as_of.month:02d}"
        below = announced = 0
        after = None
        while True:
            found, after = await study.below_requirement_batch(session, policy, as_of=as_of, after=after, size=_BATCH)
            for standing in found:
                below += 1
                if not await first_notice(session, scheduler, STUDY_JOB, f"{standing.member_id}:{month}"):
                    continue
                payload = standing.model_dump(mode="json", exclude={"name"})
                await record_event(session, outbox, type=STUDY_EVENT, aggregate_id=standing.member_id, payload=payload)
                announced += 1
            if after is None:
                return f"below {below}, announced {announced}"

    return run


def jobs(policy: ActivitiesPolicy, intervals: ActivitiesJobIntervals | None = None) -> list[Job]:
    return [Job(STUDY_JOB, (intervals or ActivitiesJobIntervals()).study_hours_s, study_hours_job(policy))]


def partitions(settings: ActivitiesSettings) -> Job:
    """Months made a year ahead; the months before the retained years detached to the archive."""

    def archive_before(today: date) -> date:
        return date(today.year - settings.retention_years, 1, 1)

    return partitions_job(
        SCHEMA,
        PARTITIONED,
        every_s=settings.partitions_interval_s,
        outbox_retention_days=settings.outbox_retention_days,
        archive_before=archive_before,
        timezone=settings.policy.timezone,
    )
