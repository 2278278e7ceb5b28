"""The roll-ups of a deployment holding one tree (a province's own): asked for its root, the
statistics skip the organizations altogether (rollup_reads.Plan.needs_tree) and must still answer
what the rows answer. A database of its own, so that no other test's organizations lie outside
the county."""

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import exists, select

from services.kit.db import Database
from services.kit.tree import outside_subtree
from services.members.models import org_replica
from services.members.service import rollups
from tests.members.conftest import OrgReplica
from tests.members.test_rollups import OPS, answers, counting_client, drawn, members_client, seeded_world
from tests.support import SuiteDatabase, Tokens, create_test_database, drop_test_database

__all__ = ["counting_client", "members_client"]  # the fixtures, over this module's database


@pytest.fixture(scope="module")
def test_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SuiteDatabase]:
    db = create_test_database(Path(tmp_path_factory.mktemp("one-tree")))
    yield db
    drop_test_database(db)


@pytest.fixture(scope="module")
def tokens(test_db: SuiteDatabase) -> Tokens:
    return Tokens(test_db.data_dir)


@pytest.mark.timeout(900)
async def test_a_root_with_nothing_beside_it_is_counted_without_the_tree_and_answers_the_same(
    members_client: httpx.AsyncClient,
    counting_client: httpx.AsyncClient,
    tokens: Tokens,
    replica: OrgReplica,
    members_db: Database,
) -> None:
    world = await seeded_world(members_client, tokens, replica, members_db)
    tree = world.tree
    async with members_db.read_sessions() as session:
        beside = await session.scalar(select(exists().where(outside_subtree(org_replica.c.path, tree["county"]["path"]))))
    assert beside is False, "the county must be the only root here"
    for ops in drawn(OPS)[:4]:
        for op, seed in ops:
            await world.run(op, seed)
        # Within the county (the whole tree: no organization read) and within a community (read).
        served, counted = await answers(members_client, tokens, tree), await answers(counting_client, tokens, tree)
        assert [a for a, b in zip(served, counted, strict=True) if a != b] == [], ops
        assert (await rollups.repair(members_db, 1))["differing"] == 0
