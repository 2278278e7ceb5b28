"""Contacts with members through HTTP."""

import uuid

import httpx

from tests.activities.conftest import Replicas
from tests.support import Tokens


class TestContacts:
    async def test_contacts_are_listed_per_member_within_scope(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        tree = await replicas.tree()
        admin = tokens.headers("org_admin")
        member = await replicas.member(org_id=tree["branch"], whereabouts="floating_out")
        body = {"org_id": tree["branch"], "member_id": member, "kind": "random", "channel": "message", "notes": "在深圳務工"}
        for day in ("2026-05-01", "2026-08-01"):
            assert (
                await activities_client.post("/api/v1/contacts", json=body | {"contacted_on": day}, headers=admin)
            ).status_code == 201
        unknown = await activities_client.post(
            "/api/v1/contacts", json=body | {"contacted_on": "2026-08-01", "member_id": str(uuid.uuid4())}, headers=admin
        )
        outsider = tokens.headers("viewer", scope_org_id=uuid.UUID(tree["other_township"]))

        listed = await activities_client.get("/api/v1/contacts", params={"member_id": member}, headers=admin)
        hidden = await activities_client.get("/api/v1/contacts", params={"member_id": member}, headers=outsider)

        assert unknown.json()["type"] == "/problems/unknown-member"
        assert [c["contacted_on"] for c in listed.json()["items"]] == ["2026-05-01", "2026-08-01"]
        assert hidden.json()["items"] == []
