"""GET /orgs/{id}/worklists: the community work lists of the diagnostics report, and their rules."""

from typing import Any

import httpx
import pytest

from services.orgs.enums import OrgKind
from services.orgs.rules import OrgsPolicy
from services.orgs.rules import worklists as rules
from tests.builders import create_org
from tests.orgs.builders import add_position, create_community, create_community_tree
from tests.orgs.conftest import MembersStub
from tests.support import Tokens

AS_OF = "2026-11-26"
POLICY = OrgsPolicy()


class TestRules:
    @pytest.mark.parametrize(
        ("cadres", "college", "thin", "poorly"),
        [(0, 0, True, True), (1, 1, True, False), (2, 1, False, False), (2, 0, False, True), (4, 1, False, True)],
    )
    def test_reserve_pools_are_thin_under_the_minimum_and_poorly_educated_under_the_share(
        self, cadres: int, college: int, thin: bool, poorly: bool
    ) -> None:
        assert rules.reserve_pool_problems(cadres, college, POLICY) == (thin, poorly)

    def test_the_form_alarm_is_more_than_the_policys_150_and_no_committee(self) -> None:
        assert not rules.form_called_out(OrgKind.general_branch, 150, POLICY)
        assert rules.form_called_out(OrgKind.general_branch, 151, POLICY)
        assert not rules.form_called_out(OrgKind.committee, 400, POLICY)
        assert not rules.form_called_out(OrgKind.general_branch, 151, OrgsPolicy(form_alarm_members=200))


async def work_lists(client: httpx.AsyncClient, headers: dict[str, str], org_id: str) -> dict[str, Any]:
    response = await client.get(f"/api/v1/orgs/{org_id}/worklists", params={"as_of": AS_OF}, headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


def communities(lists: dict[str, Any], key: str) -> set[str]:
    return {item["community_id"] for item in lists[key]}


async def post(client: httpx.AsyncClient, headers: dict[str, str], path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = await client.post(path, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


class TestWorkLists:
    async def test_a_team_meeting_all_three_60_percent_is_not_listed_one_short_is(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens, members_stub: MembersStub
    ) -> None:
        admin = tokens.headers("org_admin")
        good, short = await create_community_tree(orgs_api, admin), await create_community_tree(orgs_api, admin)
        for tree in (good, short):
            members_stub.set_count(tree["party_org"]["id"], members=30)
            for role in ("secretary", "deputy_secretary"):
                young = members_stub.new_member(birth_date="1990-05-01", education="bachelor")
                await add_position(
                    orgs_api, admin, org_id=tree["party_org"]["id"], member_id=young, role=role,
                    concurrent_posts=["residents_committee_member"],
                )  # fmt: skip
        for role in ("organization_member", "propaganda_member"):
            older = members_stub.new_member(birth_date="1960-05-01", education="junior_high")
            await add_position(orgs_api, admin, org_id=short["party_org"]["id"], member_id=older, role=role)

        good_lists = await work_lists(orgs_api, admin, good["county"]["id"])
        short_lists = await work_lists(orgs_api, admin, short["county"]["id"])

        assert communities(good_lists, "below_leading_goose") == set()
        [gap] = short_lists["below_leading_goose"]
        assert gap["community_id"] == short["community"]["id"]
        assert gap["team_size"] == 4
        assert gap["college_or_above"] == {"count": 2, "share": 0.5, "threshold": 0.6, "met": False}
        assert gap["under_age_limit"]["met"] is False

    async def test_reserve_pools_thin_or_poorly_educated_are_listed(self, orgs_api: httpx.AsyncClient, tokens: Tokens) -> None:
        admin = tokens.headers("org_admin")
        tree = await create_community_tree(orgs_api, admin)
        county, township = tree["county"]["id"], tree["township"]["id"]
        pools = {"one": ["bachelor"], "educated": ["college", "junior_high"], "uneducated": ["secondary", "junior_high"]}
        ids = {}
        for name, educations in pools.items():
            top = await create_org(orgs_api, admin, tier="community", kind="branch", parent_id=township)
            community = await create_community(orgs_api, admin, township_org_id=township, party_org_id=top["id"], name=name)
            ids[name] = community["id"]
            for education in educations:
                body = {"name": "後備", "birth_date": "1992-01-01", "education": education, "since": "2025-01-01"}
                await post(orgs_api, admin, f"/api/v1/communities/{community['id']}/reserve-cadres", body)

        lists = await work_lists(orgs_api, admin, county)

        listed = {item["community_id"]: item for item in lists["reserve_pools"]}
        assert (listed[ids["one"]]["thin"], listed[ids["one"]]["poorly_educated"]) == (True, False)
        assert ids["educated"] not in listed
        assert (listed[ids["uneducated"]]["thin"], listed[ids["uneducated"]]["poorly_educated"]) == (False, True)
        assert listed[tree["community"]["id"]]["cadres"] == 0  # none at all

    async def test_units_without_a_current_co_building_agreement_are_listed(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        admin = tokens.headers("org_admin")
        covered = await create_community_tree(orgs_api, admin)
        lapsed = await create_community_tree(orgs_api, admin)
        without_units = await create_community_tree(orgs_api, admin)
        for tree, ends_on in ((covered, None), (lapsed, "2025-12-31")):
            community_id = tree["community"]["id"]
            unit = await post(
                orgs_api, admin, "/api/v1/units", {"community_id": community_id, "name": "某公司", "category": "enterprise"}
            )
            body = {"unit_id": unit["id"], "community_id": community_id, "started_on": "2024-01-01", "content": "共建"}
            await post(orgs_api, admin, "/api/v1/co-building", body | ({"ends_on": ends_on} if ends_on else {}))

        found = set()
        for tree in (covered, lapsed, without_units):
            found |= communities(await work_lists(orgs_api, admin, tree["county"]["id"]), "units_without_co_building")

        assert found == {lapsed["community"]["id"]}

    async def test_over_the_alarm_without_a_committee_is_called_out(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens, members_stub: MembersStub
    ) -> None:
        admin = tokens.headers("org_admin")
        at = await create_community_tree(orgs_api, admin, kind="general_branch")
        over = await create_community_tree(orgs_api, admin, kind="general_branch")
        members_stub.set_count(at["party_org"]["id"], members=100)
        members_stub.set_count(at["inner"]["id"], members=50)
        members_stub.set_count(over["party_org"]["id"], members=100)
        members_stub.set_count(over["inner"]["id"], members=51)  # the subtree counts

        at_lists = await work_lists(orgs_api, admin, at["county"]["id"])
        over_lists = await work_lists(orgs_api, admin, over["county"]["id"])

        assert at_lists["form_called_out"] == []
        [alarm] = over_lists["form_called_out"]
        assert (alarm["members"], alarm["kind"], alarm["threshold"]) == (151, "general_branch", 150)

    async def test_out_of_scope_is_404_and_the_three_administrators_are_refused(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        admin = tokens.headers("org_admin")
        mine, other = await create_community_tree(orgs_api, admin), await create_community_tree(orgs_api, admin)
        scoped = tokens.headers("viewer", scope_org_id=mine["county"]["id"])

        outside = await orgs_api.get(f"/api/v1/orgs/{other['county']['id']}/worklists", headers=scoped)
        refused = await orgs_api.get(f"/api/v1/orgs/{mine['county']['id']}/worklists", headers=tokens.headers("auditor"))

        assert outside.status_code == 404
        assert refused.status_code == 403
