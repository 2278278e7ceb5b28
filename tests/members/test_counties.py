"""Every record, its history and the rows of the work on it under its organization's county
(service/counties.py), on both databases, and every application under its organization's: set
when written, moved by a transfer into another county, a merge, a tree move that changes a
township's county, and by an import; computed independently here from the replica's
paths and tiers (rules/counties.py)."""

import asyncio
import json
import random
import uuid
from datetime import UTC, date, datetime
from typing import Any

import httpx
from sqlalchemy import delete, func, insert, select, update

from services.kit.db import Database
from services.kit.tree import child_path, deepest_of, path_ids
from services.members.models import Application, Member, MemberEventRow, org_replica
from services.members.rules.counties import COUNTY_TIER
from services.members.service import counties
from tests.builders import member_body
from tests.members.conftest import OrgReplica
from tests.members.test_recruitment import application_body
from tests.members.test_rollups import World
from tests.support import SuiteDatabase, Tokens, run_module


async def placements(db: Database, member_ids: list[str]) -> dict[str, tuple[uuid.UUID, set[uuid.UUID]]]:
    """Each member's expected county (from the replica's paths and tiers) and the counties its
    record and history rows are in."""
    ids = [uuid.UUID(m) for m in member_ids]
    async with db.read_sessions() as session:
        nodes = (await session.execute(select(org_replica.c.id, org_replica.c.path, org_replica.c.tier))).all()
        tiers = {node.id: node.tier for node in nodes}
        county_ids = {node_id for node_id, tier in tiers.items() if tier == COUNTY_TIER}
        expected = {node.id: deepest_of(path_ids(node.path), county_ids) for node in nodes}
        records = (await session.execute(select(Member.id, Member.org_id, Member.county_id).where(Member.id.in_(ids)))).all()
        history = (
            await session.execute(
                select(MemberEventRow.member_id, MemberEventRow.county_id).where(MemberEventRow.member_id.in_(ids))
            )
        ).all()
        assert not any((await counties.misplaced(session)).values())
    found: dict[str, tuple[uuid.UUID, set[uuid.UUID]]] = {}
    for record in records:
        found[str(record.id)] = (
            expected[record.org_id],
            {record.county_id} | {e.county_id for e in history if e.member_id == record.id},
        )
    return found


async def counties_of_rows(db: Database, member_ids: list[str], org_id: str) -> dict[tuple[str, uuid.UUID], int]:
    """How many rows of each table of the work on the records (and of the organization's
    applications) lie in each county."""
    found: dict[tuple[str, uuid.UUID], int] = {}
    ids = [uuid.UUID(member_id) for member_id in member_ids]
    async with db.read_sessions() as session:
        for model, column, keys in (
            *((model, "member_id", ids) for model, _ in counties.WITH_THE_RECORD[2:]),
            (Application, "org_id", [uuid.UUID(org_id)]),
        ):
            table = model.__table__
            counted = select(table.c.county_id, func.count()).where(table.c[column].in_(keys)).group_by(table.c.county_id)
            found |= {(table.name, county): count for county, count in await session.execute(counted)}
    return found


def all_in_place(found: dict[str, tuple[uuid.UUID, set[uuid.UUID]]]) -> bool:
    return all(actual == {want} for want, actual in found.values())


async def create(client: httpx.AsyncClient, tokens: Tokens, org: dict[str, Any]) -> str:
    response = await client.post("/api/v1/members", json=member_body(org_id=org["id"]), headers=tokens.headers("org_admin"))
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def test_records_and_their_history_follow_their_organization_into_another_county(
    members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica, members_db: Database
) -> None:
    east, west = await replica.tree(), await replica.tree()
    world = World(members_client, tokens, replica, east, members_db)
    staying = await create(members_client, tokens, east["branch"])
    moving = await create(members_client, tokens, east["branch"])
    merged = await create(members_client, tokens, east["small"])
    await world.import_rows([member_body(org_id=west["small"]["id"])])
    imported = await members_client.get(
        "/api/v1/members", params={"within": west["small"]["id"]}, headers=tokens.headers("org_admin")
    )
    members = [staying, moving, merged, imported.json()["items"][0]["id"]]
    found = await placements(members_db, members)
    assert all_in_place(found), found
    assert found[staying][0] == uuid.UUID(east["county"]["id"])
    assert found[members[3]][0] == uuid.UUID(west["county"]["id"])

    # Rows of the work on the record and an application in the branch, before anything moves.
    admin = tokens.headers("org_admin")
    for path, body in (
        (
            f"/api/v1/members/{moving}/commendations",
            {"kind": "excellent_member", "awarded_on": "2026-07-01", "awarded_by": "街道黨工委"},
        ),
        (
            f"/api/v1/members/{staying}/commendations",
            {"kind": "excellent_member", "awarded_on": "2026-07-01", "awarded_by": "街道黨工委"},
        ),
        ("/api/v1/recruitment/applications", application_body(east["branch"]["id"])),
    ):
        assert (await members_client.post(path, json=body, headers=admin)).status_code == 201, path
    dues = await members_client.put(f"/api/v1/dues/{moving}/2026-06", json={"category": "farmer"}, headers=admin)
    assert dues.status_code == 201, dues.text
    east_county = uuid.UUID(east["county"]["id"])
    assert await counties_of_rows(members_db, members, east["branch"]["id"]) == {
        ("member_commendations", east_county): 2,
        ("dues", east_county): 1,
        ("applications", east_county): 1,
    }

    # A transfer received in another county: the record, all its history and its rows move there.
    await world.transfer(moving, random.Random(1), "2026-11-02", to=west["branch"])
    found = await placements(members_db, members)
    assert found[moving][0] == uuid.UUID(west["county"]["id"]), "the transfer was not received"
    assert all_in_place(found), found
    west_county = uuid.UUID(west["county"]["id"])
    moved = await counties_of_rows(members_db, members, east["branch"]["id"])
    assert moved[("member_commendations", west_county)] == moved[("dues", west_county)] == moved[("transfers", west_county)] == 1

    # The orgs feed merges east's small community into west's: its members are re-homed there.
    await replica.change(east["small"], "org.merged", status="merged", merged_into_id=west["small"]["id"])
    found = await placements(members_db, members)
    assert found[merged][0] == uuid.UUID(west["county"]["id"])
    assert all_in_place(found), found

    # East's township moves under west's county: every record below it changes county.
    township = east["township"]
    await replica.change(
        township, "org.moved", parent_id=west["county"]["id"], path=child_path(west["county"]["path"], uuid.UUID(township["id"]))
    )
    found = await placements(members_db, members)
    assert found[staying][0] == uuid.UUID(west["county"]["id"])
    assert all_in_place(found), found
    # The application follows its organization; the staying record's commendation follows the record.
    assert await counties_of_rows(members_db, members, east["branch"]["id"]) == {
        ("member_commendations", west_county): 2,
        ("dues", west_county): 1,
        ("transfers", west_county): 1,
        ("applications", west_county): 1,
    }
    async with members_db.read_sessions() as session:
        below = select(org_replica.c.county_id).where(org_replica.c.id == uuid.UUID(east["branch"]["id"]))
        assert await session.scalar(below) == uuid.UUID(west["county"]["id"])


