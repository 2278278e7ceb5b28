"""`GET /orgs/{id}/diagnostics` finds each organization-setup problem in a tree built for it, and
nothing in a healthy community."""

from typing import Any

import httpx

from tests.builders import create_org
from tests.orgs.builders import add_position, add_term, create_community
from tests.orgs.conftest import MembersStub
from tests.support import Tokens

AS_OF = "2026-11-26"


async def build_problem_tree(client: httpx.AsyncClient, admin: dict[str, str], stub: MembersStub) -> dict[str, Any]:
    """Community A: 150 members as a branch, a lone secretary who is not director, an overdue term,
    no reserve cadres, and an inner branch of 5 without a secretary whose term ends soon (its
    team is not judged by size: under 7 full members it has no committee).
    Community B: a general branch of 60 with a full team and everything in order."""
    county = await create_org(client, admin, tier="county")
    township = await create_org(client, admin, tier="township", parent_id=county["id"])
    a = await create_org(client, admin, tier="community", kind="branch", parent_id=township["id"], name="甲社區黨支部")
    a_inner = await create_org(client, admin, tier="inner", kind="branch", parent_id=a["id"], name="甲一支部")
    b = await create_org(client, admin, tier="community", kind="general_branch", parent_id=township["id"], name="乙社區黨總支")
    community_a = await create_community(client, admin, township_org_id=township["id"], party_org_id=a["id"], name="甲社區")
    community_b = await create_community(client, admin, township_org_id=township["id"], party_org_id=b["id"], name="乙社區")
    stub.set_count(a["id"], members=145, full=140)
    stub.set_count(a_inner["id"], members=5, full=5)
    stub.set_count(b["id"], members=60, full=60)

    await add_position(client, admin, org_id=a["id"], member_id=stub.new_member())
    assert (await add_term(client, admin, org_id=a["id"], started_on="2021-06-01")).status_code == 201
    assert (await add_term(client, admin, org_id=a_inner["id"], started_on="2022-03-01")).status_code == 201

    await add_position(
        client, admin, org_id=b["id"], member_id=stub.new_member(), concurrent_posts=["residents_committee_director"]
    )
    # A committee of 3 where one is required: its two committee members join together.
    committee = [
        {"member_id": stub.new_member(), "role": role, "since": "2024-01-01"}
        for role in ("organization_member", "propaganda_member")
    ]
    response = await client.post(f"/api/v1/orgs/{b['id']}/positions/batch", json={"positions": committee}, headers=admin)
    assert response.status_code == 201, response.text
    assert (await add_term(client, admin, org_id=b["id"], started_on="2024-01-01")).status_code == 201
    cadre = {"name": "後備", "birth_date": "1996-01-01", "education": "college", "since": "2025-01-01"}
    response = await client.post(f"/api/v1/communities/{community_b['id']}/reserve-cadres", json=cadre, headers=admin)
    assert response.status_code == 201
    return {"county": county, "a": a, "a_inner": a_inner, "b": b, "community_a": community_a}


def found(body: dict[str, Any]) -> dict[str, set[str]]:
    rules: dict[str, set[str]] = {}
    for item in body["items"]:
        rules.setdefault(item["rule"], set()).add(item["org_id"])
    return rules


