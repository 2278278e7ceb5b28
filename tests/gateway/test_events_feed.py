"""Events for other systems through the gateway: the pull feed by scope.

The gateway's log is filled through its own feed handlers with synthetic service events, so
these tests need no service processes; tests/e2e/test_webhooks.py does it with the real ones.
"""

import uuid

import pytest
from sqlalchemy import select

from gateway.events.models import EventRecord
from tests.gateway.conftest import Gateway


class TestPullFeed:
    async def test_a_client_reads_the_families_of_its_scopes_in_order(self, gateway: Gateway) -> None:
        start = await gateway.last_seq()
        county = await gateway.org()
        first = await gateway.member_event(county)
        second = await gateway.member_event(county, "member.updated")
        await gateway.event("activities", "activity.created", {"id": str(uuid.uuid4()), "org_id": county["id"]})

        members_only = gateway.client_headers("members:read")
        response = await gateway.client.get("/api/v1/events", params={"after": start}, headers=members_only)

        assert response.status_code == 200, response.text
        body = response.json()
        assert [event["id"] for event in body["events"]] == [str(first.id), str(second.id)]
        assert body["next_cursor"] == body["events"][-1]["cursor"]
        again = await gateway.client.get("/api/v1/events", params={"after": body["next_cursor"]}, headers=members_only)
        assert again.json() == {"events": [], "next_cursor": body["next_cursor"]}

    async def test_a_scoped_client_sees_only_events_in_its_subtree(self, gateway: Gateway) -> None:
        start = await gateway.last_seq()
        county = await gateway.org()
        inside = await gateway.org(county)
        outside = await gateway.org()
        seen = await gateway.member_event(inside)
        await gateway.member_event(outside)

        headers = gateway.client_headers("members:read", "orgs:read", scope_org_id=county["id"])
        response = await gateway.client.get("/api/v1/events", params={"after": start}, headers=headers)

        events = response.json()["events"]
        assert [e["type"] for e in events] == ["org.created", "org.created", "member.created"]
        assert {e["aggregate_id"] for e in events} == {county["id"], inside["id"], str(seen.aggregate_id)}

    async def test_a_scope_outside_the_known_tree_sees_nothing(self, gateway: Gateway) -> None:
        start = await gateway.last_seq()
        await gateway.member_event(await gateway.org())
        headers = gateway.client_headers("members:read", scope_org_id=str(uuid.uuid4()))
        response = await gateway.client.get("/api/v1/events", params={"after": start}, headers=headers)
        assert response.json()["events"] == []

    async def test_the_type_filter_takes_names_and_families(self, gateway: Gateway) -> None:
        start = await gateway.last_seq()
        county = await gateway.org()
        await gateway.member_event(county)
        changed = await gateway.member_event(county, "member.state_changed")
        headers = gateway.client_headers("members:read", "orgs:read")
        by_name = await gateway.client.get(
            "/api/v1/events", params={"after": start, "types": "member.state_changed"}, headers=headers
        )
        by_family = await gateway.client.get("/api/v1/events", params={"after": start, "types": "org.*"}, headers=headers)
        assert [e["id"] for e in by_name.json()["events"]] == [str(changed.id)]
        assert [e["type"] for e in by_family.json()["events"]] == ["org.created"]

    @pytest.mark.parametrize(
        ("roles", "status"),
        [(("sysadmin",), 403), (("secadmin",), 403), (("auditor",), 403), (("member",), 403), (("viewer",), 200)],
    )
    async def test_who_may_read_the_feed(self, gateway: Gateway, roles: tuple[str, ...], status: int) -> None:
        response = await gateway.client.get("/api/v1/events", headers=gateway.tokens.headers(*roles))
        assert response.status_code == status

    async def test_a_client_without_read_scopes_is_refused_and_no_token_is_401(self, gateway: Gateway) -> None:
        refused = await gateway.client.get("/api/v1/events", headers=gateway.client_headers("activities:write"))
        anonymous = await gateway.client.get("/api/v1/events")
        assert refused.status_code == 403
        assert anonymous.status_code == 401

    async def test_a_bad_cursor_is_a_400_problem(self, gateway: Gateway) -> None:
        response = await gateway.client.get(
            "/api/v1/events", params={"after": "abc"}, headers=gateway.client_headers("members:read")
        )
        assert response.status_code == 400
        assert response.headers["content-type"] == "application/problem+json"

    async def test_personal_numbers_never_reach_the_log(self, gateway: Gateway) -> None:
        start = await gateway.last_seq()
        county = await gateway.org()
        await gateway.member_event(county, id_number="110105194001010015", phone="13812345678", name="黨員")
        response = await gateway.client.get(
            "/api/v1/events", params={"after": start, "types": "member.*"}, headers=gateway.client_headers("members:read")
        )
        payload = response.json()["events"][0]["payload"]
        assert payload["name"] == "黨員"
        assert "id_number" not in payload
        assert "phone" not in payload
        assert "13812345678" not in response.text

    async def test_the_birth_date_reaches_other_systems_and_the_log_only_to_the_month(self, gateway: Gateway) -> None:
        # With the region and the sex an exact birth date leaves 500 ID numbers (docs/security.md).
        start = await gateway.last_seq()
        county = await gateway.org()
        sent = await gateway.member_event(county, birth_date="1960-03-10", sex="male")
        response = await gateway.client.get(
            "/api/v1/events", params={"after": start, "types": "member.*"}, headers=gateway.client_headers("members:read")
        )
        async with gateway.db.read_sessions() as session:
            stored = await session.scalar(select(EventRecord.payload).where(EventRecord.event_id == sent.id))

        payload = response.json()["events"][0]["payload"]
        assert payload["birth_year_month"] == "1960-03"
        assert "birth_date" not in payload
        assert "1960-03-10" not in response.text
        assert stored is not None
        assert "birth_date" not in stored
        assert stored["birth_year_month"] == "1960-03"


# ---------------------------------------------------------------- subscriptions
