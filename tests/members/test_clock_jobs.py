"""The members' scheduled clocks: a member whose clock ran out is announced as an event once per
spell, with the member's state and without the ID number or phone."""

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import select

from services.kit.db import Database
from services.kit.scheduler import Job, Scheduler
from services.members.jobs import jobs
from services.members.models import outbox, scheduler
from services.members.rules import MembersPolicy
from services.members.rules.common import months_after
from tests.builders import member_body
from tests.members.conftest import OrgReplica
from tests.support import Tokens


async def create(client: httpx.AsyncClient, tokens: Tokens, **body: Any) -> dict[str, Any]:
    response = await client.post("/api/v1/members", json=member_body(**body), headers=tokens.headers("org_admin"))
    assert response.status_code == 201, response.text
    return dict(response.json())


async def events_of(db: Database, member_id: str, type: str) -> list[dict[str, Any]]:
    async with db.read_sessions() as session:
        rows = await session.execute(
            select(outbox.c.payload)
            .where(outbox.c.aggregate_id == uuid.UUID(member_id), outbox.c.type == type)
            .order_by(outbox.c.seq)
        )
        return [row.payload for row in rows]


def job_named(name: str, policy: MembersPolicy | None = None) -> Job:
    return next(job for job in jobs(policy or MembersPolicy(), lambda: None) if job.name == name)  # type: ignore[arg-type,return-value]


async def test_lost_contact_past_the_period_is_announced_once(
    members_client: httpx.AsyncClient, members_db: Database, tokens: Tokens, replica: OrgReplica
) -> None:
    tree = await replica.tree()
    lost = await create(members_client, tokens, org_id=tree["branch"]["id"])
    recent = await create(members_client, tokens, org_id=tree["branch"]["id"])
    headers = tokens.headers("org_admin")
    for member, since in ((lost, "2026-03-10"), (recent, "2026-10-01")):
        response = await members_client.post(
            f"/api/v1/members/{member['id']}/state", json={"state": "lost_contact", "effective_on": since}, headers=headers
        )
        assert response.status_code == 200, response.text
    runner = Scheduler(service="members", db=members_db, tables=scheduler, jobs=[])
    job = job_named("members.lost_contact")

    assert await runner.run_job(job) == "ok"
    assert await runner.run_job(job) == "ok"  # idempotent: still due, not announced again

    announced = await events_of(members_db, lost["id"], "member.lost_contact_due")
    assert len(announced) == 1
    assert announced[0]["clock"] == "suspension"
    assert announced[0]["since"] == "2026-03-10"
    assert announced[0]["due_on"] == "2026-09-10"
    assert announced[0]["state"] == "lost_contact"
    assert "id_number" not in announced[0]
    assert "phone" not in announced[0]
    assert await events_of(members_db, recent["id"], "member.lost_contact_due") == []


async def test_the_period_comes_from_the_policy(
    members_client: httpx.AsyncClient, members_db: Database, tokens: Tokens, replica: OrgReplica
) -> None:
    tree = await replica.tree()
    member = await create(members_client, tokens, org_id=tree["branch"]["id"])
    response = await members_client.post(
        f"/api/v1/members/{member['id']}/state",
        json={"state": "lost_contact", "effective_on": "2026-10-01"},
        headers=tokens.headers("org_admin"),
    )
    assert response.status_code == 200
    runner = Scheduler(service="members", db=members_db, tables=scheduler, jobs=[])

    await runner.run_job(job_named("members.lost_contact", MembersPolicy(lost_contact_months_to_suspension=1)))

    assert len(await events_of(members_db, member["id"], "member.lost_contact_due")) == 1


async def test_floating_out_at_a_fixed_place_past_the_period_is_announced(
    members_client: httpx.AsyncClient, members_db: Database, tokens: Tokens, replica: OrgReplica
) -> None:
    tree = await replica.tree()
    member = await create(members_client, tokens, org_id=tree["branch"]["id"])
    response = await members_client.put(
        f"/api/v1/members/{member['id']}/whereabouts",
        json={"whereabouts": "floating_out", "since": "2026-04-20", "details": {"destination": "廣州", "fixed_place": True}},
        headers=tokens.headers("org_admin") | {"If-Match": "*"},
    )
    assert response.status_code == 200, response.text
    runner = Scheduler(service="members", db=members_db, tables=scheduler, jobs=[])

    await runner.run_job(job_named("members.floating"))

    announced = await events_of(members_db, member["id"], "member.floating_due")
    assert [(event["clock"], event["due_on"]) for event in announced] == [("transfer", "2026-10-20")]


