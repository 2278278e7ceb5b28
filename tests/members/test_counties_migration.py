"""The migration that gives records and their history a county converts a filled database (both
databases): every row kept, each record in its organization's county (the deepest county-tier
organization on its path), its history with it, the replica's own counties set, the indexes
intact; and back. The person index's migration after it fills the index from the open records;
the next gives the work on the records their record's county, applications their organization's."""

import asyncio
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import insert, select, text, update
from sqlalchemy.exc import IntegrityError

from services.kit.db import Database
from services.kit.tree import child_path
from services.members.models import (
    Application,
    Commendation,
    Member,
    MemberEventRow,
    PersonIndex,
    member_rollup_deltas,
    org_replica,
)
from tests.support import SuiteDatabase, run_alembic, unmigrated_database

BEFORE = "rollups_0002"


@pytest.fixture
def own_db(tmp_path: Path, test_db: SuiteDatabase) -> Iterator[SuiteDatabase]:
    with unmigrated_database(tmp_path, test_db.admin_url, "members") as db:
        yield db


# Only the columns the old schema has (no county): SQLAlchemy renders the given ones.
OLD_REPLICA = [c for c in org_replica.c if c.name != "county_id"]


async def _fill(url: str) -> dict[str, uuid.UUID]:
    """A province stored at the county tier, a city and a county under it, a township and a branch
    in the county; a member in the branch, one in the city's own organs; two events each."""
    nodes: dict[str, uuid.UUID] = {}
    paths: dict[str, str] = {}
    parent = None
    for label, tier in (
        ("province", "county"),
        ("city", "county"),
        ("county", "county"),
        ("township", "township"),
        ("branch", "inner"),
    ):
        node = uuid.uuid4()
        paths[label] = child_path(paths[parent] if parent else None, node)
        nodes[label] = node
        values = {"id": node, "parent_id": nodes[parent] if parent else None, "path": paths[label], "version": 1}
        values |= {"name": label, "code": None, "kind": "committee", "tier": tier, "status": "active"}
        values |= {"community_id": None, "setting": None, "merged_into_id": None}
        db = Database(url, "members")
        async with db.write_sessions() as session:
            await session.execute(insert(org_replica).values(**values))
            await session.commit()
        await db.dispose()
        parent = label
    db = Database(url, "members")
    async with db.write_sessions() as session:
        for n, org in enumerate(("branch", "city")):
            member = uuid.uuid4()
            nodes[f"member_in_{org}"] = member
            day = date(2020, 1, 1)
            await session.execute(
                insert(Member.__table__).values(  # type: ignore[arg-type]
                    id=member,
                    name=f"黨員{n}",
                    org_id=nodes[org],
                    sex="male",
                    id_number_cipher=b"x",
                    id_number_index=uuid.uuid4().hex,
                    birth_date=date(1980, 1, 1),
                    education="junior_high",
                    occupation="farmer",
                    party_status="full",
                    joined_on=day,
                    state="normal",
                    state_since=day,
                    whereabouts="resident",
                    whereabouts_details={},
                    care_programs=[],
                    version=1,
                    created_at=datetime.now(UTC),
                    updated_at=datetime.now(UTC),
                )
            )
            for seq in (1, 2):
                await session.execute(
                    insert(MemberEventRow.__table__).values(  # type: ignore[arg-type]
                        member_id=member,
                        seq=seq,
                        kind="joined" if seq == 1 else "became_full",
                        effective_on=day,
                        details={},
                        actor=None,
                        recorded_at=datetime.now(UTC),
                    )
                )
            # The work on the record: a commendation (its county: the record's) and a pending delta.
            commendation = {"id": uuid.uuid4(), "member_id": member, "kind": "excellent_member", "awarded_on": day}
            await session.execute(
                insert(Commendation.__table__).values(**commendation, title=None, awarded_by="縣委", created_at=datetime.now(UTC))  # type: ignore[arg-type]
            )
            facts = {"birth_date": date(1980, 1, 1), "joined_on": day, "education": "junior_high", "occupation": "farmer"}
            facts |= {"sex": "male", "state": "normal", "party_status": "full", "whereabouts": "resident"}
            await session.execute(insert(member_rollup_deltas).values(member_id=member, org_id=nodes[org], weight=1, **facts))
        # An application in the branch (its county: its organization's).
        applicant = {"id": uuid.uuid4(), "org_id": nodes["branch"], "stage": "applicant", "name": "申請人", "sex": "female"}
        applicant |= {"id_number_cipher": b"x", "id_number_index": uuid.uuid4().hex, "birth_date": date(1995, 1, 1)}
        applicant |= {"education": "bachelor", "occupation": "farmer", "applied_on": date(2024, 1, 1), "contact_ids": []}
        applicant |= {"introducer_ids": [], "training": {}, "extension_months": 0, "version": 1, "created_at": datetime.now(UTC)}
        nodes["application"] = applicant["id"]
        await session.execute(insert(Application.__table__).values(**applicant))  # type: ignore[arg-type]
        await session.commit()
    await db.dispose()
    return nodes


