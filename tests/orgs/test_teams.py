"""Terms and elections, and team positions, through HTTP."""

import uuid

import httpx

from tests.builders import create_org
from tests.orgs.builders import add_position, add_term, create_community_tree, events_of
from tests.orgs.conftest import MembersStub
from tests.support import Tokens


class TestTerms:
    async def test_a_community_term_is_planned_for_five_years(self, orgs_api: httpx.AsyncClient, tokens: Tokens) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_community_tree(orgs_api, admin)

        response = await add_term(
            orgs_api,
            admin,
            org_id=tree["party_org"]["id"],
            started_on="2021-03-01",
            elected_on="2021-02-28",
            election_method="members_meeting",
            eligible_voters=100,
            voters_present=90,
            lowest_votes_elected=60,
        )

        assert response.status_code == 201, response.text
        assert response.json()["ends_on"] == "2026-03-01"

    async def test_a_unit_branch_term_is_planned_for_three_years(self, orgs_api: httpx.AsyncClient, tokens: Tokens) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_community_tree(orgs_api, admin)
        unit_branch = await create_org(orgs_api, admin, tier="unit", kind="branch", parent_id=tree["party_org"]["id"])

        response = await add_term(orgs_api, admin, org_id=unit_branch["id"], started_on="2021-03-01")

        assert response.json()["ends_on"] == "2024-03-01"

    async def test_an_election_without_four_fifths_present_is_refused(self, orgs_api: httpx.AsyncClient, tokens: Tokens) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_community_tree(orgs_api, admin)

        response = await add_term(
            orgs_api, admin, org_id=tree["party_org"]["id"], eligible_voters=50, voters_present=40, lowest_votes_elected=30
        )

        assert response.status_code == 422
        assert [e["field"] for e in response.json()["errors"]] == ["voters_present"]
        assert (await orgs_api.get(f"/api/v1/orgs/{tree['party_org']['id']}/terms", headers=admin)).json() == []

    async def test_elected_with_only_half_is_refused(self, orgs_api: httpx.AsyncClient, tokens: Tokens) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_community_tree(orgs_api, admin)

        response = await add_term(
            orgs_api, admin, org_id=tree["party_org"]["id"], eligible_voters=50, voters_present=46, lowest_votes_elected=23
        )

        assert response.status_code == 422
        assert [e["field"] for e in response.json()["errors"]] == ["lowest_votes_elected"]

    async def test_a_term_number_must_grow(self, orgs_api: httpx.AsyncClient, tokens: Tokens) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_community_tree(orgs_api, admin)
        await add_term(orgs_api, admin, org_id=tree["party_org"]["id"], number=2, started_on="2021-01-01")

        response = await add_term(orgs_api, admin, org_id=tree["party_org"]["id"], number=2, started_on="2026-01-01")

        assert response.status_code == 422

    async def test_a_count_beyond_any_electorate_is_a_422(self, orgs_api: httpx.AsyncClient, tokens: Tokens) -> None:
        # Found by the fuzzing (tests/fuzz): 18676664393385 voters overflowed PostgreSQL's integer
        # column (a 500); SQLite took it.
        admin = tokens.headers("org_admin")
        tree = await create_community_tree(orgs_api, admin)

        response = await add_term(
            orgs_api, admin, org_id=tree["party_org"]["id"], number=1, started_on="2021-01-01", eligible_voters=18676664393385
        )

        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["field"] == "eligible_voters"