async def test_probation_over_is_announced_once(
    members_client: httpx.AsyncClient, members_db: Database, tokens: Tokens, replica: OrgReplica
) -> None:
    tree = await replica.tree()
    today = datetime.now(UTC).date()
    over = await create(
        members_client,
        tokens,
        org_id=tree["branch"]["id"],
        party_status="probationary",
        full_on=None,
        joined_on=(today - timedelta(days=400)).isoformat(),
    )
    running = await create(
        members_client,
        tokens,
        org_id=tree["branch"]["id"],
        party_status="probationary",
        full_on=None,
        joined_on=(today - timedelta(days=100)).isoformat(),
    )
    runner = Scheduler(service="members", db=members_db, tables=scheduler, jobs=[])
    job = job_named("members.probation")

    assert await runner.run_job(job) == "ok"
    assert await runner.run_job(job) == "ok"

    announced = await events_of(members_db, over["id"], "member.probation_due")
    assert len(announced) == 1
    assert announced[0]["clock"] == "full"
    assert await events_of(members_db, running["id"], "member.probation_due") == []


async def test_an_extended_probation_is_announced_at_the_end_of_its_extension(
    members_client: httpx.AsyncClient, members_db: Database, tokens: Tokens, replica: OrgReplica
) -> None:
    tree = await replica.tree()
    today = datetime.now(UTC).date()
    members = {}
    # Joined ~13 and ~20 months ago, both extended by six months at their year: the first is still
    # on probation, the second's extension ran out about two months ago.
    for name, days in (("running", 400), ("over", 600)):
        joined_on = today - timedelta(days=days)
        member = await create(
            members_client,
            tokens,
            org_id=tree["branch"]["id"],
            party_status="probationary",
            full_on=None,
            joined_on=joined_on.isoformat(),
        )
        decided_on = (joined_on + timedelta(days=366)).isoformat()
        response = await members_client.post(
            f"/api/v1/members/{member['id']}/probation-extension",
            json={"months": 6, "decided_on": decided_on},
            headers=tokens.headers("org_admin"),
        )
        assert response.status_code == 200, response.text
        members[name] = member
    runner = Scheduler(service="members", db=members_db, tables=scheduler, jobs=[])
    job = job_named("members.probation")

    assert await runner.run_job(job) == "ok"
    assert await runner.run_job(job) == "ok"

    over = members["over"]
    announced = await events_of(members_db, over["id"], "member.probation_due")
    assert [(event["since"], event["due_on"]) for event in announced] == [
        (over["joined_on"], months_after(date.fromisoformat(over["joined_on"]), 18).isoformat())
    ]
    assert await events_of(members_db, members["running"]["id"], "member.probation_due") == []


async def test_dues_in_arrears_are_announced_once_per_paid_through_month(
    members_client: httpx.AsyncClient, members_db: Database, tokens: Tokens, replica: OrgReplica
) -> None:
    tree = await replica.tree()
    today = datetime.now(UTC).date()
    # Joined long ago and never paid: in arrears; joined two months ago: not yet.
    behind = await create(members_client, tokens, org_id=tree["branch"]["id"])
    newcomer = await create(
        members_client,
        tokens,
        org_id=tree["branch"]["id"],
        party_status="probationary",
        full_on=None,
        joined_on=(today - timedelta(days=60)).isoformat(),
    )
    runner = Scheduler(service="members", db=members_db, tables=scheduler, jobs=[])
    job = job_named("members.dues_arrears")

    assert await runner.run_job(job) == "ok"
    assert await runner.run_job(job) == "ok"

    announced = await events_of(members_db, behind["id"], "member.dues_arrears")
    assert len(announced) == 1
    assert announced[0]["paid_through"] is None
    assert announced[0]["months_unpaid"] >= 6
    assert "id_number" not in announced[0]
    assert await events_of(members_db, newcomer["id"], "member.dues_arrears") == []
