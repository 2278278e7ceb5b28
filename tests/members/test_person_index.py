"""The person index (service/person_index.py), on both databases: a record enters it when created or
imported, leaves it when closed (deceased, left, transferred out), its county follows a transfer;
a closed person may be filed again; what is written past it (or damaged) is what the repair
command reports."""

import asyncio
import uuid
from typing import Any

import httpx
from sqlalchemy import delete, insert, select

from services.kit.db import Database
from services.members.models import Member, PersonIndex
from services.members.service import person_index
from tests.builders import member_body
from tests.members.conftest import OrgReplica
from tests.members.test_counties import repair_command
from tests.members.test_tabular import csv_file, row_of, upload
from tests.members.test_transfers import post, requested
from tests.support import SuiteDatabase, Tokens


async def create(client: httpx.AsyncClient, tokens: Tokens, body: dict[str, Any]) -> httpx.Response:
    return await client.post("/api/v1/members", json=body, headers=tokens.headers("org_admin"))


async def held(db: Database, member_id: str) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """The person index's rows of this record: (its id, its county)."""
    async with db.read_sessions() as session:
        stmt = select(PersonIndex.member_id, PersonIndex.county_id).where(PersonIndex.member_id == uuid.UUID(member_id))
        return [(row.member_id, row.county_id) for row in await session.execute(stmt)]


async def county_of(db: Database, member_id: str) -> uuid.UUID:
    async with db.read_sessions() as session:
        county = await session.scalar(select(Member.county_id).where(Member.id == uuid.UUID(member_id)))
    assert county is not None
    return county


async def transferred(client: httpx.AsyncClient, tokens: Tokens, **body: Any) -> None:
    """A transfer requested, approved and received."""
    transfer = await requested(client, tokens, **body)
    await post(client, tokens, f"/api/v1/transfers/{transfer['id']}/approve", {"decided_on": "2026-11-02", "letter_number": "L"})
    received = await post(client, tokens, f"/api/v1/transfers/{transfer['id']}/receive", {"received_on": "2026-11-10"})
    assert received.status_code == 200, received.text


async def no_differences(db: Database) -> bool:
    async with db.read_sessions() as session:
        return await person_index.differences(session) == {"missing": 0, "stale": 0}


async def test_a_closed_record_leaves_the_index_and_the_person_may_be_filed_again(
    members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica, members_db: Database
) -> None:
    tree = await replica.tree()
    body = member_body(org_id=tree["branch"]["id"])
    first = (await create(members_client, tokens, body)).json()
    assert await held(members_db, first["id"]) == [(uuid.UUID(first["id"]), await county_of(members_db, first["id"]))]
    assert (await create(members_client, tokens, body)).status_code == 409

    change = {"state": "deceased", "effective_on": "2026-11-01", "reason": "病故"}
    response = await members_client.post(f"/api/v1/members/{first['id']}/state", json=change, headers=tokens.headers("org_admin"))
    assert response.status_code == 200, response.text
    assert await held(members_db, first["id"]) == []

    again = await create(members_client, tokens, body)
    assert again.status_code == 201, again.text
    assert [row[0] for row in await held(members_db, again.json()["id"])] == [uuid.UUID(again.json()["id"])]
    assert await no_differences(members_db)


async def test_a_received_transfer_out_leaves_the_index_and_a_transfer_into_another_county_moves_its_row(
    members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica, members_db: Database
) -> None:
    tree = await replica.tree()
    leaving = (await create(members_client, tokens, member_body(org_id=tree["branch"]["id"]))).json()
    await transferred(members_client, tokens, member_id=leaving["id"], kind="out", external_org="外縣某支部")
    assert await held(members_db, leaving["id"]) == []

    # Into a second county's organization: the record, and its row in the index, move there.
    other = await replica.tree()
    elsewhere = uuid.UUID(other["county"]["id"])
    moving = (await create(members_client, tokens, member_body(org_id=tree["branch"]["id"]))).json()
    await transferred(members_client, tokens, member_id=moving["id"], kind="within", to_org_id=other["small"]["id"])
    assert await county_of(members_db, moving["id"]) == elsewhere
    assert await held(members_db, moving["id"]) == [(uuid.UUID(moving["id"]), elsewhere)]
    assert await no_differences(members_db)


async def test_an_import_enters_its_records_and_one_refused_enters_none(
    members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica, members_db: Database
) -> None:
    tree = await replica.tree()
    bodies = [member_body(org_id=tree["branch"]["id"]) for _ in range(3)]
    taken = (await create(members_client, tokens, member_body(org_id=tree["small"]["id"]))).json()
    clash = member_body(org_id=tree["branch"]["id"]) | {
        k: taken[k] for k in ("id_number", "birth_date", "sex", "joined_on", "full_on")
    }

    refused = await upload(members_client, tokens, csv_file([row_of(b) for b in [*bodies, clash]]), "csv")
    assert refused.status_code == 422, refused.text
    assert await no_differences(members_db)

    imported = await upload(members_client, tokens, csv_file([row_of(b) for b in bodies]), "csv")
    assert imported.status_code == 200, imported.text
    async with members_db.read_sessions() as session:
        ids = set(await session.scalars(select(Member.id).where(Member.org_id == uuid.UUID(tree["branch"]["id"]))))
        entered = set(await session.scalars(select(PersonIndex.member_id).where(PersonIndex.member_id.in_(ids))))
    assert len(ids) == 3
    assert entered == ids
    assert await no_differences(members_db)


async def test_the_repair_command_reports_a_row_without_its_record(
    members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica, members_db: Database, test_db: SuiteDatabase
) -> None:
    tree = await replica.tree()
    await create(members_client, tokens, member_body(org_id=tree["branch"]["id"]))
    assert (await asyncio.to_thread(repair_command, test_db))[1]["person_index"] == {"missing": 0, "stale": 0}
    stray = {"id_number_index": uuid.uuid4().hex, "member_id": uuid.uuid4(), "county_id": uuid.uuid4()}
    async with members_db.write_sessions() as session:
        await session.execute(insert(PersonIndex).values(**stray))
        await session.commit()
    try:
        code, report = await asyncio.to_thread(repair_command, test_db)
        assert (code, report["person_index"]) == (1, {"missing": 0, "stale": 1}), report
    finally:
        async with members_db.write_sessions() as session:
            await session.execute(delete(PersonIndex).where(PersonIndex.id_number_index == stray["id_number_index"]))
            await session.commit()
