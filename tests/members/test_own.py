"""A member's own view, the members part (`/api/v1/me/record`, `history`, `dues`, `transfers`):
exactly the caller's own record, the ID number in full and announced for the audit trail, and
nothing of a neighbour; only an account linked to a member record gets in."""

import uuid
from typing import Any

import httpx
import pytest

from tests.builders import member_body
from tests.members.conftest import OrgReplica
from tests.support import Tokens

OWN_PATHS = ("/api/v1/me/record", "/api/v1/me/history", "/api/v1/me/dues", "/api/v1/me/transfers")


async def file_member(client: httpx.AsyncClient, tokens: Tokens, org_id: str, **values: Any) -> dict[str, Any]:
    body = member_body(org_id=org_id, **values)
    response = await client.post("/api/v1/members", json=body, headers=tokens.headers())
    assert response.status_code == 201, response.text
    return {**response.json(), "id_number_in_full": body["id_number"], "phone_in_full": body.get("phone")}


@pytest.fixture
async def neighbours(members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica) -> dict[str, Any]:
    tree = await replica.tree()
    me = await file_member(members_client, tokens, tree["small"]["id"], phone="13800001111")
    neighbour = await file_member(members_client, tokens, tree["small"]["id"], phone="13900002222")
    for member in (me, neighbour):
        assessed = await members_client.put(
            f"/api/v1/dues/{member['id']}/2026-01", json={"category": "farmer"}, headers=tokens.headers()
        )
        assert assessed.status_code in (200, 201), assessed.text
    return {"me": me, "neighbour": neighbour, "tree": tree}


def as_member(tokens: Tokens, member_id: object) -> dict[str, str]:
    return tokens.headers("member", member_id=str(member_id))


class TestOwnRecord:
    async def test_the_own_record_shows_the_id_number_in_full_and_is_announced(
        self, members_client: httpx.AsyncClient, tokens: Tokens, neighbours: dict[str, Any]
    ) -> None:
        me = neighbours["me"]
        response = await members_client.get("/api/v1/me/record", headers=as_member(tokens, me["id"]))

        assert response.status_code == 200, response.text
        assert response.json()["id"] == me["id"]
        assert response.json()["id_number"] == me["id_number_in_full"]
        assert response.json()["phone"] == "13800001111"
        assert response.json()["masked"] is False
        assert response.headers["x-audit-unmasked"] == me["id"]

    async def test_history_dues_and_transfers_are_the_callers_own(
        self, members_client: httpx.AsyncClient, tokens: Tokens, neighbours: dict[str, Any]
    ) -> None:
        me, neighbour = neighbours["me"], neighbours["neighbour"]
        transfers_made = [
            await members_client.post(
                "/api/v1/transfers",
                json={"member_id": member["id"], "kind": "out", "external_org": "外省某黨委", "requested_on": "2026-02-01"},
                headers=tokens.headers(),
            )
            for member in (me, neighbour)
        ]
        headers = as_member(tokens, me["id"])
        history = await members_client.get("/api/v1/me/history", headers=headers)
        dues = await members_client.get("/api/v1/me/dues", headers=headers)
        transfers = await members_client.get("/api/v1/me/transfers", headers=headers)

        assert [made.status_code for made in transfers_made] == [201, 201]
        assert [event["kind"] for event in history.json()] == ["joined", "became_full"]
        assert [(row["member_id"], row["month"]) for row in dues.json()] == [(me["id"], "2026-01")]
        assert [(t["id"], t["member_id"]) for t in transfers.json()] == [(transfers_made[0].json()["id"], me["id"])]

    async def test_a_neighbours_record_is_not_found_by_its_id(
        self, members_client: httpx.AsyncClient, tokens: Tokens, neighbours: dict[str, Any]
    ) -> None:
        headers = as_member(tokens, neighbours["me"]["id"])
        neighbour = neighbours["neighbour"]["id"]
        for path in (f"/api/v1/members/{neighbour}", f"/api/v1/members/{neighbour}/history", f"/api/v1/dues/{neighbour}"):
            response = await members_client.get(path, headers=headers)
            assert response.status_code in (403, 404), (path, response.status_code)
            assert neighbours["neighbour"]["id_number_in_full"] not in response.text

    async def test_an_account_linked_to_no_record_finds_none(self, members_client: httpx.AsyncClient, tokens: Tokens) -> None:
        response = await members_client.get("/api/v1/me/record", headers=as_member(tokens, uuid.uuid4()))
        assert response.status_code == 404

    @pytest.mark.parametrize("path", OWN_PATHS)
    async def test_only_a_linked_member_account_has_an_own_view(
        self, members_client: httpx.AsyncClient, tokens: Tokens, neighbours: dict[str, Any], path: str
    ) -> None:
        me = neighbours["me"]["id"]
        refused = [
            tokens.headers("org_admin"),
            tokens.headers("viewer"),
            tokens.headers("member"),  # no member id
            tokens.headers("auditor", member_id=me),
            tokens.headers("service"),
            tokens.client("members:read", scope_org_id=neighbours["tree"]["county"]["id"]),
        ]
        statuses = [(await members_client.get(path, headers=headers)).status_code for headers in refused]
        assert statuses == [403] * len(refused)
