"""The orgs' scheduled term clock: an overdue term is announced once as `term.overdue`."""

import uuid

import httpx
from sqlalchemy import select

from services.kit.db import Database
from services.kit.scheduler import Scheduler
from services.orgs.jobs import jobs
from services.orgs.models import outbox, scheduler
from services.orgs.rules import OrgsPolicy
from tests.orgs.builders import add_term, create_org
from tests.support import SuiteDatabase, Tokens


async def test_an_overdue_term_is_announced_once(orgs_api: httpx.AsyncClient, tokens: Tokens, test_db: SuiteDatabase) -> None:
    headers = tokens.headers("org_admin")
    county = await create_org(orgs_api, headers, tier="county")
    township = await create_org(orgs_api, headers, tier="township", parent_id=county["id"])
    party_org = await create_org(orgs_api, headers, tier="community", kind="general_branch", parent_id=township["id"])
    term = await add_term(orgs_api, headers, org_id=party_org["id"], started_on="2021-06-01")
    assert term.status_code == 201, term.text
    db = Database(test_db.urls["orgs"], "orgs")
    runner = Scheduler(service="orgs", db=db, tables=scheduler, jobs=[])
    (job,) = jobs(OrgsPolicy())
    try:
        assert await runner.run_job(job) == "ok"
        assert await runner.run_job(job) == "ok"
        async with db.read_sessions() as session:
            rows = (
                await session.execute(
                    select(outbox.c.type, outbox.c.payload).where(outbox.c.aggregate_id == uuid.UUID(term.json()["id"]))
                )
            ).all()
    finally:
        await db.dispose()
    announced = [(row.type, row.payload) for row in rows if row.type.startswith("term.") and row.type != "term.created"]
    assert [type for type, _ in announced] == ["term.overdue"]
    payload = announced[0][1]
    assert payload["org_id"] == party_org["id"]
    assert payload["due"] == "overdue"
    assert payload["days_left"] < 0


async def test_a_community_bodys_overdue_term_is_announced_too(
    orgs_api: httpx.AsyncClient, tokens: Tokens, test_db: SuiteDatabase
) -> None:
    headers = tokens.headers("org_admin")
    county = await create_org(orgs_api, headers, tier="county")
    township = await create_org(orgs_api, headers, tier="township", parent_id=county["id"])
    community = await orgs_api.post(
        "/api/v1/communities", json={"name": "丙社區", "township_org_id": township["id"]}, headers=headers
    )
    body = await orgs_api.post(
        f"/api/v1/communities/{community.json()['id']}/bodies",
        json={"kind": "collective_economic_organization", "term_number": 1, "started_on": "2021-03-20"},
        headers=headers,
    )
    assert body.status_code == 201, body.text
    db = Database(test_db.urls["orgs"], "orgs")
    runner = Scheduler(service="orgs", db=db, tables=scheduler, jobs=[])
    (job,) = jobs(OrgsPolicy())
    try:
        assert await runner.run_job(job) == "ok"
        async with db.read_sessions() as session:
            rows = (
                await session.execute(
                    select(outbox.c.type, outbox.c.payload).where(outbox.c.aggregate_id == uuid.UUID(body.json()["id"]))
                )
            ).all()
    finally:
        await db.dispose()
    announced = [row for row in rows if row.type.startswith("term.")]
    assert [row.type for row in announced] == ["term.overdue"]
    payload = announced[0].payload
    assert (payload["body"], payload["community_id"], payload["org_id"]) == (
        "collective_economic_organization",
        community.json()["id"],
        township["id"],
    )