class TestDiagnostics:
    async def test_each_problem_is_found_where_it_is_and_nowhere_else(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens, members_stub: MembersStub
    ) -> None:
        admin = tokens.headers("org_admin")
        tree = await build_problem_tree(orgs_api, admin, members_stub)

        response = await orgs_api.get(f"/api/v1/orgs/{tree['county']['id']}/diagnostics", params={"as_of": AS_OF}, headers=admin)

        assert response.status_code == 200, response.text
        a, a_inner = tree["a"]["id"], tree["a_inner"]["id"]
        assert found(response.json()) == {
            "form_mismatch": {a},
            "branch_too_large": {a},
            "team_too_small": {a},
            "no_secretary": {a_inner},
            "secretary_not_director": {a},
            "term_overdue": {a},
            "term_ending_soon": {a_inner},
            "no_reserve_cadres": {a},
        }

    async def test_each_item_has_its_figures_and_an_action(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens, members_stub: MembersStub
    ) -> None:
        admin = tokens.headers("org_admin")
        tree = await build_problem_tree(orgs_api, admin, members_stub)

        body = (await orgs_api.get(f"/api/v1/orgs/{tree['a']['id']}/diagnostics", params={"as_of": AS_OF}, headers=admin)).json()

        form = next(i for i in body["items"] if i["rule"] == "form_mismatch")
        assert form["figures"] == {"members": 150, "full_members": 145, "kind": "branch", "expected_kind": "committee"}
        assert form["org_name"] == "甲社區黨支部"
        assert all(i["action"] for i in body["items"])
        term = next(i for i in body["items"] if i["rule"] == "term_overdue")
        assert term["figures"]["ends_on"] == "2026-06-01"

    async def test_a_later_date_makes_a_term_overdue(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens, members_stub: MembersStub
    ) -> None:
        admin = tokens.headers("org_admin")
        tree = await build_problem_tree(orgs_api, admin, members_stub)

        body = (
            await orgs_api.get(f"/api/v1/orgs/{tree['county']['id']}/diagnostics", params={"as_of": "2027-04-01"}, headers=admin)
        ).json()

        assert found(body)["term_overdue"] == {tree["a"]["id"], tree["a_inner"]["id"]}

    async def test_member_counts_are_those_of_the_day_asked(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens, members_stub: MembersStub
    ) -> None:
        admin = tokens.headers("org_admin")
        tree = await build_problem_tree(orgs_api, admin, members_stub)
        # On 30 June community A's branch held 45 members (fine for a branch); today 150.
        members_stub.set_count(tree["a"]["id"], members=40, full=40, as_of="2026-06-30")
        members_stub.set_count(tree["a_inner"]["id"], members=5, full=5, as_of="2026-06-30")
        members_stub.set_count(tree["b"]["id"], members=60, full=60, as_of="2026-06-30")
        county = tree["county"]["id"]
        members_stub.days_asked.clear()  # building the tree asked for today's counts

        past = (await orgs_api.get(f"/api/v1/orgs/{county}/diagnostics", params={"as_of": "2026-06-30"}, headers=admin)).json()
        now = (await orgs_api.get(f"/api/v1/orgs/{county}/diagnostics", params={"as_of": AS_OF}, headers=admin)).json()
        for path in (f"/api/v1/orgs/{county}/worklists", "/api/v1/communities/survey"):
            response = await orgs_api.get(path, params={"as_of": "2026-06-30", "within": county}, headers=admin)
            assert response.status_code == 200, response.text

        assert "form_mismatch" not in found(past)
        assert "branch_too_large" not in found(past)
        assert found(now)["form_mismatch"] == {tree["a"]["id"]}
        assert set(members_stub.days_asked) == {
            ("member-counts", "2026-06-30"),
            ("member-counts", AS_OF),
            ("community-member-counts", "2026-06-30"),
        }

    async def test_the_thresholds_follow_the_policy(self, test_db: Any, tokens: Tokens, members_stub: MembersStub) -> None:
        from services.orgs.app import create_app
        from services.orgs.rules import OrgsPolicy
        from tests.orgs.conftest import orgs_settings, stubbed_peers
        from tests.support import in_process

        settings = orgs_settings(test_db, policy=OrgsPolicy(branch_max_members=200, committee_above_members=200))
        async with in_process(create_app(settings, peers=stubbed_peers(settings, members_stub))) as client:
            admin = tokens.headers("org_admin")
            tree = await build_problem_tree(client, admin, members_stub)
            body = (
                await client.get(f"/api/v1/orgs/{tree['county']['id']}/diagnostics", params={"as_of": AS_OF}, headers=admin)
            ).json()

        rules = found(body)
        assert "branch_too_large" not in rules
        # 150 members is now a general branch's size, still not a branch's.
        form = next(i for i in body["items"] if i["rule"] == "form_mismatch")
        assert form["figures"]["expected_kind"] == "general_branch"

    async def test_members_service_down_is_a_503_not_a_wrong_answer(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens, members_stub: MembersStub
    ) -> None:
        admin = tokens.headers("org_admin")
        tree = await build_problem_tree(orgs_api, admin, members_stub)
        members_stub.down = True

        response = await orgs_api.get(f"/api/v1/orgs/{tree['county']['id']}/diagnostics", headers=admin)

        assert response.status_code == 503
        assert response.headers["content-type"] == "application/problem+json"

    async def test_out_of_scope_is_404(self, orgs_api: httpx.AsyncClient, tokens: Tokens, members_stub: MembersStub) -> None:
        import uuid

        admin = tokens.headers("org_admin")
        tree = await build_problem_tree(orgs_api, admin, members_stub)
        viewer = tokens.headers("viewer", scope_org_id=uuid.UUID(tree["b"]["id"]))

        response = await orgs_api.get(f"/api/v1/orgs/{tree['a']['id']}/diagnostics", headers=viewer)

        assert response.status_code == 404


