"""Scheduled jobs of the members service: the clocks, announced as events once per spell.

To add a job: write `async def my_job(session) -> str` (idempotent; return a short detail with
counts, no personal data) and add `Job("members.my_job", intervals.my_job_s, my_job)` to `jobs()`, its
interval a setting (`MembersJobIntervals` in settings.py).
The scheduler (services.kit.scheduler) runs it on one replica, records each run in `job_runs`.
"""

from collections.abc import Callable

from cryptography.exceptions import InvalidTag
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.auth import Caller
from services.kit.context import today_in
from services.kit.crypto import FieldCipher
from services.kit.outbox import record_event
from services.kit.scheduler import Job, JobFunction, first_notice
from services.members.enums import DueKind
from services.members.models import Member, outbox, scheduler
from services.members.rules import MembersPolicy
from services.members.service import dues, rollups
from services.members.service.common import MembersContext, snapshot
from services.members.service.records import due_clock, due_statement
from services.members.settings import MembersJobIntervals

SCHEDULER = Caller(subject="service:members-scheduler", kind="service", roles=frozenset({"service"}))


def clock_job(name: str, kind: DueKind, event_type: str, policy: MembersPolicy) -> JobFunction:
    """Announce each member whose clock `kind` ran out, once per spell (a new spell starts a new clock)."""

    async def run(session: AsyncSession) -> str:
        as_of = today_in(policy.timezone)
        # The condition reads only the policy and the date; no cipher is needed for it.
        ctx = MembersContext(caller=SCHEDULER, cipher=None, policy=policy, today=as_of)  # type: ignore[arg-type]
        clock = due_clock(kind, ctx, as_of)
        due = (await session.execute(due_statement(clock, select(Member)).order_by(Member.id))).all()
        announced = 0
        for member, extra_months in due:
            since = getattr(member, clock.since.key)
            # An extension makes a new due day, announced afresh; without one the key stays as before.
            spell = f"{member.id}:{since.isoformat()}" + (f"+{extra_months}" if extra_months else "")
            if not await first_notice(session, scheduler, name, spell):
                continue
            payload = snapshot(member) | {
                "clock": kind.value,
                "since": since.isoformat(),
                "due_on": clock.due_on(since, extra_months).isoformat(),
            }
            await record_event(session, outbox, type=event_type, aggregate_id=member.id, payload=payload)
            announced += 1
        return f"due {len(due)}, announced {announced}"

    return run


DUES_BATCH = 500


def dues_arrears_job(policy: MembersPolicy) -> JobFunction:
    """Announce each member with the policy's months of dues unpaid and no reason, once per paid-through month."""

    async def run(session: AsyncSession) -> str:
        as_of = today_in(policy.timezone)
        ctx = MembersContext(caller=SCHEDULER, cipher=None, policy=policy, today=as_of)  # type: ignore[arg-type]
        listed = announced = 0
        cursor: str | None = None
        while True:
            page, cursor = await dues.unpaid_members(session, ctx, as_of=as_of, within=None, cursor=cursor, limit=DUES_BATCH)
            for item in page:
                listed += 1
                if not await first_notice(session, scheduler, "members.dues_arrears", f"{item.member_id}:{item.paid_through}"):
                    continue
                member = await session.get_one(Member, item.member_id)
                payload = snapshot(member) | {"paid_through": item.paid_through, "months_unpaid": item.months_unpaid}
                await record_event(session, outbox, type="member.dues_arrears", aggregate_id=member.id, payload=payload)
                announced += 1
            if cursor is None:
                return f"in arrears {listed}, announced {announced}"

    return run


REENCRYPT_BATCH = 500


def reencrypt_job(cipher: Callable[[], FieldCipher]) -> JobFunction:
    """Move ID numbers and phones encrypted under an earlier data key to the current one.

    Runs only while earlier keys are configured (MEMBERS_PREVIOUS_DATA_KEYS); reads keep working
    throughout, since earlier keys still decrypt. Not a change of the record: no version, no event.
    """

    async def run(session: AsyncSession) -> str:
        current = cipher()
        if not current.rotating:
            return "no earlier data keys"
        moved = seen = unreadable = 0
        after = None
        while True:
            stmt = select(Member.id, Member.id_number_cipher, Member.phone_cipher).order_by(Member.id).limit(REENCRYPT_BATCH)
            if after is not None:
                stmt = stmt.where(Member.id > after)
            rows = (await session.execute(stmt)).all()
            if not rows:
                return f"checked {seen}, re-encrypted {moved}, under no configured key {unreadable}"
            for row in rows:
                seen += 1
                values = {}
                try:
                    id_number = current.reencrypt("id_number", row.id_number_cipher)
                    phone = current.reencrypt("phone", row.phone_cipher) if row.phone_cipher else None
                # Under none of the configured keys, or not a ciphertext at all (too short to hold
                # one): counted and left as it is, so that one damaged row never stops the rotation.
                except (InvalidTag, ValueError):
                    unreadable += 1
                    continue
                if id_number is not None:
                    values["id_number_cipher"] = id_number
                if phone is not None:
                    values["phone_cipher"] = phone
                if values:
                    await session.execute(update(Member).where(Member.id == row.id).values(**values))
                    moved += 1
            after = rows[-1].id

    return run


def rollups_job(policy: MembersPolicy) -> JobFunction:
    """Fold the deltas the writes appended into the roll-ups; rebuild them when not current."""

    async def run(session: AsyncSession) -> str:
        if not policy.rollups_maintained:
            return "roll-ups not kept"
        if not await rollups.are_current(session):
            built = await rollups.rebuild(session, policy.rollup_min_members)
            return f"rebuilt: {built['organizations']} organizations, {built['rows']} rows"
        return f"folded {await rollups.fold(session)} deltas"

    return run


def jobs(policy: MembersPolicy, cipher: Callable[[], FieldCipher], intervals: MembersJobIntervals | None = None) -> list[Job]:
    every = intervals or MembersJobIntervals()
    return [
        Job("members.reencrypt", every.reencrypt_s, reencrypt_job(cipher)),
        Job(
            "members.lost_contact",
            every.lost_contact_s,
            clock_job("members.lost_contact", DueKind.suspension, "member.lost_contact_due", policy),
        ),
        Job(
            "members.floating",
            every.floating_s,
            clock_job("members.floating", DueKind.transfer, "member.floating_due", policy),
        ),
        Job(
            "members.probation",
            every.probation_s,
            clock_job("members.probation", DueKind.full, "member.probation_due", policy),
        ),
        Job("members.dues_arrears", every.dues_arrears_s, dues_arrears_job(policy)),
        Job("members.rollups", every.rollups_s, rollups_job(policy)),
    ]