async def _work(url: str) -> dict[str, dict[uuid.UUID, uuid.UUID]]:
    """The county of each commendation and pending delta by its member, of each application by its id."""
    db = Database(url, "members")
    async with db.read_sessions() as session:
        found = {
            "commendations": dict((await session.execute(select(Commendation.member_id, Commendation.county_id))).all()),
            "deltas": dict(
                (await session.execute(select(member_rollup_deltas.c.member_id, member_rollup_deltas.c.county_id))).all()
            ),
            "applications": dict((await session.execute(select(Application.id, Application.county_id))).all()),
        }
    await db.dispose()
    return found


async def _read(url: str) -> tuple[dict[uuid.UUID, uuid.UUID], dict[uuid.UUID, set[uuid.UUID]], dict[uuid.UUID, uuid.UUID]]:
    db = Database(url, "members")
    async with db.read_sessions() as session:
        records = dict((await session.execute(select(Member.id, Member.county_id))).all())
        history: dict[uuid.UUID, set[uuid.UUID]] = {}
        for member_id, county in await session.execute(select(MemberEventRow.member_id, MemberEventRow.county_id)):
            history.setdefault(member_id, set()).add(county)
        nodes = dict((await session.execute(select(org_replica.c.id, org_replica.c.county_id))).all())
    await db.dispose()
    return records, history, nodes


async def _close(url: str, member_id: uuid.UUID) -> None:
    db = Database(url, "members")
    async with db.write_sessions() as session:
        await session.execute(update(Member.__table__).where(Member.__table__.c.id == member_id).values(state="deceased"))  # type: ignore[arg-type]
        await session.commit()
    await db.dispose()


async def _persons(url: str) -> list[tuple[uuid.UUID, uuid.UUID]]:
    db = Database(url, "members")
    async with db.read_sessions() as session:
        rows = [
            (row.member_id, row.county_id) for row in await session.execute(select(PersonIndex.member_id, PersonIndex.county_id))
        ]
    await db.dispose()
    return rows


async def _counts(url: str) -> tuple[int, int]:
    db = Database(url, "members")
    async with db.read_sessions() as session:
        counts = (
            await session.scalar(text("SELECT count(*) FROM members.members")),
            await session.scalar(text("SELECT count(*) FROM members.member_events")),
        )
    await db.dispose()
    return counts  # type: ignore[return-value]


def test_the_migration_gives_a_filled_database_its_counties_and_goes_back(own_db: SuiteDatabase) -> None:
    url = own_db.urls["members"]
    run_alembic(own_db, "members", "upgrade", BEFORE)
    nodes = asyncio.run(_fill(url))
    assert asyncio.run(_counts(url)) == (2, 4)

    asyncio.run(_close(url, nodes["member_in_city"]))
    run_alembic(own_db, "members", "upgrade", "head")
    records, history, replica = asyncio.run(_read(url))
    assert replica == {
        nodes["province"]: nodes["province"],
        nodes["city"]: nodes["city"],
        nodes["county"]: nodes["county"],
        nodes["township"]: nodes["county"],
        nodes["branch"]: nodes["county"],
    }
    assert records == {nodes["member_in_branch"]: nodes["county"], nodes["member_in_city"]: nodes["city"]}
    assert history == {member: {county} for member, county in records.items()}
    # The work on the records with the records, the application with its organization.
    assert asyncio.run(_work(url)) == {
        "commendations": records,
        "deltas": records,
        "applications": {nodes["application"]: nodes["county"]},
    }
    # The person index holds the open record alone (the city's member has died).
    assert asyncio.run(_persons(url)) == [(nodes["member_in_branch"], nodes["county"])]

    # The open-record uniqueness survived the table's rebuild (SQLite): a second living record
    # of the same person is refused.
    async def duplicate() -> None:
        db = Database(url, "members")
        try:
            async with db.write_sessions() as session:
                living = select(Member.__table__).where(Member.__table__.c.state == "normal")
                row = (await session.execute(living)).mappings().one()
                index = row["id_number_index"]
                await session.execute(insert(Member.__table__).values({**row, "id": uuid.uuid4(), "id_number_index": index}))  # type: ignore[arg-type]
                await session.commit()
        finally:
            await db.dispose()

    with pytest.raises(IntegrityError):
        asyncio.run(duplicate())

    run_alembic(own_db, "members", "downgrade", BEFORE)
    assert asyncio.run(_counts(url)) == (2, 4)
    run_alembic(own_db, "members", "upgrade", "head")
    assert asyncio.run(_read(url))[0] == records
