"""Records and their history distributed by county on a Citus cluster (`make test-citus` only),
as `python -m stack citus-distribute` lays them out (stack/citus.py, docs/scaling.md):
`members.members`, `member_events` and the work on the records by `county_id`, co-located, the
person index by the ID number's keyed hash, the org replica a reference table. A database of its own, filled by writes
of every kind.

With the history on its record's shard, a past day's statistics work on the cluster (the
correction joins each changed record to its own events on the county too, service/facts.py).
Writes move records between counties as Citus allows, by copying the rows into the new county
and deleting them from the old (service/counties.py): a transfer, a merge into another county's
organization. After a mix of writes the statistics and the survey, today and on a past day,
answer what a row-counting app answers, every record and its history are in their county, and
the roll-ups equal a recount.
"""

import random
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from services.kit.db import Database
from services.members.models import Member
from services.members.service import counties, person_index, rollups
from tests.builders import member_body
from tests.members.conftest import OrgReplica
from tests.members.test_rollups import TODAY, answers, counting_client, members_client, seeded_world
from tests.support import (
    CITUS_WORKERS,
    SuiteDatabase,
    Tokens,
    distribute_records_by_county,
    distribution,
    laid_out_test_database,
)

__all__ = ["counting_client", "members_client"]  # the fixtures, over this module's database

pytestmark = pytest.mark.skipif(not CITUS_WORKERS, reason="needs a Citus cluster: make test-citus")

# Back-dated changes, transfers within and out of the county, a merge, imports, folds.
WRITES = ["create", "state", "transfer", "import", "whereabouts", "full", "transfer", "merge", "patch"]
WRITES += ["discipline", "fold", "transfer", "state", "import", "transfer", "create", "fold", "transfer"]


# After the past day the reports are asked for (the correction of that day's figures reads
# these members' histories on their new shard), within an introduction letter's validity.
RECEIVED = (TODAY - timedelta(days=10)).isoformat()


@pytest.fixture(scope="module")
def test_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SuiteDatabase]:
    with laid_out_test_database(tmp_path_factory.mktemp("by_county"), distribute_records_by_county) as db:
        yield db


@pytest.fixture(scope="module")
def tokens(test_db: SuiteDatabase) -> Tokens:
    return Tokens(test_db.data_dir)


async def nowhere(*_: Any) -> None:
    return None


@pytest.mark.timeout(900)
async def test_records_and_history_by_county_answer_every_day_as_the_rows_do(
    members_client: httpx.AsyncClient,
    counting_client: httpx.AsyncClient,
    tokens: Tokens,
    replica: OrgReplica,
    members_db: Database,
    test_db: SuiteDatabase,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    placed = await distribution(test_db, "members")
    with_the_record = [f"members.{model.__table__.name}" for model, _ in counties.WITH_THE_RECORD]
    assert {placed[name] for name in with_the_record} == {placed["members.members"]}, placed  # by county, co-located
    assert placed["members.members"][0] == "county_id", placed
    assert placed["members.person_index"][0] == "id_number_index", placed
    # One open application per person is a unique index on the hash alone, which no person index
    # holds for applications: the table stays local with it.
    assert "members.applications" not in placed, placed
    async with members_db.read_sessions() as session:
        assert await counties.by_county(session)  # so moves copy rows and reads name the county
    world = await seeded_world(members_client, tokens, replica, members_db)
    second = await replica.tree()
    elsewhere, elsewhere_county = second["branch"], uuid.UUID(second["county"]["id"])
    world.tree["elsewhere"] = elsewhere  # a transfer's target in a second county
    assert (await rollups.repair(members_db, 1))["organizations"] > 0
    for step, op in enumerate(WRITES):
        await world.run(op, step)
        if op == "transfer":  # and one surely received in the second county, back-dated
            await world.transfer(world.members[step % len(world.members)], random.Random(step), RECEIVED, to=elsewhere)
    async with members_db.read_sessions() as session:
        assert not any((await counties.misplaced(session)).values())
        assert await person_index.differences(session) == {"missing": 0, "stale": 0}
        in_second = await session.scalar(select(func.count()).where(Member.county_id == elsewhere_county))
    assert in_second, "no record was transferred into the second county"
    served, counted = await answers(members_client, tokens, world.tree), await answers(counting_client, tokens, world.tree)
    assert [a for a, b in zip(served, counted, strict=True) if a != b] == []
    # Both apps named the county of a county's subtree (counties.on_one_shard), for Citus to read
    # one shard: the same figures without it, from every shard.
    async with members_db.read_sessions() as session:
        assert await counties.on_one_shard(session, [uuid.UUID(world.tree["county"]["id"])]) is not None
    monkeypatch.setattr(counties, "on_one_shard", nowhere)
    assert await answers(counting_client, tokens, world.tree) == counted
    again = await rollups.repair(members_db, 1)
    assert (again["checked"], again["differing"]) == (1, 0), again


async def test_one_open_record_per_person_is_kept_by_the_person_index(
    members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The records' own unique index is gone here (Citus cannot keep it on records distributed by
    county): the person index's key refuses the second living record, even when two requests
    both looked before either wrote."""
    tree, second = await replica.tree(), await replica.tree()
    body = member_body(org_id=tree["branch"]["id"])
    assert (await members_client.post("/api/v1/members", json=body, headers=tokens.headers())).status_code == 201
    monkeypatch.setattr(person_index, "open_record", nowhere)  # as if both had checked at once
    again = body | {"org_id": second["branch"]["id"]}  # in another county: another shard of the records
    refused = await members_client.post("/api/v1/members", json=again, headers=tokens.headers())
    assert refused.status_code == 409, refused.text
    assert refused.json()["type"] == "/problems/duplicate-id-number"
