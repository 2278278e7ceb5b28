"""The roll-ups over records spread across a Citus cluster's workers (`make test-citus` only), in
the layout the province benchmark measures (`tests.support.distribute_records_by_id`): the records
distributed by id, the org replica a reference table, every other table local to the coordinator.
The repair command recounts from the distributed table, the writes' deltas must keep the roll-ups
equal to that recount, and the statistics read from them must answer what the rows answer. A
database of its own.

Citus cannot distribute a query with GROUPING SETS over a distributed table, nor join a UNION
ALL of its rows to the tree: on a Citus coordinator (`kit.db.is_citus`) the recount reads the
records in a MATERIALIZED CTE and groups them there (`rollups._grouping_sets_sql`), and the
statistics read the cut months' rows behind OFFSET 0 (`rollup_reads.rows_subquery`).

Only today's figures are asked: a past date's correction joins the history (`member_events`,
local to the coordinator here) to the records laterally, which Citus refuses. That waits for the
history to be distributed with the records (their county, docs/scaling.md).
"""

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from services.kit.db import Database, is_citus
from services.members.service import rollups
from tests.members.conftest import OrgReplica
from tests.members.test_rollups import QUERIES, TODAY, counting_client, members_client, seeded_world
from tests.support import CITUS_WORKERS, SuiteDatabase, Tokens, distribute_records_by_id, laid_out_test_database

__all__ = ["counting_client", "members_client"]  # the fixtures, over this module's database

pytestmark = pytest.mark.skipif(not CITUS_WORKERS, reason="needs a Citus cluster: make test-citus")

# Writes with no date of their own: facts as of today (see above).
TODAYS_WRITES = ["create", "import", "patch", "fold", "create", "import", "patch", "create"]


@pytest.fixture(scope="module")
def test_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SuiteDatabase]:
    with laid_out_test_database(tmp_path_factory.mktemp("distributed"), distribute_records_by_id) as db:
        yield db


@pytest.fixture(scope="module")
def tokens(test_db: SuiteDatabase) -> Tokens:
    return Tokens(test_db.data_dir)


async def todays_answers(client: httpx.AsyncClient, tokens: Tokens, tree: dict[str, Any]) -> list[tuple[dict[str, Any], Any]]:
    found = []
    for query in QUERIES:
        for within in ("county", "community"):
            params = query | {"within": tree[within]["id"], "as_of": TODAY.isoformat()}
            response = await client.get("/api/v1/members/stats", params=params, headers=tokens.headers("org_admin"))
            assert response.status_code == 200, response.text
            found.append((params, response.json()))
    return found


@pytest.mark.timeout(900)
async def test_roll_ups_over_distributed_records_are_recounted_kept_and_read_as_the_rows_answer(
    members_client: httpx.AsyncClient,
    counting_client: httpx.AsyncClient,
    tokens: Tokens,
    replica: OrgReplica,
    members_db: Database,
) -> None:
    async with members_db.read_sessions() as session:
        assert await is_citus(session)  # so the recount and the reads take their Citus forms
    world = await seeded_world(members_client, tokens, replica, members_db)
    built = await rollups.repair(members_db, 1)
    assert built["organizations"] > 0, built
    assert built["rows"] > 0, built
    for step, op in enumerate(TODAYS_WRITES):
        await world.run(op, step)
    served = await todays_answers(members_client, tokens, world.tree)
    counted = await todays_answers(counting_client, tokens, world.tree)
    assert [a for a, b in zip(served, counted, strict=True) if a != b] == []
    assert served[0][1]["total"] > 6, served[0]  # the seeded members and the writes' all counted
    # The writes' deltas, folded or not, against a recount of the distributed rows.
    again = await rollups.repair(members_db, 1)
    assert again["checked"] == 1, again
    assert again["differing"] == 0, again
