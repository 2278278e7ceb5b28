"""History as events, state changes, becoming full, whereabouts, the three clocks, and events out."""

import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import select

from services.kit.db import Database
from services.members.models import outbox
from tests.builders import member_body
from tests.members.conftest import OrgReplica
from tests.support import Tokens


async def create(client: httpx.AsyncClient, tokens: Tokens, **body: Any) -> dict[str, Any]:
    response = await client.post("/api/v1/members", json=member_body(**body), headers=tokens.headers("org_admin"))
    assert response.status_code == 201, response.text
    return dict(response.json())


async def act(client: httpx.AsyncClient, tokens: Tokens, method: str, path: str, body: dict[str, Any]) -> httpx.Response:
    # An update overwrites whatever version is there (`If-Match: *`): versions are tests/writes' subject.
    overwrite = {"If-Match": "*"} if method in ("PUT", "PATCH") else {}
    return await client.request(method, path, json=body, headers=tokens.headers("org_admin") | overwrite)


async def events_of(db: Database, member_id: str) -> list[tuple[str, dict[str, Any]]]:
    async with db.read_sessions() as session:
        rows = (
            await session.execute(
                select(outbox.c.type, outbox.c.payload)
                .where(outbox.c.aggregate_id == uuid.UUID(member_id))
                .order_by(outbox.c.seq)
            )
        ).all()
    return [(row.type, row.payload) for row in rows]


