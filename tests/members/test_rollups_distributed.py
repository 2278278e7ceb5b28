"""The roll-ups over records spread across a Citus cluster's workers (`make test-citus` only), in
the layout the province benchmark measures (`tests.support.distribute_records_by_id`): the records
distributed by id, the org replica a reference table, every other table local to the coordinator.
The repair command recounts from the distributed table, and the writes' deltas must keep the
roll-ups equal to that recount. A database of its own.

Citus cannot distribute a query with GROUPING SETS over a distributed table; the recount reads
the records in a MATERIALIZED CTE and groups them on the coordinator (`rollups._grouping_sets_sql`).

Not asked here: the statistics read from the roll-ups on this layout. Their cut months' rows
(`rollup_reads.rows_subquery`, a UNION ALL of the records) joined to the organizations are
"complex joins" to Citus. The same rows in a MATERIALIZED CTE do plan, but cost one server 2 to
5 ms at a city and at the province of 1.4 M members (measured), against the city's 2 ms of margin
at 10 M (48 ms, target 50). A past date's correction joins the history (`member_events`, local
here) to the records laterally, which Citus refuses too. Both wait for the records' county
(docs/scaling.md).
"""

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from services.kit.db import Database
from services.members.service import rollups
from stack.citus import database_dsn
from tests.members.conftest import OrgReplica
from tests.members.test_rollups import members_client, seeded_world
from tests.support import CITUS_WORKERS, SuiteDatabase, Tokens, create_test_database, distribute_records_by_id, drop_test_database

__all__ = ["members_client"]  # the fixture, over this module's database

pytestmark = pytest.mark.skipif(not CITUS_WORKERS, reason="needs a Citus cluster: make test-citus")

# Writes with no date of their own (the history stays on the coordinator: see above).
TODAYS_WRITES = ["create", "import", "patch", "fold", "create", "import", "patch", "create"]


@pytest.fixture(scope="module")
def test_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SuiteDatabase]:
    db = create_test_database(Path(tmp_path_factory.mktemp("distributed")), citus_layout=False)
    assert db.postgres_database
    asyncio.run(distribute_records_by_id(database_dsn(db.admin_url, db.postgres_database)))
    yield db
    drop_test_database(db)


@pytest.fixture(scope="module")
def tokens(test_db: SuiteDatabase) -> Tokens:
    return Tokens(test_db.data_dir)


@pytest.mark.timeout(900)
async def test_roll_ups_over_distributed_records_are_recounted_and_kept_equal_to_the_rows(
    members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica, members_db: Database
) -> None:
    world = await seeded_world(members_client, tokens, replica, members_db)
    built = await rollups.repair(members_db, 1)
    assert built["organizations"] > 0, built
    assert built["rows"] > 0, built
    for step, op in enumerate(TODAYS_WRITES):
        await world.run(op, step)
    # The writes' deltas, folded or not, against a recount of the distributed rows.
    again = await rollups.repair(members_db, 1)
    assert again["checked"] == 1, again
    assert again["differing"] == 0, again
    assert again["rows"] > built["rows"], (built, again)
