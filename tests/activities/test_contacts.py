"""Contacts with members through HTTP."""

import uuid

import httpx
from sqlalchemy import select

from services.activities.events import apply_member_event
from services.activities.models import floating_report_replica
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


class TestOwnReports:
    """A floating member's own periodic report (定期匯報, from the members feed) is a contact."""

    async def test_a_report_in_the_window_takes_the_member_off_the_uncontacted_list(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        tree = await replicas.tree()
        admin = tokens.headers("org_admin")
        reported = await replicas.member(org_id=tree["branch"], whereabouts="floating_out")
        reported_long_ago = await replicas.member(org_id=tree["branch"], whereabouts="floating_out")
        contacted_then_reported = await replicas.member(org_id=tree["branch"], whereabouts="floating_out")
        await replicas.floating_report(member_id=reported, reported_on="2026-10-01")
        await replicas.floating_report(member_id=reported_long_ago, reported_on="2026-03-01")
        await replicas.floating_report(member_id=contacted_then_reported, reported_on="2026-04-01")
        body = {"org_id": tree["branch"], "member_id": contacted_then_reported, "kind": "regular", "channel": "phone"}
        logged = await activities_client.post("/api/v1/contacts", json=body | {"contacted_on": "2026-03-15"}, headers=admin)
        assert logged.status_code == 201, logged.text

        async def uncontacted(as_of: str) -> dict[str, str | None]:
            params = {"within": tree["township"], "as_of": as_of}
            response = await activities_client.get("/api/v1/compliance/uncontacted-members", params=params, headers=admin)
            assert response.status_code == 200, response.text
            return {row["member_id"]: row["last"] for row in response.json()["items"]}

        # 90 days before 2026-11-26 is 2026-08-28: only the October report is in the window.
        assert await uncontacted("2026-11-26") == {reported_long_ago: "2026-03-01", contacted_then_reported: "2026-04-01"}
        # Before the October report was made it does not count; April's report is the later day.
        assert await uncontacted("2026-09-30") == {
            reported: None,
            reported_long_ago: "2026-03-01",
            contacted_then_reported: "2026-04-01",
        }
        assert await uncontacted("2026-04-30") == {reported: None}
        outsider = tokens.headers("viewer", scope_org_id=uuid.UUID(tree["other_township"]))
        hidden = await activities_client.get(
            "/api/v1/compliance/uncontacted-members", params={"within": tree["township"]}, headers=outsider
        )
        assert hidden.status_code == 404

    async def test_the_summary_counts_a_report_as_a_contact(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        tree = await replicas.tree()
        admin = tokens.headers("org_admin")
        reported = await replicas.member(org_id=tree["branch"], whereabouts="floating_out")
        await replicas.member(org_id=tree["branch"], whereabouts="floating_out")
        await replicas.floating_report(member_id=reported, reported_on="2026-10-01")

        async def summary(as_of: str) -> list[tuple[str, int, int]]:
            params = {"within": tree["township"], "as_of": as_of}
            response = await activities_client.get("/api/v1/contacts/summary", params=params, headers=admin)
            assert response.status_code == 200, response.text
            return [(o["org_id"], o["followed"], o["contacted"]) for o in response.json()["organizations"]]

        assert await summary("2026-11-26") == [(tree["branch"], 2, 1)]
        assert await summary("2026-09-30") == [(tree["branch"], 2, 0)]  # the report is still to come

    async def test_a_report_announced_twice_is_held_once(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        # A feed is replayed after a restart: the same report (same id and version) changes nothing.
        tree = await replicas.tree()
        member = await replicas.member(org_id=tree["branch"], whereabouts="floating_out")
        payload = {"id": str(uuid.uuid4()), "version": 1, "member_id": member, "org_id": None, "reported_on": "2026-10-01"}
        for _ in range(2):
            await replicas._apply(apply_member_event, "floating_report.submitted", payload)
        async with replicas.db.read_sessions() as session:
            held = (
                await session.execute(
                    select(floating_report_replica.c.id).where(floating_report_replica.c.member_id == uuid.UUID(member))
                )
            ).all()
        assert len(held) == 1
