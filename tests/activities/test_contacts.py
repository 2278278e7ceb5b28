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


async def test_the_summary_counts_followed_members_and_those_contacted_in_the_window_per_organization(
    activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
) -> None:
    tree = await replicas.tree()
    admin = tokens.headers("org_admin")
    recent = await replicas.member(org_id=tree["branch"], whereabouts="floating_out")
    stale = await replicas.member(org_id=tree["branch"], whereabouts="floating_out")
    await replicas.member(org_id=tree["branch"], whereabouts="displaced")
    await replicas.member(org_id=tree["branch"], whereabouts="resident")
    for member, day in ((recent, "2026-10-01"), (stale, "2026-06-01")):
        body = {"org_id": tree["branch"], "member_id": member, "contacted_on": day, "kind": "regular", "channel": "phone"}
        assert (await activities_client.post("/api/v1/contacts", json=body, headers=admin)).status_code == 201

    async def summary(as_of: str, **extra: str) -> list[tuple[str, int, int]]:
        params = {"within": tree["township"], "as_of": as_of, **extra}
        response = await activities_client.get("/api/v1/contacts/summary", params=params, headers=admin)
        assert response.status_code == 200, response.text
        return [(o["org_id"], o["followed"], o["contacted"]) for o in response.json()["organizations"]]

    assert await summary("2026-11-26") == [(tree["branch"], 3, 1)]
    assert await summary("2026-06-15") == [(tree["branch"], 3, 1)]  # the June contact is fresh, October's to come
    assert await summary("2026-11-26", days="365") == [(tree["branch"], 3, 2)]
    outsider = tokens.headers("viewer", scope_org_id=uuid.UUID(tree["other_township"]))
    hidden = await activities_client.get(
        "/api/v1/contacts/summary", params={"within": tree["township"], "as_of": "2026-11-26"}, headers=outsider
    )
    assert hidden.status_code == 404