class TestTermsDue:
    async def test_overdue_and_ending_soon_are_listed_as_of_a_date(self, orgs_api: httpx.AsyncClient, tokens: Tokens) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_community_tree(orgs_api, admin)
        unit = await create_org(orgs_api, admin, tier="unit", kind="branch", parent_id=tree["party_org"]["id"])
        quiet = await create_org(orgs_api, admin, tier="unit", kind="branch", parent_id=tree["party_org"]["id"])
        await add_term(orgs_api, admin, org_id=tree["party_org"]["id"], started_on="2021-06-01")  # ends 2026-06-01
        await add_term(orgs_api, admin, org_id=unit["id"], started_on="2024-03-01")  # ends 2027-03-01
        await add_term(orgs_api, admin, org_id=quiet["id"], started_on="2025-03-01")  # ends 2028-03-01

        response = await orgs_api.get(
            "/api/v1/terms", params={"within": tree["county"]["id"], "as_of": "2026-11-26"}, headers=admin
        )

        assert response.status_code == 200
        due = {(i["org_id"], i["due"]) for i in response.json()["items"]}
        assert due == {(tree["party_org"]["id"], "overdue"), (unit["id"], "ending_soon")}

    async def test_moving_today_changes_what_is_due(self, orgs_api: httpx.AsyncClient, tokens: Tokens) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_community_tree(orgs_api, admin)
        await add_term(orgs_api, admin, org_id=tree["party_org"]["id"], started_on="2021-06-01")

        early = await orgs_api.get("/api/v1/terms", params={"within": tree["county"]["id"], "as_of": "2025-06-01"}, headers=admin)
        late = await orgs_api.get(
            "/api/v1/terms",
            params={"within": tree["county"]["id"], "as_of": "2025-06-01", "ending_within_days": 400},
            headers=admin,
        )

        assert early.json()["items"] == []
        assert [i["due"] for i in late.json()["items"]] == ["ending_soon"]

    async def test_a_newer_term_replaces_the_overdue_one(self, orgs_api: httpx.AsyncClient, tokens: Tokens) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_community_tree(orgs_api, admin)
        # Term 1 ends (as planned) on 2025-06-01, overdue by the date asked; term 2 is elected a year late.
        first = await add_term(orgs_api, admin, org_id=tree["party_org"]["id"], number=1, started_on="2020-06-01")
        second = await add_term(orgs_api, admin, org_id=tree["party_org"]["id"], number=2, started_on="2026-06-01")
        assert (first.status_code, second.status_code) == (201, 201), second.text

        response = await orgs_api.get(
            "/api/v1/terms", params={"within": tree["county"]["id"], "as_of": "2026-11-26"}, headers=admin
        )

        assert response.json()["items"] == []


class TestPositions:
    async def test_a_secretary_with_a_concurrent_post(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens, members_stub: MembersStub
    ) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_community_tree(orgs_api, admin)

        position = await add_position(
            orgs_api,
            admin,
            org_id=tree["party_org"]["id"],
            member_id=members_stub.new_member(),
            concurrent_posts=["residents_committee_director"],
        )

        assert position["concurrent_posts"] == ["residents_committee_director"]
        assert position["source"] == "elected"

    async def test_a_second_secretary_at_the_same_time_is_refused(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens, members_stub: MembersStub
    ) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_community_tree(orgs_api, admin)
        org_id = tree["party_org"]["id"]
        await add_position(orgs_api, admin, org_id=org_id, member_id=members_stub.new_member())

        refused = await add_position(orgs_api, admin, org_id=org_id, member_id=members_stub.new_member(), expect=422)

        assert refused["type"] == "/problems/team-rule"
        assert len((await orgs_api.get(f"/api/v1/orgs/{org_id}/positions", headers=admin)).json()) == 1

    async def test_a_successor_after_the_secretary_left_is_fine(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens, members_stub: MembersStub
    ) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_community_tree(orgs_api, admin)
        org_id = tree["party_org"]["id"]
        first = await add_position(orgs_api, admin, org_id=org_id, member_id=members_stub.new_member(), since="2020-01-01")
        ended = await orgs_api.patch(
            f"/api/v1/orgs/{org_id}/positions/{first['id']}", json={"until": "2024-12-31"}, headers=admin | {"If-Match": "*"}
        )
        assert ended.status_code == 200

        await add_position(orgs_api, admin, org_id=org_id, member_id=members_stub.new_member(), since="2025-01-01")

        current = await orgs_api.get(f"/api/v1/orgs/{org_id}/positions", params={"as_of": "2025-06-01"}, headers=admin)
        assert len(current.json()) == 1

    async def test_an_unknown_member_is_refused(self, orgs_api: httpx.AsyncClient, tokens: Tokens) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_community_tree(orgs_api, admin)

        refused = await add_position(orgs_api, admin, org_id=tree["party_org"]["id"], member_id=str(uuid.uuid4()), expect=422)

        assert refused["errors"][0]["field"] == "member_id"

    async def test_no_committee_roles_under_seven_full_members(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens, members_stub: MembersStub
    ) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_community_tree(orgs_api, admin)
        members_stub.set_count(tree["party_org"]["id"], members=4, full=4)
        members_stub.set_count(tree["inner"]["id"], members=3, full=2)  # 6 full in the subtree

        refused = await add_position(
            orgs_api,
            admin,
            org_id=tree["party_org"]["id"],
            member_id=members_stub.new_member(),
            role="organization_member",
            expect=422,
        )
        members_stub.set_count(tree["inner"]["id"], members=3, full=3)  # now 7
        # A committee has at least 3 people: the secretary and deputy come first.
        for role in ("secretary", "deputy_secretary"):
            await add_position(orgs_api, admin, org_id=tree["party_org"]["id"], member_id=members_stub.new_member(), role=role)
        allowed = await add_position(
            orgs_api, admin, org_id=tree["party_org"]["id"], member_id=members_stub.new_member(), role="organization_member"
        )

        assert "committee" in refused["detail"]
        assert allowed["role"] == "organization_member"

    async def test_an_end_before_the_start_is_refused(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens, members_stub: MembersStub
    ) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_community_tree(orgs_api, admin)

        await add_position(
            orgs_api,
            admin,
            org_id=tree["party_org"]["id"],
            member_id=members_stub.new_member(),
            since="2025-01-01",
            until="2024-01-01",
            expect=422,
        )

        assert (await orgs_api.get(f"/api/v1/orgs/{tree['party_org']['id']}/positions", headers=admin)).json() == []


