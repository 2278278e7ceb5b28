"""`GET /members/survey`: the members' half of the survey report, per setting, from the org and
position replicas (fed here through the service's own feed handler)."""

import uuid
from datetime import UTC, datetime
from typing import Any

import httpx

from services.kit.outbox import START, FeedEvent
from services.members.events import apply_org_event
from tests.builders import member_body
from tests.members.conftest import OrgReplica
from tests.support import Tokens

AS_OF = "2026-06-30"


async def create(client: httpx.AsyncClient, tokens: Tokens, **body: Any) -> str:
    response = await client.post("/api/v1/members", json=member_body(**body), headers=tokens.headers("org_admin"))
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def position(replica: OrgReplica, org: dict[str, Any], member_id: str, role: str, **values: Any) -> None:
    payload = {
        "id": str(uuid.uuid4()),
        "org_id": org["id"],
        "member_id": member_id,
        "role": role,
        "since": "2024-01-01",
        "until": None,
        "source": "elected",
        "concurrent_posts": [],
        "version": 1,
    } | values
    event = FeedEvent(
        cursor=START,
        id=uuid.uuid4(),
        type="position.created",
        aggregate_id=uuid.UUID(payload["id"]),
        payload=payload,
        occurred_at=datetime.now(UTC),
    )
    async with replica.db.write_sessions() as session:
        await apply_org_event(session, event)
        await session.commit()


async def community(replica: OrgReplica, township: dict[str, Any], setting: str) -> dict[str, Any]:
    org = await replica.add(tier="community", kind="branch", parent=township, setting=setting)
    return await replica.change(org, "org.updated", community_id=str(uuid.uuid4()))


async def survey(client: httpx.AsyncClient, tokens: Tokens, **params: Any) -> httpx.Response:
    return await client.get("/api/v1/members/survey", params={"as_of": AS_OF} | params, headers=tokens.headers("viewer"))


