"""The probation (預備期) where dates are recorded: becoming full not before a year after joining
or the end of a recorded extension, the extension itself, a record made as full, and the
recruitment pipeline's extension on the member."""

from typing import Any

import httpx

from tests.builders import member_body
from tests.members.conftest import OrgReplica
from tests.support import Tokens


async def probationary(client: httpx.AsyncClient, tokens: Tokens, org_id: str, joined_on: str) -> dict[str, Any]:
    body = member_body(org_id=org_id, party_status="probationary", full_on=None, joined_on=joined_on)
    response = await client.post("/api/v1/members", json=body, headers=tokens.headers())
    assert response.status_code == 201, response.text
    return dict(response.json())


async def post(client: httpx.AsyncClient, tokens: Tokens, path: str, body: dict[str, Any]) -> httpx.Response:
    return await client.post(path, json=body, headers=tokens.headers())


async def history_kinds(client: httpx.AsyncClient, tokens: Tokens, member_id: str) -> list[tuple[str, str]]:
    events = (await client.get(f"/api/v1/members/{member_id}/history", headers=tokens.headers())).json()
    return [(e["kind"], e["effective_on"]) for e in events]


class TestBecomingFull:
    async def test_too_early_is_422_naming_the_earliest_day_and_nothing_changes(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        member = await probationary(members_client, tokens, tree["branch"]["id"], "2025-03-01")

        early = await post(members_client, tokens, f"/api/v1/members/{member['id']}/full", {"full_on": "2025-03-31"})
        a_day_early = await post(members_client, tokens, f"/api/v1/members/{member['id']}/full", {"full_on": "2026-02-28"})

        for refused in (early, a_day_early):
            assert refused.status_code == 422
            problem = refused.json()
            assert problem["type"].endswith("/invalid-full-date")
            assert problem["earliest_full_on"] == "2026-03-01"
            assert "2026-03-01" in problem["detail"]
            assert problem["errors"][0]["field"] == "full_on"
            assert "2026-03-01" in problem["errors"][0]["message"]
        current = (await members_client.get(f"/api/v1/members/{member['id']}", headers=tokens.headers())).json()
        assert (current["party_status"], current["full_on"]) == ("probationary", None)
        assert await history_kinds(members_client, tokens, member["id"]) == [("joined", "2025-03-01")]

    async def test_at_one_year_it_is_accepted(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        member = await probationary(members_client, tokens, tree["branch"]["id"], "2025-03-01")

        full = await post(members_client, tokens, f"/api/v1/members/{member['id']}/full", {"full_on": "2026-03-01"})

        assert full.status_code == 200, full.text
        assert (full.json()["party_status"], full.json()["full_on"]) == ("full", "2026-03-01")

    async def test_joined_on_29_february_ends_on_28_february(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        member = await probationary(members_client, tokens, tree["branch"]["id"], "2024-02-29")

        early = await post(members_client, tokens, f"/api/v1/members/{member['id']}/full", {"full_on": "2025-02-27"})
        full = await post(members_client, tokens, f"/api/v1/members/{member['id']}/full", {"full_on": "2025-02-28"})

        assert (early.status_code, early.json()["earliest_full_on"]) == (422, "2025-02-28")
        assert full.status_code == 200, full.text


class TestExtension:
    async def test_with_an_extension_the_earliest_day_is_its_end(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        member = await probationary(members_client, tokens, tree["branch"]["id"], "2024-09-01")
        path = f"/api/v1/members/{member['id']}"

        extended = await post(members_client, tokens, path + "/probation-extension", {"months": 6, "decided_on": "2025-09-01"})
        at_one_year = await post(members_client, tokens, path + "/full", {"full_on": "2025-09-01"})
        a_day_before = await post(members_client, tokens, path + "/full", {"full_on": "2026-02-28"})
        at_the_end = await post(members_client, tokens, path + "/full", {"full_on": "2026-03-01"})

        assert extended.status_code == 200, extended.text
        assert extended.json()["party_status"] == "probationary"
        for refused in (at_one_year, a_day_before):
            assert refused.status_code == 422
            assert refused.json()["earliest_full_on"] == "2026-03-01"
        assert at_the_end.status_code == 200, at_the_end.text
        events = (await members_client.get(path + "/history", headers=tokens.headers())).json()
        assert [(e["kind"], e["effective_on"]) for e in events] == [
            ("joined", "2024-09-01"),
            ("probation_extended", "2025-09-01"),
            ("became_full", "2026-03-01"),
        ]
        assert events[1]["details"] == {"months": 6, "probation_ends_on": "2026-03-01"}

    async def test_an_extension_lasts_six_to_twelve_months_and_comes_once(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        member = await probationary(members_client, tokens, tree["branch"]["id"], "2024-09-01")
        path = f"/api/v1/members/{member['id']}/probation-extension"

        too_short = await post(members_client, tokens, path, {"months": 5, "decided_on": "2025-09-01"})
        too_long = await post(members_client, tokens, path, {"months": 13, "decided_on": "2025-09-01"})
        before_joining = await post(members_client, tokens, path, {"months": 6, "decided_on": "2024-08-31"})
        in_the_future = await post(members_client, tokens, path, {"months": 6, "decided_on": "2999-01-01"})
        a_year = await post(members_client, tokens, path, {"months": 12, "decided_on": "2025-09-01"})
        again = await post(members_client, tokens, path, {"months": 6, "decided_on": "2025-09-02"})

        for refused, field in (
            (too_short, "months"),
            (too_long, "months"),
            (before_joining, "decided_on"),
            (in_the_future, "decided_on"),
            (again, "months"),
        ):
            assert refused.status_code == 422, refused.text
            assert refused.json()["type"].endswith("/invalid-probation-extension")
            assert refused.json()["errors"][0]["field"] == field
        assert a_year.status_code == 200, a_year.text
        kinds = [kind for kind, _ in await history_kinds(members_client, tokens, member["id"])]
        assert kinds == ["joined", "probation_extended"]

    async def test_a_full_member_has_no_probation_to_extend(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        created = await members_client.post(
            "/api/v1/members", json=member_body(org_id=tree["branch"]["id"]), headers=tokens.headers()
        )
        member = created.json()
        path = f"/api/v1/members/{member['id']}/probation-extension"

        refused = await post(members_client, tokens, path, {"months": 6, "decided_on": "2025-01-01"})

        assert refused.status_code == 422
        assert "full" in refused.json()["errors"][0]["message"]


class TestCreatedAsFull:
    async def test_thirty_days_after_joining_is_refused_naming_the_earliest_day(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        body = member_body(org_id=tree["branch"]["id"], joined_on="2024-05-10", full_on="2024-06-09")

        refused = await members_client.post("/api/v1/members", json=body, headers=tokens.headers())
        at_one_year = await members_client.post(
            "/api/v1/members", json=body | {"full_on": "2025-05-10"}, headers=tokens.headers()
        )

        assert refused.status_code == 422
        problem = refused.json()
        assert problem["type"].endswith("/invalid-member")
        assert problem["earliest_full_on"] == "2025-05-10"
        assert "2025-05-10" in problem["detail"]
        assert [e["field"] for e in problem["errors"]] == ["full_on"]
        assert at_one_year.status_code == 201, at_one_year.text


class TestWorkListWithExtension:
    """The `full` work list (`/members/due?kind=full`) counts a recorded extension: the member is due
    at its end, not at the year."""

    async def test_an_extended_probation_is_due_at_the_end_of_its_extension(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        within = tree["branch"]["id"]
        plain = await probationary(members_client, tokens, within, "2024-09-01")
        extended = await probationary(members_client, tokens, within, "2024-09-01")
        path = f"/api/v1/members/{extended['id']}/probation-extension"
        assert (await post(members_client, tokens, path, {"months": 6, "decided_on": "2025-09-01"})).status_code == 200

        async def due(as_of: str) -> dict[str, tuple[str, str]]:
            params = {"kind": "full", "as_of": as_of, "within": within}
            response = await members_client.get("/api/v1/members/due", params=params, headers=tokens.headers())
            assert response.status_code == 200, response.text
            return {item["member"]["id"]: (item["since"], item["due_on"]) for item in response.json()["items"]}

        at_the_year = await due("2025-09-01")
        before_the_end = await due("2026-02-28")
        at_the_end = await due("2026-03-01")

        assert at_the_year == {plain["id"]: ("2024-09-01", "2025-09-01")}
        assert extended["id"] not in before_the_end
        assert at_the_end[extended["id"]] == ("2024-09-01", "2026-03-01")
        assert at_the_end[plain["id"]] == ("2024-09-01", "2025-09-01")