class TestCommitteeMinimum:
    """Where 7 or more full members require a committee, it has at least 3 people."""

    async def committee_org(self, client: httpx.AsyncClient, admin: dict[str, str], stub: MembersStub) -> str:
        tree = await create_community_tree(client, admin)
        stub.set_count(tree["party_org"]["id"], members=30, full=30)
        return str(tree["party_org"]["id"])

    async def test_a_committee_role_alone_beside_the_secretary_is_refused(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens, members_stub: MembersStub
    ) -> None:
        admin = tokens.headers("org_admin")
        org_id = await self.committee_org(orgs_api, admin, members_stub)
        await add_position(orgs_api, admin, org_id=org_id, member_id=members_stub.new_member())

        refused = await add_position(
            orgs_api, admin, org_id=org_id, member_id=members_stub.new_member(), role="organization_member", expect=422
        )

        assert refused["type"] == "/problems/team-rule"
        assert "at least 3" in refused["detail"]
        listed = await orgs_api.get(f"/api/v1/orgs/{org_id}/positions", headers=admin)
        assert [p["role"] for p in listed.json()] == ["secretary"]

    async def test_a_whole_committee_joins_at_once(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens, members_stub: MembersStub
    ) -> None:
        admin = tokens.headers("org_admin")
        org_id = await self.committee_org(orgs_api, admin, members_stub)
        roles = ("secretary", "organization_member", "propaganda_member")
        body = {"positions": [{"member_id": members_stub.new_member(), "role": r, "since": "2024-01-01"} for r in roles]}

        response = await orgs_api.post(f"/api/v1/orgs/{org_id}/positions/batch", json=body, headers=admin)

        assert response.status_code == 201, response.text
        assert [p["role"] for p in response.json()] == list(roles)
        events = await events_of(orgs_api, tokens.headers("service", scopes=("events:read",)), response.json()[1]["id"])
        assert [e["type"] for e in events] == ["position.created"]

    async def test_a_batch_is_all_or_nothing(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens, members_stub: MembersStub
    ) -> None:
        admin = tokens.headers("org_admin")
        org_id = await self.committee_org(orgs_api, admin, members_stub)
        roles = ("secretary", "secretary", "organization_member")
        body = {"positions": [{"member_id": members_stub.new_member(), "role": r, "since": "2024-01-01"} for r in roles]}

        response = await orgs_api.post(f"/api/v1/orgs/{org_id}/positions/batch", json=body, headers=admin)

        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] in ("positions.0.role", "positions.1.role")
        assert (await orgs_api.get(f"/api/v1/orgs/{org_id}/positions", headers=admin)).json() == []

    async def test_a_batch_with_an_unknown_member_names_its_place(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens, members_stub: MembersStub
    ) -> None:
        admin = tokens.headers("org_admin")
        org_id = await self.committee_org(orgs_api, admin, members_stub)
        body = {
            "positions": [
                {"member_id": members_stub.new_member(), "role": "secretary", "since": "2024-01-01"},
                {"member_id": str(uuid.uuid4()), "role": "deputy_secretary", "since": "2024-01-01"},
            ]
        }

        response = await orgs_api.post(f"/api/v1/orgs/{org_id}/positions/batch", json=body, headers=admin)

        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "positions.1.member_id"
        assert (await orgs_api.get(f"/api/v1/orgs/{org_id}/positions", headers=admin)).json() == []

    async def test_ending_a_position_may_not_leave_a_committee_of_two(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens, members_stub: MembersStub
    ) -> None:
        admin = tokens.headers("org_admin")
        org_id = await self.committee_org(orgs_api, admin, members_stub)
        roles = ("secretary", "organization_member", "propaganda_member")
        body = {"positions": [{"member_id": members_stub.new_member(), "role": r, "since": "2024-01-01"} for r in roles]}
        created = (await orgs_api.post(f"/api/v1/orgs/{org_id}/positions/batch", json=body, headers=admin)).json()
        leaving = created[2]["id"]

        refused = await orgs_api.patch(
            f"/api/v1/orgs/{org_id}/positions/{leaving}", json={"until": "2025-06-30"}, headers=admin | {"If-Match": "*"}
        )
        assert refused.status_code == 422
        assert refused.json()["errors"][0]["field"] == "until"
        unchanged = await orgs_api.get(f"/api/v1/orgs/{org_id}/positions", headers=admin)
        assert [p["until"] for p in unchanged.json()] == [None, None, None]

        await add_position(
            orgs_api, admin, org_id=org_id, member_id=members_stub.new_member(), role="propaganda_member", since="2025-07-01"
        )
        ended = await orgs_api.patch(
            f"/api/v1/orgs/{org_id}/positions/{leaving}", json={"until": "2025-06-30"}, headers=admin | {"If-Match": "*"}
        )
        assert ended.status_code == 200, ended.text

    async def test_without_a_required_committee_a_position_may_end(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens, members_stub: MembersStub
    ) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_community_tree(orgs_api, admin)
        org_id = tree["party_org"]["id"]
        members_stub.set_count(org_id, members=5, full=5)
        secretary = await add_position(orgs_api, admin, org_id=org_id, member_id=members_stub.new_member())

        ended = await orgs_api.patch(
            f"/api/v1/orgs/{org_id}/positions/{secretary['id']}", json={"until": "2025-06-30"}, headers=admin | {"If-Match": "*"}
        )

        assert ended.status_code == 200


