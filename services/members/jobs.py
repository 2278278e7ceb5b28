"""Scheduled jobs of the members service: the clocks, announced as events once per spell.

To add a job: write `async def my_job(session) -> str` (idempotent; return a short detail with
counts, no personal data) and add `Job("members.my_job", <every seconds>, my_job)` to `jobs()`.
The scheduler (services.kit.scheduler) runs it on one replica, records each run in `job_runs`.
"""

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.auth import Caller
from services.kit.outbox import record_event
from services.kit.scheduler import Job, JobFunction, first_notice
from services.members import rules
from services.members.models import Member, outbox, scheduler
from services.members.rules import MembersPolicy
from services.members.schemas import DueKind
from services.members.service.common import Context, snapshot
from services.members.service.records import due_condition

HOUR_S = 3600.0
SCHEDULER = Caller(subject="service:members-scheduler", kind="service", roles=frozenset({"service"}))


def clock_job(name: str, kind: DueKind, event_type: str, policy: MembersPolicy) -> JobFunction:
    """Announce each member whose clock `kind` ran out, once per spell (a new spell starts a new clock)."""

    async def run(session: AsyncSession) -> str:
        as_of = datetime.now(UTC).date()
        # The condition reads only the policy and the date; no cipher is needed for it.
        ctx = Context(caller=SCHEDULER, cipher=None, policy=policy, today=as_of)  # type: ignore[arg-type]
        condition, since_column, months = due_condition(kind, ctx, as_of)
        due = (await session.execute(select(Member).where(condition).order_by(Member.id))).scalars().all()
        announced = 0
        for member in due:
            since = getattr(member, since_column.key)
            if not await first_notice(session, scheduler, name, f"{member.id}:{since.isoformat()}"):
                continue
            payload = snapshot(member) | {
                "clock": kind.value,
                "since": since.isoformat(),
                "due_on": rules.months_after(since, months).isoformat(),
            }
            await record_event(session, outbox, type=event_type, aggregate_id=member.id, payload=payload)
            announced += 1
        return f"due {len(due)}, announced {announced}"

    return run


def jobs(policy: MembersPolicy) -> list[Job]:
    return [
        Job(
            "members.lost_contact",
            HOUR_S,
            clock_job("members.lost_contact", DueKind.suspension, "member.lost_contact_due", policy),
        ),
        Job("members.floating", HOUR_S, clock_job("members.floating", DueKind.transfer, "member.floating_due", policy)),
    ]