async def test_a_subtree_is_in_one_county_unless_a_county_lies_below_its_root(replica: OrgReplica, members_db: Database) -> None:
    tree = await replica.tree()
    province = await replica.add(tier="county")  # a benchmark's province and city: stored at the county tier
    city = await replica.add(tier="county", parent=province)
    county = uuid.UUID(tree["county"]["id"])
    async with members_db.read_sessions() as session:
        assert await counties.of_subtree(session, [uuid.UUID(tree["township"]["id"])]) == county
        assert await counties.of_subtree(session, [county]) == county
        # A caller's scope and a `within` below it: the deeper decides.
        assert await counties.of_subtree(session, [county, uuid.UUID(tree["branch"]["id"])]) == county
        assert await counties.of_subtree(session, [uuid.UUID(city["id"])]) == uuid.UUID(city["id"])
        assert await counties.of_subtree(session, [uuid.UUID(province["id"])]) is None  # the city lies below
        assert await counties.of_subtree(session, [None]) is None
        assert await counties.of_subtree(session, [uuid.uuid4()]) is None  # not in the replica
        # One server gains nothing from naming the county: only a Citus coordinator laid out by county is told it.
        assert await counties.on_one_shard(session, [county]) == (county if await counties.by_county(session) else None)


def repair_command(test_db: SuiteDatabase) -> tuple[int, dict[str, Any]]:
    done = run_module(test_db, "stack", "members-rollups")
    return done.returncode, json.loads(done.stdout.strip().splitlines()[-1])


async def test_the_repair_command_reports_a_record_out_of_its_county(
    members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica, members_db: Database, test_db: SuiteDatabase
) -> None:
    tree = await replica.tree()
    member = uuid.UUID(await create(members_client, tokens, tree["branch"]))
    assert not any((await asyncio.to_thread(repair_command, test_db))[1]["misplaced"].values())
    # Damaged as a lost update would leave it (a county column is not updated in place on Citus,
    # so the damage is done beside the rows): the branch's county changed in the replica alone,
    # and a history row of the record written into another county.
    branch, county, elsewhere = (uuid.UUID(tree[label]["id"]) for label in ("branch", "county", "township"))
    stray = {"member_id": member, "county_id": elsewhere, "seq": 99, "kind": "joined", "effective_on": date(2020, 1, 1)}
    async with members_db.write_sessions() as session:
        await session.execute(update(org_replica).where(org_replica.c.id == branch).values(county_id=elsewhere))
        await session.execute(insert(MemberEventRow).values(**stray, details={}, actor=None, recorded_at=datetime.now(UTC)))
        await session.commit()
    try:
        code, report = await asyncio.to_thread(repair_command, test_db)
        # The record is out of its organization's county now; its own history (joined, became full)
        # is with it, the stray row is not.
        out_of_place = {name: count for name, count in report["misplaced"].items() if count}
        assert (code, out_of_place) == (1, {"records": 1, "history": 1}), report
    finally:
        async with members_db.write_sessions() as session:
            await session.execute(update(org_replica).where(org_replica.c.id == branch).values(county_id=county))
            await session.execute(delete(MemberEventRow).where(MemberEventRow.member_id == member, MemberEventRow.seq == 99))
            await session.commit()
    assert not any((await asyncio.to_thread(repair_command, test_db))[1]["misplaced"].values())
