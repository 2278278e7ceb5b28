"""A floating member's periodic reports (定期匯報) through HTTP: filed through the own view while
floating out, read by the administrators of the member's scope, and the work list of floating
members counting the reports and showing the missing ones."""

from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from services.kit.db import Database
from tests.members.conftest import OrgReplica
from tests.members.test_clock_jobs import events_of
from tests.members.test_own import as_member, file_member
from tests.support import Tokens

REPORT = {"location": "廣東省東莞市長安鎮", "work": "電子廠裝配工", "organizational_life": "參加長安鎮流動黨員支部主題黨日"}


async def float_out(client: httpx.AsyncClient, tokens: Tokens, member_id: str, since: str) -> None:
    moved = await client.put(
        f"/api/v1/members/{member_id}/whereabouts",
        json={"whereabouts": "floating_out", "since": since, "details": {"destination": "東莞", "fixed_place": False}},
        headers=tokens.headers() | {"If-Match": "*"},
    )
    assert moved.status_code == 200, moved.text


@pytest.fixture
async def world(members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica) -> dict[str, Any]:
    tree = await replica.tree()
    other = await replica.tree()
    reporting = await file_member(members_client, tokens, tree["small"]["id"])
    silent = await file_member(members_client, tokens, tree["small"]["id"])
    at_home = await file_member(members_client, tokens, tree["small"]["id"])
    for member in (reporting, silent):
        await float_out(members_client, tokens, member["id"], "2026-01-05")
    return {
        "tree": tree,
        "reporting": reporting,
        "silent": silent,
        "at_home": at_home,
        "admin": tokens.headers("org_admin", scope_org_id=tree["township"]["id"]),
        "stranger": tokens.headers("org_admin", scope_org_id=other["township"]["id"]),
    }


class TestReporting:
    async def test_a_floating_member_reports_and_the_branch_reads_it(
        self, members_client: httpx.AsyncClient, tokens: Tokens, world: dict[str, Any]
    ) -> None:
        member = as_member(tokens, world["reporting"]["id"])
        filed = await members_client.post(
            "/api/v1/me/floating-reports", json=REPORT | {"reported_on": "2026-03-31"}, headers=member
        )
        own = await members_client.get("/api/v1/me/floating-reports", headers=member)
        read = await members_client.get(
            "/api/v1/floating-reports", params={"member_id": world["reporting"]["id"]}, headers=world["admin"]
        )
        hidden = await members_client.get("/api/v1/floating-reports", headers=world["stranger"])

        assert filed.status_code == 201, filed.text
        assert filed.json()["member_id"] == world["reporting"]["id"]
        assert [r["id"] for r in own.json()] == [filed.json()["id"]]
        assert [r["location"] for r in read.json()["items"]] == [REPORT["location"]]
        assert hidden.json()["items"] == []

    async def test_only_a_member_floating_out_reports(
        self, members_client: httpx.AsyncClient, tokens: Tokens, world: dict[str, Any]
    ) -> None:
        refused = await members_client.post(
            "/api/v1/me/floating-reports", json=REPORT, headers=as_member(tokens, world["at_home"]["id"])
        )
        assert refused.status_code == 409
        assert refused.json()["type"].endswith("/not-floating")

    @pytest.mark.parametrize("reported_on", ["2025-12-31", (date.today() + timedelta(days=3)).isoformat()])
    async def test_a_report_is_dated_between_leaving_and_today(
        self, members_client: httpx.AsyncClient, tokens: Tokens, world: dict[str, Any], reported_on: str
    ) -> None:
        member = as_member(tokens, world["reporting"]["id"])
        refused = await members_client.post(
            "/api/v1/me/floating-reports", json=REPORT | {"reported_on": reported_on}, headers=member
        )
        own = await members_client.get("/api/v1/me/floating-reports", headers=member)

        assert refused.status_code == 422
        assert [e["field"] for e in refused.json()["errors"]] == ["reported_on"]
        assert own.json() == []


class TestWorkList:
    async def test_the_list_counts_reports_and_shows_the_missing_ones(
        self, members_client: httpx.AsyncClient, tokens: Tokens, world: dict[str, Any]
    ) -> None:
        member = as_member(tokens, world["reporting"]["id"])
        for day in ("2026-02-20", "2026-03-31"):
            filed = await members_client.post("/api/v1/me/floating-reports", json=REPORT | {"reported_on": day}, headers=member)
            assert filed.status_code == 201, filed.text
        params = {"within": world["tree"]["township"]["id"], "as_of": "2026-05-01"}
        listed = await members_client.get("/api/v1/members/worklists/floating-reports", params=params, headers=world["admin"])
        missing = await members_client.get(
            "/api/v1/members/worklists/floating-reports", params=params | {"missing_only": "true"}, headers=world["admin"]
        )
        hidden = await members_client.get("/api/v1/members/worklists/floating-reports", headers=world["stranger"])

        rows = {row["member_id"]: row for row in listed.json()["items"]}
        assert set(rows) == {world["reporting"]["id"], world["silent"]["id"]}
        reporting, silent = rows[world["reporting"]["id"]], rows[world["silent"]["id"]]
        assert (reporting["last_report_on"], reporting["reports_this_year"], reporting["missing"]) == ("2026-03-31", 2, False)
        assert reporting["due_on"] == "2026-07-01"
        assert (silent["last_report_on"], silent["reports_this_year"], silent["missing"]) == (None, 0, True)
        assert silent["due_on"] == "2026-04-07"
        assert [row["member_id"] for row in missing.json()["items"]] == [world["silent"]["id"]]
        assert hidden.json()["items"] == []


class TestAnnounced:
    async def test_a_report_is_announced_with_its_day_not_its_text(
        self, members_client: httpx.AsyncClient, members_db: Database, tokens: Tokens, world: dict[str, Any]
    ) -> None:
        member = as_member(tokens, world["reporting"]["id"])
        filed = await members_client.post(
            "/api/v1/me/floating-reports", json=REPORT | {"reported_on": "2026-03-31"}, headers=member
        )
        refused = await members_client.post(
            "/api/v1/me/floating-reports", json=REPORT, headers=as_member(tokens, world["at_home"]["id"])
        )
        types = await members_client.get("/event-types", headers=tokens.headers())

        assert filed.status_code == 201, filed.text
        assert refused.status_code == 409
        assert await events_of(members_db, world["reporting"]["id"], "floating_report.submitted") == [
            {
                "id": filed.json()["id"],
                "version": 1,
                "member_id": world["reporting"]["id"],
                "org_id": world["tree"]["small"]["id"],
                "reported_on": "2026-03-31",
            }
        ]
        assert await events_of(members_db, world["at_home"]["id"], "floating_report.submitted") == []
        assert types.status_code == 200, types.text
        assert "floating_report.submitted" in types.text