class TestMembersSurvey:
    async def test_members_teams_and_whereabouts_are_counted_per_setting(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        county = await replica.add(tier="county")
        township = await replica.add(tier="township", parent=county)
        rural = await community(replica, township, "rural")
        urban = await community(replica, township, "urban")
        # Rural: aged 46 on the day exactly (counts), one day short of 46 (does not), 70 and joined 1970.
        a = await create(members_client, tokens, org_id=rural["id"], birth_date="1980-06-30", education="college")
        b = await create(members_client, tokens, org_id=rural["id"], birth_date="1980-07-01", education="junior_high")
        old = {"birth_date": "1950-01-01", "education": "primary_or_below", "joined_on": "1970-05-01"}
        await create(members_client, tokens, org_id=rural["id"], **old)
        floating = await create(members_client, tokens, org_id=rural["id"], birth_date="1990-01-01", education="bachelor")
        moved = await members_client.put(
            f"/api/v1/members/{floating}/whereabouts",
            json={"whereabouts": "floating_out", "since": "2026-01-01", "details": {"destination": "杭州"}},
            headers=tokens.headers("org_admin") | {"If-Match": "*"},
        )
        assert moved.status_code == 200, moved.text
        # Urban: one member; a unit's branch under the township, in no community, one (only in the total).
        u = await create(members_client, tokens, org_id=urban["id"], birth_date="1970-01-01", education="postgraduate")
        unit = await replica.add(tier="unit", kind="branch", parent=township)
        await create(members_client, tokens, org_id=unit["id"], birth_date="1960-01-01", education="junior_high")
        # Teams: a secretary aged 46 (≥45), a deputy who is also a committee member (once), a
        # position ended before the day (not counted); urban secretary aged 56.
        await position(replica, rural, a, "secretary")
        await position(replica, rural, b, "deputy_secretary")
        await position(replica, rural, b, "committee_member")
        await position(replica, rural, floating, "organization_member", until="2025-12-31")
        await position(replica, urban, u, "secretary")

        response = await survey(members_client, tokens, within=county["id"])

        assert response.status_code == 200, response.text
        body = response.json()
        r, un, t = body["rural"], body["urban"], body["total"]
        assert (r["members"], r["members_aged_46_plus"], r["members_junior_high_or_below"]) == (4, 2, 2)
        assert (r["members_joined_before_reform"], r["floating_out"], r["displaced"]) == (1, 1, 0)
        assert (r["team_members"], r["team_members_aged_46_plus"], r["team_members_college_or_above"]) == (2, 1, 1)
        assert (r["secretaries"], r["secretaries_aged_45_plus"], r["secretaries_college_or_above"]) == (1, 1, 1)
        assert (un["members"], un["team_members"], un["secretaries_college_or_above"]) == (1, 1, 1)
        assert (t["members"], t["members_aged_46_plus"], t["team_members"]) == (6, 4, 3)
        assert body["parameters"]["team_age_min"] == 46
        assert body["parameters"]["secretary_age_min"] == 45

    async def test_thresholds_are_parameters(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        county = await replica.add(tier="county")
        township = await replica.add(tier="township", parent=county)
        rural = await community(replica, township, "rural")
        a = await create(members_client, tokens, org_id=rural["id"], birth_date="1980-07-01")
        await position(replica, rural, a, "secretary")

        default = (await survey(members_client, tokens, within=county["id"])).json()["rural"]
        lowered = (await survey(members_client, tokens, within=county["id"], secretary_age_min=45, member_age_min=45)).json()

        assert (default["secretaries_aged_45_plus"], default["members_aged_46_plus"]) == (1, 0)
        assert (lowered["rural"]["secretaries_aged_45_plus"], lowered["rural"]["members_aged_46_plus"]) == (1, 1)
        assert lowered["parameters"]["member_age_min"] == 45

    async def test_not_transferred_members_count_by_residence_only(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        county = await replica.add(tier="county")
        township = await replica.add(tier="township", parent=county)
        rural = await community(replica, township, "rural")
        other_county = await replica.add(tier="county")
        elsewhere = await community(replica, await replica.add(tier="township", parent=other_county), "urban")
        details = {"relationship_org": "某單位黨委"}
        # Recorded by another county's community, living in ours: counted here, by residence.
        await create(
            members_client,
            tokens,
            org_id=elsewhere["id"],
            residence_community_id=rural["community_id"],
            whereabouts="not_transferred",
            whereabouts_details=details,
        )
        # No residence given: counted by the community of the organization that records them.
        await create(members_client, tokens, org_id=rural["id"], whereabouts="not_transferred", whereabouts_details=details)

        body = (await survey(members_client, tokens, within=county["id"])).json()

        assert (body["rural"]["not_transferred"], body["rural"]["members"], body["total"]["members"]) == (2, 0, 0)

    async def test_scope_and_roles(self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica) -> None:
        county = await replica.add(tier="county")
        other = await replica.add(tier="county")
        scoped = tokens.headers("viewer", scope_org_id=uuid.UUID(county["id"]))

        outside = await members_client.get("/api/v1/members/survey", params={"within": other["id"]}, headers=scoped)
        unknown = await members_client.get("/api/v1/members/survey", params={"within": str(uuid.uuid4())}, headers=scoped)
        sysadmin = await members_client.get("/api/v1/members/survey", headers=tokens.headers("sysadmin"))
        bad_age = await members_client.get("/api/v1/members/survey", params={"team_age_min": -1}, headers=scoped)
        rural = await community(replica, await replica.add(tier="township", parent=county), "rural")
        await create(members_client, tokens, org_id=rural["id"])
        # A scope the replica does not hold (yet) sees nothing, never everything.
        nowhere = tokens.headers("viewer", scope_org_id=uuid.uuid4())
        seen = await members_client.get("/api/v1/members/survey", headers=nowhere)
        own = await members_client.get("/api/v1/members/survey", headers=scoped)

        assert (outside.status_code, unknown.status_code, sysadmin.status_code, bad_age.status_code) == (404, 404, 403, 422)
        assert seen.json()["total"]["members"] == 0
        assert own.json()["total"]["members"] == 1


class TestCommunityMemberCounts:
    async def test_members_of_every_organization_inside_a_community_count_for_it(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        county = await replica.add(tier="county")
        township = await replica.add(tier="township", parent=county)
        rural = await community(replica, township, "rural")
        inner = await replica.add(tier="inner", kind="branch", parent=rural)
        inner = await replica.change(inner, "org.updated", community_id=rural["community_id"], setting="rural")
        await create(members_client, tokens, org_id=rural["id"])
        await create(members_client, tokens, org_id=inner["id"], party_status="probationary", full_on=None)
        gone = await create(members_client, tokens, org_id=inner["id"])
        leaving = {"state": "left", "effective_on": "2026-01-01"}
        left = await members_client.post(f"/api/v1/members/{gone}/state", json=leaving, headers=tokens.headers("org_admin"))
        assert left.status_code == 200, left.text

        response = await members_client.get(
            "/internal/community-member-counts", params={"within": county["id"]}, headers=tokens.headers("service")
        )
        refused = await members_client.get("/internal/community-member-counts", headers=tokens.headers("viewer"))

        assert response.status_code == 200, response.text
        assert response.json()["counts"] == {rural["community_id"]: {"members": 2, "full": 1, "probationary": 1}}
        assert refused.status_code == 403
