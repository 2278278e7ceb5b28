"""Roll-ups (service/rollups.py, rollup_reads.py): random sequences of writes leave them equal to a
recount from the rows, and the statistics read from them answer what the rows answer."""

import csv
import io
import random
import uuid
from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from services.kit.db import Database
from services.members.app import create_app
from services.members.models import member_rollup_deltas, member_rollups
from services.members.rules import MembersPolicy
from services.members.service import counties, person_index, rollups
from services.members.settings import MembersSettings
from tests.builders import member_body
from tests.members.conftest import OrgReplica
from tests.support import SuiteDatabase, Tokens, in_process

TODAY = date.today()
PAST = TODAY - timedelta(days=200)
EDUCATION = ["junior_high", "secondary", "bachelor", "postgraduate"]
STATES = ["lost_contact", "normal", "suspended", "deceased", "left"]
FLOATING = {"destination": "深圳市", "contact_person": "李四", "fixed_place": True}
OPS = st.lists(
    st.tuples(
        st.sampled_from(
            ["create", "create", "import", "state", "whereabouts", "full", "patch", "transfer", "fold", "merge", "discipline"]
        ),
        st.integers(0, 10**6),
    ),
    min_size=1,
    max_size=10,
)
PROPERTY = settings(
    max_examples=8,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def drawn(strategy: st.SearchStrategy[Any]) -> list[Any]:
    """Hypothesis's examples of `strategy`, drawn up front: the writes they describe are async,
    which hypothesis cannot run itself (the same examples on every run: derandomized)."""
    examples: list[Any] = []

    @PROPERTY
    @given(strategy)
    def collect(example: Any) -> None:
        examples.append(example)

    collect()
    return examples


@pytest.fixture
async def members_client(test_db: SuiteDatabase) -> AsyncIterator[httpx.AsyncClient]:
    """The members service keeping and reading roll-ups (off by default: a deployment of a province
    switches them on)."""
    policy = MembersPolicy(rollups_maintained=True)
    common = {"data_dir": test_db.data_dir, "database_url": test_db.urls["members"], "json_logs": False, "run_scheduler": False}
    async with in_process(create_app(MembersSettings(**common, consume_feeds=False, policy=policy))) as client:
        yield client


@pytest.fixture
async def counting_client(test_db: SuiteDatabase, members_db: Database) -> AsyncIterator[httpx.AsyncClient]:
    """The same database through an app that keeps no roll-ups and counts every statistic from
    the rows: the answers before roll-ups. (Starting, it marks them not current: rebuilt after.)"""
    policy = MembersPolicy(rollups_maintained=False)
    common = {"data_dir": test_db.data_dir, "database_url": test_db.urls["members"], "json_logs": False, "run_scheduler": False}
    async with in_process(create_app(MembersSettings(**common, consume_feeds=False, policy=policy))) as client:
        assert (await rollups.repair(members_db, 1))["checked"] == 0
        yield client


class World:
    def __init__(self, client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica, tree: dict[str, Any], db: Database):
        self.client, self.tokens, self.replica, self.tree, self.db = client, tokens, replica, tree, db
        self.members: list[str] = []

    def day(self, rng: random.Random, start: date, end: date) -> date:
        return start + timedelta(days=rng.randrange(max(1, (end - start).days)))

    def body(self, rng: random.Random) -> dict[str, Any]:
        org = rng.choice([self.tree["branch"], self.tree["small"], self.tree["other"]])
        # Births on the days an age edge cuts (35, 46, 60 on the days asked) as often as elsewhere.
        edge = rng.choice([35, 46, 60])
        around = rng.choice([TODAY, PAST]).replace(year=rng.choice([TODAY, PAST]).year - edge)
        born = (
            around + timedelta(days=rng.choice([-1, 0, 1]))
            if rng.random() < 0.5
            else self.day(rng, date(1940, 1, 1), date(2000, 1, 1))
        )
        joined = self.day(rng, born.replace(year=born.year + 18), min(TODAY, born.replace(year=born.year + 60)))
        full = joined + timedelta(days=366)
        status = (
            {"party_status": "full", "full_on": full.isoformat()}
            if full <= TODAY
            else {"party_status": "probationary", "full_on": None}
        )
        return (
            member_body(org_id=org["id"], birth_date=born.isoformat())
            | status
            | {"joined_on": joined.isoformat(), "education": rng.choice(EDUCATION)}
        )

    async def call(self, method: str, path: str, body: dict[str, Any]) -> httpx.Response:
        headers = self.tokens.headers("org_admin") | ({"If-Match": "*"} if method in ("PUT", "PATCH") else {})
        return await self.client.request(method, f"/api/v1{path}", json=body, headers=headers)

    async def run(self, op: str, seed: int) -> None:
        rng = random.Random(seed)
        member = rng.choice(self.members) if self.members else None
        when = self.day(rng, date(2025, 1, 1), TODAY).isoformat()  # back-dated as often as not
        if op == "create" or member is None:
            response = await self.call("POST", "/members", self.body(rng))
            assert response.status_code == 201, response.text
            self.members.append(response.json()["id"])
        elif op == "import":
            await self.import_rows([self.body(rng) for _ in range(rng.randint(1, 3))])
        elif op == "state":
            await self.call("POST", f"/members/{member}/state", {"state": rng.choice(STATES), "effective_on": when})
        elif op == "whereabouts":
            where = rng.choice(["floating_out", "resident", "displaced"])
            await self.call(
                "PUT",
                f"/members/{member}/whereabouts",
                {"whereabouts": where, "since": when} | ({"details": FLOATING} if where == "floating_out" else {}),
            )
        elif op == "full":
            await self.call("POST", f"/members/{member}/full", {"full_on": when})
        elif op == "patch":
            await self.call(
                "PATCH",
                f"/members/{member}",
                {"education": rng.choice(EDUCATION), "occupation": rng.choice(["farmer", "retired"])},
            )
        elif op == "discipline":
            body = {"measure": "probation", "decided_on": when, "decided_by": "紀工委", "probation_years": 1}
            await self.call("POST", f"/members/{member}/discipline", body)
        elif op == "transfer":
            await self.transfer(member, rng, when)
        elif op == "fold":
            async with self.db.write_sessions() as session:
                await rollups.fold(session, batch=rng.randint(1, 20))
                await session.commit()
        else:  # the orgs feed merges a branch: its members are re-homed in the feed's transaction
            empty = await self.replica.add(tier="inner", kind="branch", parent=self.tree["community"], setting="urban")
            moved = self.tree["other"]
            self.tree["other"] = empty
            await self.replica.change(moved, "org.merged", status="merged", merged_into_id=empty["id"])

    async def transfer(self, member: str, rng: random.Random, when: str, to: dict[str, Any] | None = None) -> None:
        # Into another county too, where the world has one: the record and its history move there.
        to = to or rng.choice([self.tree[name] for name in ("small", "branch", "other", "elsewhere") if name in self.tree])
        requested = await self.call(
            "POST", "/transfers", {"member_id": member, "kind": "within", "to_org_id": to["id"], "requested_on": when}
        )
        if requested.status_code != 201:
            return
        transfer = requested.json()["id"]
        await self.call("POST", f"/transfers/{transfer}/approve", {"decided_on": when, "letter_number": f"L{rng.randrange(999)}"})
        await self.call("POST", f"/transfers/{transfer}/receive", {"received_on": when})

    async def import_rows(self, bodies: list[dict[str, Any]]) -> None:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(
            ["姓名", "性別", "身份證號碼", "出生日期", "學歷", "職業類別", "黨員類別", "入黨日期", "轉正日期", "所在黨組織ID"]
        )
        for b in bodies:
            sex = {"male": "男", "female": "女"}[b["sex"]]
            status = "正式" if b["full_on"] else "預備"
            writer.writerow(
                [
                    b["name"],
                    sex,
                    b["id_number"],
                    b["birth_date"],
                    "大學本科",
                    "農民",
                    status,
                    b["joined_on"],
                    b["full_on"] or "",
                    b["org_id"],
                ]
            )
        response = await self.client.post(
            "/api/v1/members/import",
            content=out.getvalue().encode(),
            params={"format": "csv"},
            headers={**self.tokens.headers("org_admin"), "content-type": "text/csv"},
        )
        assert response.status_code == 200, response.text


QUERIES: list[dict[str, Any]] = [
    {"group_by": ["age_band", "education"], "age_edges": [35, 46, 60]},
    {"group_by": ["age_band", "whereabouts"], "age_edges": [46]},
    {"group_by": ["joined_before", "sex"], "joined_before": (TODAY - timedelta(days=400)).isoformat()},
    {"group_by": ["education", "state"], "population": "all"},
    {"group_by": ["setting", "age_band"], "age_edges": [30, 50]},
    {"group_by": ["party_status"], "population": "not_transferred"},
    {"group_by": ["occupation", "sex"]},
    {"group_by": ["age_band"], "age_edges": [35, 46, 60], "setting": "rural"},
]


async def answers(client: httpx.AsyncClient, tokens: Tokens, tree: dict[str, Any]) -> list[Any]:
    found = []
    for query in QUERIES:
        for within in ("county", "community"):
            for as_of in (TODAY, PAST):
                for role in ("org_admin", "viewer"):  # below full view, ages by month
                    params = query | {"within": tree[within]["id"], "as_of": as_of.isoformat()}
                    response = await client.get("/api/v1/members/stats", params=params, headers=tokens.headers(role))
                    assert response.status_code == 200, response.text
                    found.append((params, role, response.json()))
    for within in ("county", "community"):
        for as_of in (TODAY, PAST):
            for role in ("org_admin", "viewer"):
                params = {
                    "within": tree[within]["id"],
                    "as_of": as_of.isoformat(),
                    "member_age_min": 46,
                    "reform_date": "2000-03-15",
                }
                response = await client.get("/api/v1/members/survey", params=params, headers=tokens.headers(role))
                assert response.status_code == 200, response.text
                found.append((params, role, response.json()))
    return found


async def seeded_world(client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica, db: Database) -> World:
    """A tree (with a second branch, urban) and six members in it."""
    tree = await replica.tree()
    tree["other"] = await replica.add(tier="inner", kind="branch", parent=tree["community"], setting="urban")
    world = World(client, tokens, replica, tree, db)
    for _ in range(6):
        await world.run("create", len(world.members))
    return world


# Eight drawn sequences, each checked with a dozen statistics and survey reads against a recount:
# minutes on a loaded machine or a Citus cluster (3 min ran out there at a load of 8); the suite's
# 180 s is for ordinary tests.
@pytest.mark.timeout(900)
async def test_random_writes_leave_the_rollups_equal_to_a_recount_and_the_answers_unchanged(
    members_client: httpx.AsyncClient,
    counting_client: httpx.AsyncClient,
    tokens: Tokens,
    replica: OrgReplica,
    members_db: Database,
) -> None:
    world = await seeded_world(members_client, tokens, replica, members_db)
    tree = world.tree
    tree["elsewhere"] = (await replica.tree())["branch"]  # a transfer's target in a second county
    assert (await rollups.repair(members_db, 1))["differing"] == 0

    for ops in drawn(OPS):
        for op, seed in ops:
            await world.run(op, seed)
        served, counted = await answers(members_client, tokens, tree), await answers(counting_client, tokens, tree)
        assert [a for a, b in zip(served, counted, strict=True) if a != b] == [], (
            ops,
            [b for a, b in zip(served, counted, strict=True) if a != b][:1],
        )
        result = await rollups.repair(members_db, 1)
        assert (result["checked"], result["differing"]) == (1, 0), (ops, result)
        async with members_db.read_sessions() as session:
            assert not any((await counties.misplaced(session)).values()), ops
            assert await person_index.differences(session) == {"missing": 0, "stale": 0}, ops
    async with members_db.read_sessions() as session:
        assert (await session.scalar(select(member_rollups.c.count).limit(1))) is not None


async def test_the_statistics_are_read_from_the_rollups_and_the_repair_finds_a_damaged_one(
    members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica, members_db: Database
) -> None:
    tree = await replica.tree()
    for born in ("1950-03-01", "1990-07-01"):
        response = await members_client.post(
            "/api/v1/members", json=member_body(org_id=tree["branch"]["id"], birth_date=born), headers=tokens.headers("org_admin")
        )
        assert response.status_code == 201
    query = {"within": tree["county"]["id"], "group_by": ["age_band"], "age_edges": [46]}
    before = (await members_client.get("/api/v1/members/stats", params=query, headers=tokens.headers("org_admin"))).json()
    assert (await rollups.repair(members_db, 1))["differing"] == 0
    async with members_db.write_sessions() as session:
        await session.execute(
            update(member_rollups)
            .where(member_rollups.c.org_id == uuid.UUID(tree["county"]["id"]))
            .values(count=member_rollups.c.count + 5)
        )
        await session.commit()

    damaged = (await members_client.get("/api/v1/members/stats", params=query, headers=tokens.headers("org_admin"))).json()
    result = await rollups.repair(members_db, 1)
    repaired = (await members_client.get("/api/v1/members/stats", params=query, headers=tokens.headers("org_admin"))).json()

    assert damaged["total"] > before["total"]  # the county's figures came from its roll-ups
    assert result["differing"] > 0
    assert repaired == before
    async with members_db.read_sessions() as session:
        assert (await session.scalar(select(member_rollup_deltas.c.id).limit(1))) is None


async def test_a_change_of_the_tree_marks_the_rollups_not_current_and_a_rename_does_not(
    replica: OrgReplica, members_db: Database
) -> None:
    tree = await replica.tree()

    async def current_after(org: dict[str, Any], **change: Any) -> bool:
        assert (await rollups.repair(members_db, 1))["differing"] == 0
        await replica.change(org, "org.updated", **change)
        async with members_db.read_sessions() as session:
            return await rollups.are_current(session)

    assert await current_after(tree["branch"], name="第一支部更名") is True
    assert await current_after(tree["branch"], setting="urban") is False
    other = await replica.add(tier="township", parent=tree["county"])
    moved = {"parent_id": other["id"], "path": other["path"] + tree["small"]["id"].replace("-", "") + "/"}
    assert await current_after(tree["small"], **moved) is False
