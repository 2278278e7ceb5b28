"""Scheduled jobs of the orgs service: the term clock (ending soon, overdue), announced once per term.

To add a job: write `async def my_job(session) -> str` (idempotent; return a short detail with
counts) and add `Job("orgs.my_job", <every seconds>, my_job)` to `jobs()`. The scheduler
(services.kit.scheduler) runs it on one replica and records each run in `job_runs`.
"""

from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.auth import Caller
from services.kit.outbox import record_event
from services.kit.scheduler import Job, JobFunction, first_notice
from services.orgs.models import outbox, scheduler
from services.orgs.rules import OrgsPolicy
from services.orgs.schemas import Term, TermClockEvent, TermDue
from services.orgs.service.common import today
from services.orgs.service.teams import terms_due

HOUR_S = 3600.0
TERMS_JOB = "orgs.terms"
SCHEDULER = Caller(subject="service:orgs-scheduler", kind="service", roles=frozenset({"service"}))
_PAGE = 200


def terms_job(policy: OrgsPolicy) -> JobFunction:
    """Announce `term.ending` when a term enters the reminder period and `term.overdue` once it ended."""

    async def run(session: AsyncSession) -> str:
        as_of = today()
        cursor: str | None = None
        seen = announced = 0
        while True:
            rows, cursor = await terms_due(
                session, SCHEDULER, policy, within=None, as_of=as_of, ending_within_days=None, cursor=cursor, limit=_PAGE
            )
            for term, org in rows:
                seen += 1
                due = TermDue.overdue if term.ends_on < as_of else TermDue.ending_soon
                if not await first_notice(session, scheduler, TERMS_JOB, f"{term.id}:{due.value}"):
                    continue
                payload = TermClockEvent(
                    **Term.model_validate(term).model_dump(), org_name=org.name, due=due, days_left=(term.ends_on - as_of).days
                ).model_dump(mode="json")
                event_type = "term.overdue" if due == TermDue.overdue else "term.ending"
                await record_event(session, outbox, type=event_type, aggregate_id=term.id, payload=payload)
                announced += 1
            if cursor is None:
                return f"due {seen}, announced {announced}"

    return run


def jobs(policy: OrgsPolicy) -> list[Job]:
    return [Job(TERMS_JOB, HOUR_S, terms_job(policy))]