class TestHistory:
    async def test_joining_becoming_full_and_each_state_change_are_dated_events_in_order(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        member = await create(
            members_client, tokens, org_id=tree["branch"]["id"], party_status="probationary", full_on=None, joined_on="2025-03-01"
        )
        mid = member["id"]
        full = await act(members_client, tokens, "POST", f"/api/v1/members/{mid}/full", {"full_on": "2026-03-01"})
        lost = await act(
            members_client,
            tokens,
            "POST",
            f"/api/v1/members/{mid}/state",
            {"state": "lost_contact", "effective_on": "2026-04-01"},
        )
        back = await act(
            members_client, tokens, "POST", f"/api/v1/members/{mid}/state", {"state": "normal", "effective_on": "2026-05-01"}
        )
        assert (full.status_code, lost.status_code, back.status_code) == (200, 200, 200)

        history = (await members_client.get(f"/api/v1/members/{mid}/history", headers=tokens.headers("viewer"))).json()

        assert [(e["kind"], e["effective_on"]) for e in history] == [
            ("joined", "2025-03-01"),
            ("became_full", "2026-03-01"),
            ("state_changed", "2026-04-01"),
            ("state_changed", "2026-05-01"),
        ]
        assert history[2]["details"] == {"from": "normal", "to": "lost_contact"}
        assert history[3]["details"]["restored"] is True
        assert [e["seq"] for e in history] == [1, 2, 3, 4]
        current = (await members_client.get(f"/api/v1/members/{mid}", headers=tokens.headers("viewer"))).json()
        assert (current["party_status"], current["state"], current["state_since"]) == ("full", "normal", "2026-05-01")

    async def test_becoming_full_before_joining_is_refused_and_nothing_changes(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        member = await create(
            members_client, tokens, org_id=tree["branch"]["id"], party_status="probationary", full_on=None, joined_on="2025-03-01"
        )

        refused = await act(members_client, tokens, "POST", f"/api/v1/members/{member['id']}/full", {"full_on": "2025-02-01"})

        assert refused.status_code == 422
        history = (await members_client.get(f"/api/v1/members/{member['id']}/history", headers=tokens.headers("viewer"))).json()
        assert [e["kind"] for e in history] == ["joined"]

    async def test_a_state_that_cannot_follow_is_refused(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        member = await create(members_client, tokens, org_id=tree["branch"]["id"])
        path = f"/api/v1/members/{member['id']}/state"
        assert (
            await act(members_client, tokens, "POST", path, {"state": "deceased", "effective_on": "2026-01-01"})
        ).status_code == 200

        again = await act(members_client, tokens, "POST", path, {"state": "normal", "effective_on": "2026-02-01"})
        transferred = await act(members_client, tokens, "POST", path, {"state": "transferred_out", "effective_on": "2026-02-01"})

        assert again.status_code == 422
        assert transferred.status_code == 422

    async def test_suspension_only_after_six_months_of_lost_contact(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        member = await create(members_client, tokens, org_id=tree["branch"]["id"])
        path = f"/api/v1/members/{member['id']}/state"

        straight = await act(members_client, tokens, "POST", path, {"state": "suspended", "effective_on": "2026-03-01"})
        lost = await act(members_client, tokens, "POST", path, {"state": "lost_contact", "effective_on": "2026-03-01"})
        early = await act(members_client, tokens, "POST", path, {"state": "suspended", "effective_on": "2026-08-31"})
        history_before = (
            await members_client.get(f"/api/v1/members/{member['id']}/history", headers=tokens.headers("viewer"))
        ).json()
        suspended = await act(members_client, tokens, "POST", path, {"state": "suspended", "effective_on": "2026-09-01"})

        assert straight.status_code == 422
        problem = straight.json()
        assert problem["type"].endswith("invalid-state-change")
        assert (problem["rule"], problem["earliest_on"], problem["lost_contact_months"]) == (
            "suspension_after_lost_contact",
            "2026-09-01",
            6,
        )
        assert [e["field"] for e in problem["errors"]] == ["state"]
        assert lost.status_code == 200, lost.text
        assert early.status_code == 422
        assert (early.json()["rule"], early.json()["earliest_on"]) == ("suspension_after_lost_contact", "2026-09-01")
        assert [e["field"] for e in early.json()["errors"]] == ["effective_on"]
        assert [e["kind"] for e in history_before][-1:] == ["state_changed"]  # the lost contact only
        assert suspended.status_code == 200, suspended.text
        assert (suspended.json()["state"], suspended.json()["state_since"]) == ("suspended", "2026-09-01")

    async def test_the_refusal_reads_in_chinese(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        member = await create(members_client, tokens, org_id=tree["branch"]["id"])
        refused = await members_client.post(
            f"/api/v1/members/{member['id']}/state",
            json={"state": "suspended", "effective_on": "2026-03-01"},
            headers=tokens.headers("org_admin") | {"Accept-Language": "zh-CN"},
        )
        assert refused.status_code == 422
        assert "失联" in refused.json()["detail"]
        assert "2026-09-01" in refused.json()["detail"]

    async def test_whereabouts_floating_out_and_back_are_flows(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        member = await create(members_client, tokens, org_id=tree["branch"]["id"])
        path = f"/api/v1/members/{member['id']}/whereabouts"
        out = await act(
            members_client,
            tokens,
            "PUT",
            path,
            {
                "whereabouts": "floating_out",
                "since": "2026-01-10",
                "details": {"destination": "深圳市", "contact_person": "李四", "fixed_place": True},
            },
        )
        assert out.status_code == 200, out.text
        assert out.json()["whereabouts_details"]["destination"] == "深圳市"
        back = await act(members_client, tokens, "PUT", path, {"whereabouts": "resident", "since": "2026-06-01"})
        assert back.status_code == 200

        flows = (await members_client.get(f"/api/v1/members/{member['id']}/flows", headers=tokens.headers("viewer"))).json()

        assert [(f["details"]["whereabouts"], f["effective_on"]) for f in flows] == [
            ("floating_out", "2026-01-10"),
            ("resident", "2026-06-01"),
        ]
        assert flows[1]["details"]["back_on"] == "2026-06-01"

    async def test_displaced_needs_a_temporary_address(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        member = await create(members_client, tokens, org_id=tree["branch"]["id"])
        path = f"/api/v1/members/{member['id']}/whereabouts"

        refused = await act(members_client, tokens, "PUT", path, {"whereabouts": "displaced", "since": "2026-01-10"})
        accepted = await act(
            members_client,
            tokens,
            "PUT",
            path,
            {
                "whereabouts": "displaced",
                "since": "2026-01-10",
                "details": {"temporary_address": "幸福路1號", "expected_return": "2027-06-01"},
            },
        )

        assert refused.status_code == 422
        assert accepted.status_code == 200


class TestClocks:
    async def test_each_clock_lists_its_members_once_today_has_moved_far_enough(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        org = tree["branch"]["id"]
        probationary = await create(
            members_client, tokens, org_id=org, party_status="probationary", full_on=None, joined_on="2026-02-15"
        )
        lost = await create(members_client, tokens, org_id=org)
        await act(
            members_client,
            tokens,
            "POST",
            f"/api/v1/members/{lost['id']}/state",
            {"state": "lost_contact", "effective_on": "2026-03-10"},
        )
        floating = await create(members_client, tokens, org_id=org)
        await act(
            members_client,
            tokens,
            "PUT",
            f"/api/v1/members/{floating['id']}/whereabouts",
            {"whereabouts": "floating_out", "since": "2026-04-20", "details": {"destination": "廣州", "fixed_place": True}},
        )
        roaming = await create(members_client, tokens, org_id=org)
        await act(
            members_client,
            tokens,
            "PUT",
            f"/api/v1/members/{roaming['id']}/whereabouts",
            {"whereabouts": "floating_out", "since": "2026-04-20", "details": {"destination": "各地", "fixed_place": False}},
        )

        async def due(kind: str, as_of: str) -> list[tuple[str, str]]:
            response = await members_client.get(
                "/api/v1/members/due",
                params={"kind": kind, "as_of": as_of, "within": tree["county"]["id"]},
                headers=tokens.headers("viewer"),
            )
            assert response.status_code == 200, response.text
            return [(item["member"]["id"], item["due_on"]) for item in response.json()["items"]]

        assert await due("full", "2027-02-14") == []
        assert await due("full", "2027-02-15") == [(probationary["id"], "2027-02-15")]
        assert await due("suspension", "2026-09-09") == []
        assert await due("suspension", "2026-09-10") == [(lost["id"], "2026-09-10")]
        assert await due("transfer", "2026-10-19") == []
        assert await due("transfer", "2026-10-20") == [(floating["id"], "2026-10-20")]

    async def test_a_member_made_full_leaves_the_probation_list(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        member = await create(
            members_client, tokens, org_id=tree["branch"]["id"], party_status="probationary", full_on=None, joined_on="2025-01-01"
        )
        await act(members_client, tokens, "POST", f"/api/v1/members/{member['id']}/full", {"full_on": "2026-01-01"})

        response = await members_client.get(
            "/api/v1/members/due",
            params={"kind": "full", "as_of": "2026-11-26", "within": tree["county"]["id"]},
            headers=tokens.headers("viewer"),
        )

        assert response.json()["items"] == []


class TestEventsOut:
    async def test_creation_and_changes_go_out_without_id_number_or_phone_and_with_rising_versions(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica, members_db: Database
    ) -> None:
        tree = await replica.tree()
        member = await create(members_client, tokens, org_id=tree["branch"]["id"])
        await act(
            members_client,
            tokens,
            "POST",
            f"/api/v1/members/{member['id']}/state",
            {"state": "retained", "effective_on": "2026-02-01"},
        )
        await act(members_client, tokens, "PATCH", f"/api/v1/members/{member['id']}", {"education": "college"})

        events = await events_of(members_db, member["id"])

        assert [t for t, _ in events] == ["member.created", "member.state_changed", "member.updated"]
        assert [p["version"] for _, p in events] == [1, 2, 3]
        assert set(events[0][1]) == {
            "id", "version", "name", "sex", "birth_date", "education", "org_id", "residence_community_id",
            "party_status", "state", "whereabouts", "joined_on", "full_on", "care_programs",
        }  # fmt: skip
        assert events[2][1]["education"] == "college"


class TestMergedOrganization:
    async def test_members_of_a_merged_org_move_to_the_org_it_merged_into_with_a_history_event(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica, members_db: Database
    ) -> None:
        tree = await replica.tree()
        member = await create(members_client, tokens, org_id=tree["branch"]["id"])

        await replica.change(tree["branch"], "org.merged", status="merged", merged_into_id=tree["small"]["id"])

        current = (await members_client.get(f"/api/v1/members/{member['id']}", headers=tokens.headers("viewer"))).json()
        history = (await members_client.get(f"/api/v1/members/{member['id']}/history", headers=tokens.headers("viewer"))).json()
        assert current["org_id"] == tree["small"]["id"]
        assert history[-1]["kind"] == "org_changed"
        assert history[-1]["details"]["from_org_id"] == tree["branch"]["id"]
        assert (await events_of(members_db, member["id"]))[-1][0] == "member.transferred"

    async def test_the_move_is_dated_on_the_deployments_day_of_the_merge(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        member = await create(members_client, tokens, org_id=tree["branch"]["id"])
        # 04:00 on 1 July in Beijing, still 30 June in UTC.
        merged_at = datetime(2026, 6, 30, 20, 0, tzinfo=UTC)

        await replica.change(
            tree["branch"], "org.merged", occurred_at=merged_at, status="merged", merged_into_id=tree["small"]["id"]
        )

        history = (await members_client.get(f"/api/v1/members/{member['id']}/history", headers=tokens.headers("viewer"))).json()
        assert (history[-1]["kind"], history[-1]["effective_on"]) == ("org_changed", "2026-07-01")


class TestLookupAndCounts:
    async def test_lookup_returns_only_existing_members_masked_for_a_viewer(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        member = await create(members_client, tokens, org_id=tree["branch"]["id"])

        response = await members_client.post(
            "/api/v1/members/lookup", json={"ids": [member["id"], str(uuid.uuid4())]}, headers=tokens.headers("viewer")
        )

        assert [m["id"] for m in response.json()["items"]] == [member["id"]]
        assert "*" in response.json()["items"][0]["id_number"]

    async def test_lookup_refuses_more_than_a_thousand_ids(self, members_client: httpx.AsyncClient, tokens: Tokens) -> None:
        response = await members_client.post(
            "/api/v1/members/lookup", json={"ids": [str(uuid.uuid4()) for _ in range(1001)]}, headers=tokens.headers("service")
        )
        assert response.status_code == 422

    async def test_counts_hold_open_members_of_exactly_each_org(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        org = tree["branch"]["id"]
        await create(members_client, tokens, org_id=org)
        await create(members_client, tokens, org_id=org, party_status="probationary", full_on=None)
        gone = await create(members_client, tokens, org_id=org)
        await act(
            members_client, tokens, "POST", f"/api/v1/members/{gone['id']}/state", {"state": "left", "effective_on": "2026-01-01"}
        )
        await create(
            members_client,
            tokens,
            org_id=org,
            whereabouts="not_transferred",
            whereabouts_details={"relationship_org": "外縣某支部"},
        )
        empty = str(uuid.uuid4())

        response = await members_client.post(
            "/internal/member-counts", json={"org_ids": [org, empty]}, headers=tokens.headers("service")
        )
        forbidden = await members_client.post(
            "/internal/member-counts", json={"org_ids": [org]}, headers=tokens.headers("org_admin")
        )

        assert response.status_code == 200, response.text
        assert response.json()["counts"] == {
            org: {"members": 2, "full": 1, "probationary": 1},
            empty: {"members": 0, "full": 0, "probationary": 0},
        }
        assert forbidden.status_code == 403