class TestElectionTiming:
    """The next term's election lies within a year of the previous term's planned end."""

    async def test_more_than_a_year_late_is_refused_and_nothing_written(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_community_tree(orgs_api, admin)
        org_id = tree["party_org"]["id"]
        assert (await add_term(orgs_api, admin, org_id=org_id, started_on="2016-01-10")).status_code == 201  # ends 2021-01-10

        late = await add_term(orgs_api, admin, org_id=org_id, number=2, started_on="2022-03-01", elected_on="2022-02-20")
        early = await add_term(orgs_api, admin, org_id=org_id, number=2, started_on="2020-01-01")

        assert late.status_code == 422
        assert late.json()["errors"][0]["field"] == "elected_on"
        assert early.status_code == 422
        assert early.json()["errors"][0]["field"] == "started_on"
        terms = await orgs_api.get(f"/api/v1/orgs/{org_id}/terms", headers=admin)
        assert [t["number"] for t in terms.json()] == [1]

    async def test_within_a_year_is_recorded(self, orgs_api: httpx.AsyncClient, tokens: Tokens) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_community_tree(orgs_api, admin)
        org_id = tree["party_org"]["id"]
        assert (await add_term(orgs_api, admin, org_id=org_id, started_on="2016-01-10")).status_code == 201

        response = await add_term(orgs_api, admin, org_id=org_id, number=2, started_on="2021-12-01", elected_on="2021-11-20")

        assert response.status_code == 201, response.text
