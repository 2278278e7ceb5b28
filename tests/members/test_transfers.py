"""Relationship transfers: request → approved (letter) → received; refused, cancelled, expired."""

from typing import Any

import httpx

from tests.builders import member_body
from tests.members.conftest import OrgReplica
from tests.support import Tokens


async def create(client: httpx.AsyncClient, tokens: Tokens, **body: Any) -> dict[str, Any]:
    response = await client.post("/api/v1/members", json=member_body(**body), headers=tokens.headers("org_admin"))
    assert response.status_code == 201, response.text
    return dict(response.json())


async def post(client: httpx.AsyncClient, tokens: Tokens, path: str, body: dict[str, Any]) -> httpx.Response:
    return await client.post(path, json=body, headers=tokens.headers("org_admin"))


async def member(client: httpx.AsyncClient, tokens: Tokens, member_id: str) -> dict[str, Any]:
    return dict((await client.get(f"/api/v1/members/{member_id}", headers=tokens.headers("viewer"))).json())


async def requested(client: httpx.AsyncClient, tokens: Tokens, **body: Any) -> dict[str, Any]:
    response = await post(client, tokens, "/api/v1/transfers", {"requested_on": "2026-11-01"} | body)
    assert response.status_code == 201, response.text
    return dict(response.json())


class TestTransferWithinTheSystem:
    async def test_the_member_moves_only_when_the_transfer_is_received(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        m = await create(members_client, tokens, org_id=tree["branch"]["id"])
        t = await requested(members_client, tokens, member_id=m["id"], kind="within", to_org_id=tree["small"]["id"])
        assert t["status"] == "requested"

        approved = await post(
            members_client,
            tokens,
            f"/api/v1/transfers/{t['id']}/approve",
            {"decided_on": "2026-11-02", "letter_number": "介字001號"},
        )
        assert approved.status_code == 200, approved.text
        assert approved.json()["valid_until"] == "2027-02-02"
        assert (await member(members_client, tokens, m["id"]))["org_id"] == tree["branch"]["id"]

        received = await post(members_client, tokens, f"/api/v1/transfers/{t['id']}/receive", {"received_on": "2026-11-20"})

        assert received.status_code == 200, received.text
        assert received.json()["status"] == "received"
        assert (await member(members_client, tokens, m["id"]))["org_id"] == tree["small"]["id"]
        history = (await members_client.get(f"/api/v1/members/{m['id']}/history", headers=tokens.headers("viewer"))).json()
        assert history[-1]["kind"] == "org_changed"
        assert history[-1]["details"]["letter_number"] == "介字001號"

    async def test_a_letter_across_provinces_is_valid_six_months(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        m = await create(members_client, tokens, org_id=tree["branch"]["id"])
        t = await requested(
            members_client, tokens, member_id=m["id"], kind="out", external_org="外省某支部", across_provinces=True
        )

        approved = await post(
            members_client, tokens, f"/api/v1/transfers/{t['id']}/approve", {"decided_on": "2026-11-02", "letter_number": "L-2"}
        )

        assert approved.json()["valid_until"] == "2027-05-02"

    async def test_an_expired_letter_cannot_be_received(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        m = await create(members_client, tokens, org_id=tree["branch"]["id"])
        t = await requested(
            members_client, tokens, member_id=m["id"], kind="within", to_org_id=tree["small"]["id"], requested_on="2026-01-05"
        )
        await post(
            members_client, tokens, f"/api/v1/transfers/{t['id']}/approve", {"decided_on": "2026-01-10", "letter_number": "L-3"}
        )

        late = await post(members_client, tokens, f"/api/v1/transfers/{t['id']}/receive", {"received_on": "2026-06-01"})
        shown = await members_client.get(f"/api/v1/transfers/{t['id']}", headers=tokens.headers("viewer"))

        assert late.status_code == 409
        assert shown.json()["status"] == "expired"
        assert (await member(members_client, tokens, m["id"]))["org_id"] == tree["branch"]["id"]

    async def test_to_an_organization_that_cannot_hold_members(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        m = await create(members_client, tokens, org_id=tree["branch"]["id"])
        await replica.change(tree["small"], "org.dissolved", status="dissolved")

        response = await post(
            members_client,
            tokens,
            "/api/v1/transfers",
            {"member_id": m["id"], "kind": "within", "to_org_id": tree["small"]["id"], "requested_on": "2026-11-01"},
        )

        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "to_org_id"

    async def test_one_transfer_at_a_time_and_a_rejected_one_closes(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        m = await create(members_client, tokens, org_id=tree["branch"]["id"])
        t = await requested(members_client, tokens, member_id=m["id"], kind="within", to_org_id=tree["small"]["id"])
        second = await post(
            members_client,
            tokens,
            "/api/v1/transfers",
            {"member_id": m["id"], "kind": "out", "external_org": "某地", "requested_on": "2026-11-01"},
        )
        rejected = await post(members_client, tokens, f"/api/v1/transfers/{t['id']}/reject", {"decided_on": "2026-11-03"})
        receive_after = await post(members_client, tokens, f"/api/v1/transfers/{t['id']}/receive", {"received_on": "2026-11-04"})

        assert second.status_code == 409
        assert rejected.json()["status"] == "rejected"
        assert receive_after.status_code == 409


class TestTransferOutAndIn:
    async def test_a_received_transfer_out_closes_the_record(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        m = await create(members_client, tokens, org_id=tree["branch"]["id"])
        t = await requested(members_client, tokens, member_id=m["id"], kind="out", external_org="外縣某支部")
        await post(
            members_client, tokens, f"/api/v1/transfers/{t['id']}/approve", {"decided_on": "2026-11-02", "letter_number": "L"}
        )

        await post(members_client, tokens, f"/api/v1/transfers/{t['id']}/receive", {"received_on": "2026-11-10"})

        record = await member(members_client, tokens, m["id"])
        assert (record["state"], record["state_since"]) == ("transferred_out", "2026-11-10")

    async def test_a_not_transferred_member_transfers_in_and_becomes_a_member_here(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        m = await create(
            members_client,
            tokens,
            org_id=tree["small"]["id"],
            whereabouts="not_transferred",
            whereabouts_details={"relationship_org": "外縣某村支部"},
        )
        t = await requested(members_client, tokens, member_id=m["id"], kind="in", to_org_id=tree["branch"]["id"])
        assert t["external_org"] == "外縣某村支部"
        await post(
            members_client, tokens, f"/api/v1/transfers/{t['id']}/approve", {"decided_on": "2026-11-02", "letter_number": "L"}
        )

        await post(members_client, tokens, f"/api/v1/transfers/{t['id']}/receive", {"received_on": "2026-11-10"})

        record = await member(members_client, tokens, m["id"])
        assert (record["org_id"], record["whereabouts"]) == (tree["branch"]["id"], "resident")

    async def test_a_resident_member_cannot_transfer_in(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        m = await create(members_client, tokens, org_id=tree["small"]["id"])
        response = await post(
            members_client,
            tokens,
            "/api/v1/transfers",
            {"member_id": m["id"], "kind": "in", "to_org_id": tree["branch"]["id"], "requested_on": "2026-11-01"},
        )
        assert response.status_code == 422
