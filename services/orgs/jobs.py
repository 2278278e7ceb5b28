"""Scheduled jobs of the orgs service: the term clock (ending soon, overdue), announced once per term
(an organization's, or a community body's: residents' committee, 監委會, 經濟組織 …).

To add a job: write `async def my_job(session) -> str` (idempotent; return a short detail with
counts) and add `Job("orgs.my_job", intervals.my_job_s, my_job)` to `jobs()` (its interval a setting,
`OrgsJobIntervals` in settings.py). The scheduler
(services.kit.scheduler) runs it on one replica and records each run in `job_runs`.
"""

from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.auth import Caller
from services.kit.context import today_in
from services.kit.outbox import record_event
from services.kit.scheduler import Job, JobFunction, first_notice
from services.orgs.enums import TermDue
from services.orgs.models import outbox, scheduler
from services.orgs.rules import OrgsPolicy
from services.orgs.schemas.teams import TermClockEvent
from services.orgs.service.common import OrgsContext
from services.orgs.service.teams import terms_due
from services.orgs.settings import OrgsJobIntervals

TERMS_JOB = "orgs.terms"
SCHEDULER = Caller(subject="service:orgs-scheduler", kind="service", roles=frozenset({"service"}))
_PAGE = 200


def terms_job(policy: OrgsPolicy) -> JobFunction:
    """Announce `term.ending` when a term enters the reminder period and `term.overdue` once it ended."""

    async def run(session: AsyncSession) -> str:
        # The whole tree, on today's date in the deployment's time zone (as a request would see it).
        ctx = OrgsContext(caller=SCHEDULER, policy=policy, today=today_in(policy.timezone), request_id=None)
        cursor: str | None = None
        seen = announced = 0
        while True:
            items, cursor = await terms_due(
                session, ctx, within=None, as_of=None, ending_within_days=None, cursor=cursor, limit=_PAGE
            )
            for item in items:
                seen += 1
                if not await first_notice(session, scheduler, TERMS_JOB, f"{item.term.id}:{item.due.value}"):
                    continue
                payload = TermClockEvent(
                    **item.term.model_dump(),
                    org_name=item.org_name,
                    due=item.due,
                    days_left=item.days_left,
                    body=item.body,
                    community_id=item.community_id,
                ).model_dump(mode="json")
                event_type = "term.overdue" if item.due is TermDue.overdue else "term.ending"
                await record_event(session, outbox, type=event_type, aggregate_id=item.term.id, payload=payload)
                announced += 1
            if cursor is None:
                return f"due {seen}, announced {announced}"

    return run


def jobs(policy: OrgsPolicy, intervals: OrgsJobIntervals | None = None) -> list[Job]:
    return [Job(TERMS_JOB, (intervals or OrgsJobIntervals()).terms_s, terms_job(policy))]