class TestPolicyDiagnostics:
    """The thresholds that only advise: usual committee size, a members' congress, joint-branch units, approval."""

    async def test_each_is_found_where_it_is(self, test_db: Any, tokens: Tokens, members_stub: MembersStub) -> None:
        from services.orgs.app import create_app
        from services.orgs.rules import OrgsPolicy
        from tests.orgs.conftest import orgs_settings, stubbed_peers
        from tests.support import in_process

        # The joint branch gets 3 units while 5 are allowed; then the limit is lowered to 2.
        settings = orgs_settings(test_db, policy=OrgsPolicy(joint_branch_max_units=2))
        admin = tokens.headers("org_admin")
        async with in_process(create_app(orgs_settings(test_db), peers=stubbed_peers(settings, members_stub))) as client:
            county = await create_org(client, admin, tier="county")
            township = await create_org(client, admin, tier="township", parent_id=county["id"])
            large = await create_org(client, admin, tier="community", kind="committee", parent_id=township["id"])
            at_approval = await create_org(client, admin, tier="community", kind="committee", parent_id=township["id"])
            small = await create_org(client, admin, tier="community", kind="branch", parent_id=township["id"])
            joint = await create_org(client, admin, tier="unit", kind="joint_branch", parent_id=small["id"])
            community = await create_community(client, admin, township_org_id=township["id"], party_org_id=small["id"])
            members_stub.set_count(large["id"], members=620, full=600)
            members_stub.set_count(at_approval["id"], members=100, full=100)
            members_stub.set_count(small["id"], members=40, full=40)
            members_stub.set_count(joint["id"], members=6, full=6)
            roles = ("secretary", "deputy_secretary", "organization_member", "propaganda_member", "discipline_member")
            team = [{"member_id": members_stub.new_member(), "role": r, "since": "2024-01-01"} for r in roles]
            team.append({"member_id": members_stub.new_member(), "role": "committee_member", "since": "2024-01-01"})
            response = await client.post(f"/api/v1/orgs/{large['id']}/positions/batch", json={"positions": team}, headers=admin)
            assert response.status_code == 201, response.text
            for i in range(3):
                unit = {"community_id": community["id"], "name": f"單位{i}", "category": "other", "party_org_id": joint["id"]}
                assert (await client.post("/api/v1/units", json=unit, headers=admin)).status_code == 201
            default = (
                await client.get(f"/api/v1/orgs/{county['id']}/diagnostics", params={"as_of": AS_OF}, headers=admin)
            ).json()
        async with in_process(create_app(settings, peers=stubbed_peers(settings, members_stub))) as client:
            lowered = (
                await client.get(f"/api/v1/orgs/{county['id']}/diagnostics", params={"as_of": AS_OF}, headers=admin)
            ).json()

        rules = found(default)
        assert rules["committee_above_usual_size"] == {large["id"]}
        assert rules["representatives_congress"] == {large["id"]}
        assert "joint_branch_too_many_units" not in rules
        # A committee of exactly 100 members is allowed with the county's approval: no form mismatch.
        assert at_approval["id"] not in rules.get("form_mismatch", set())
        size = next(i for i in default["items"] if i["rule"] == "committee_above_usual_size")
        assert size["figures"] == {"team_size": 6, "usual_maximum": 5, "maximum": 7}
        assert found(lowered)["joint_branch_too_many_units"] == {joint["id"]}
