"""Every row of an organization's work under its organization's county (service/counties.py), on
both databases: set when written through the API (an activity, its attendance and attachment, a
contact, a self-study record, an evaluation, a review, a course and its attendee), and moved with
the organization when a tree move takes its township into another county."""

import json
import uuid
from collections import Counter
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from services.activities.events import apply_org_event
from services.activities.models import Attendance, org_replica
from services.activities.service import counties
from services.kit.db import Database, move_rows
from services.kit.tree import child_path
from tests.activities.builders import approved, create_activity, study_member
from tests.activities.conftest import Replicas, event
from tests.activities.test_attachments import PNG, upload
from tests.activities.test_evaluations import scores
from tests.activities.test_training import course
from tests.support import CITUS_WORKERS, SuiteDatabase, Tokens, distribution, run_module


async def counties_of_rows(db: Database, *among: uuid.UUID) -> Counter[tuple[str, uuid.UUID]]:
    """How many rows of each table carrying a county lie in each county `among` those; asserts
    none is out of its organization's, its activity's or its course's county."""
    found: Counter[tuple[str, uuid.UUID]] = Counter()
    async with db.read_sessions() as session:
        for model, children in counties.BY_ORGANIZATION:
            for table in (model.__table__, *(child.__table__ for child, _ in children)):
                for (county,) in await session.execute(select(table.c.county_id).where(table.c.county_id.in_(among))):
                    found[table.name, county] += 1
        assert not any((await counties.misplaced(session)).values()), await counties.misplaced(session)
    return found


async def work_of_every_kind(client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas, tree: dict[str, str]) -> None:
    """One row of every table that carries a county, written through the API in `tree`'s township."""
    admin = tokens.headers("org_admin")
    member = await study_member(replicas, org_id=tree["branch"])
    activity = await create_activity(client, admin, org_id=tree["branch"])
    calls: list[tuple[str, dict[str, Any]]] = [
        (f"/api/v1/activities/{activity['id']}/attendance", {"records": [{"member_id": member, "status": "present"}]}),
        ("/api/v1/evaluations", {"org_id": tree["community"], "year": 2026, "scores": scores(20, 18, 18, 18, 16, 19)}),
        ("/api/v1/reviews", {"org_id": tree["branch"], "year": 2026, "grades": [{"member_id": member, "grade": "qualified"}]}),
        (
            "/api/v1/contacts",
            {"org_id": tree["branch"], "member_id": member, "kind": "random", "channel": "message", "contacted_on": "2026-05-01"},
        ),
    ]
    for path, body in calls:
        response = await client.post(path, json=body, headers=admin)
        assert response.status_code in {200, 201}, response.text
    assert (await upload(client, admin, activity["id"], PNG, "image/png")).status_code == 201
    await approved(client, admin, member, on="2026-03-04", hours="2")
    made = await client.post("/api/v1/training/courses", json=course(tree["township"]), headers=admin)
    assert made.status_code == 201, made.text
    attendees = {"attendees": [{"member_id": member}]}
    added = await client.post(f"/api/v1/training/courses/{made.json()['id']}/attendees", json=attendees, headers=admin)
    assert added.status_code == 200, added.text


async def move(replicas: Replicas, db: Database, node: str, parent: str) -> None:
    """The orgs feed's `org.moved` of `node` under `parent`."""
    async with db.read_sessions() as session:
        row = (await session.execute(select(org_replica).where(org_replica.c.id == uuid.UUID(node)))).one()
    path = child_path(replicas.paths[parent], uuid.UUID(node))
    payload = {
        **{key: str(value) if isinstance(value, uuid.UUID) else value for key, value in row._mapping.items()},
        "parent_id": parent,
        "path": path,
        "version": row.version + 1,
    }
    async with db.write_sessions() as session:
        await apply_org_event(session, event("org.moved", payload))
        await session.commit()


TABLES = ("activities", "attendance", "attachments", "contacts", "study_records", "evaluations", "reviews")
ALL_TABLES = (*TABLES, "training_courses", "training_attendees")


async def test_rows_are_written_in_their_county_and_move_with_a_township_into_another(
    activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas, activities_db: Database
) -> None:
    tree = await replicas.tree()
    county, elsewhere = uuid.UUID(tree["county"]), uuid.UUID(await replicas.org(tier="county", kind="committee"))
    await work_of_every_kind(activities_client, tokens, replicas, tree)
    # A row of the township that stays: it must not move.
    await create_activity(activities_client, tokens.headers("org_admin"), org_id=tree["other_township"])

    written = await counties_of_rows(activities_db, county, elsewhere)
    assert written == Counter({(table, county): 1 for table in ALL_TABLES}) + Counter({("activities", county): 1})

    await move(replicas, activities_db, tree["township"], str(elsewhere))

    moved = await counties_of_rows(activities_db, county, elsewhere)
    assert moved == Counter({(table, elsewhere): 1 for table in ALL_TABLES}) + Counter({("activities", county): 1})
    # The moved township's work reads as before: its activity with its attendance, its course with its attendee.
    admin = tokens.headers("org_admin")
    listed = await activities_client.get("/api/v1/activities", params={"within": tree["township"]}, headers=admin)
    assert listed.status_code == 200
    assert len(listed.json()["items"]) == 1
    sheet = await activities_client.get(f"/api/v1/activities/{listed.json()['items'][0]['id']}/attendance", headers=admin)
    assert sheet.status_code == 200, sheet.text
    assert len(sheet.json()["items"]) == 1


async def test_the_command_reports_a_row_out_of_its_county(
    activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas, activities_db: Database, test_db: SuiteDatabase
) -> None:
    """`python -m stack activities-counties` (the operator's check, as `members-rollups` is the
    members'): nothing out of place exits 0; an attendance row put in another county is reported
    by its table's name and exits 1."""
    tree = await replicas.tree()
    await work_of_every_kind(activities_client, tokens, replicas, tree)
    done = run_module(test_db, "stack", "activities-counties")
    assert done.returncode == 0, done.stdout + done.stderr
    assert set(json.loads(done.stdout)["misplaced"].values()) == {0}

    async with activities_db.write_sessions() as session:  # a copy and a delete on Citus, which keeps the county
        ours = await session.scalars(select(Attendance.activity_id).where(Attendance.county_id == uuid.UUID(tree["county"])))
        await move_rows(session, Attendance, "activity_id", list(ours), column="county_id", value=uuid.uuid4())
        await session.commit()
    broken = run_module(test_db, "stack", "activities-counties")
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert json.loads(broken.stdout)["misplaced"]["attendance"] >= 1


@pytest.mark.skipif(not CITUS_WORKERS, reason="needs a Citus cluster: make test-citus")
async def test_on_citus_the_rows_go_by_county_co_located(test_db: SuiteDatabase) -> None:
    """As `python -m stack citus-distribute` lays the schema out (stack/citus.py): every table
    carrying a county distributed by it, in one colocation group, so an activity's rows, a
    course's and an organization's are read and moved on one shard."""
    placed = await distribution(test_db, "activities")
    by_county = {f"activities.{table}" for table in ALL_TABLES}
    assert {placed.get(name) for name in by_county} == {placed["activities.activities"]}, placed
    assert placed["activities.activities"][0] == "county_id", placed
