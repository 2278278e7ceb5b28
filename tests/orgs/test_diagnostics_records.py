"""`GET /orgs/{id}/diagnostics` finds the problems judged on a community's small records (a
cooperative merged with the community's party organization, an ageing or under-educated
workforce, venues without the basic facilities) where they are, and only in the caller's scope."""

from typing import Any

import httpx

from tests.builders import create_org
from tests.orgs.builders import add_position, create_community
from tests.orgs.conftest import ActivitiesStub, MembersStub
from tests.orgs.test_community_records import WORKER, post, two_townships
from tests.support import Tokens

AS_OF = "2026-11-26"


def records_found(body: dict[str, Any]) -> dict[str, set[str]]:
    rules: dict[str, set[str]] = {}
    for item in body["items"]:
        if item["rule"] in ("cooperative_merged", "workers_ageing", "venue_facilities_missing"):
            rules.setdefault(item["rule"], set()).add(item["figures"]["community_id"])
    return rules


async def build(client: httpx.AsyncClient, admin: dict[str, str]) -> dict[str, Any]:
    """甲 (first township): its cooperative's party organization is the community's own; three
    workers, two 50 or over and one with college; one venue without a service hall, one closed
    before the day that had it. 乙 (second township): a cooperative with its own organization,
    young college-educated workers, a venue with the basic set."""
    tree = await two_townships(client, admin)
    ours, theirs = tree["community"]["id"], tree["other"]["id"]
    await post(
        client, admin, "/api/v1/cooperatives", {"community_id": ours, "name": "甲社", "party_org_id": tree["party_org"]["id"]}
    )
    for birth_date, education in (("1970-01-01", "secondary"), ("1976-11-26", "college"), ("1995-05-05", "junior_high")):
        worker = {"community_id": ours, **WORKER, "birth_date": birth_date, "education": education}
        await post(client, admin, "/api/v1/community-workers", worker)
    # A worker who left before the day is not counted.
    await post(client, admin, "/api/v1/community-workers", {"community_id": ours, **WORKER, "until": "2020-01-01"})
    await post(
        client,
        admin,
        "/api/v1/community-venues",
        {"community_id": ours, "name": "活動室", "facilities": ["meeting_room", "activity_room"]},
    )
    await post(
        client,
        admin,
        "/api/v1/community-venues",
        {"community_id": ours, "name": "舊大廳", "facilities": ["service_hall"], "closed_on": "2026-01-01"},
    )

    cooperative_org = await post(
        client,
        admin,
        "/api/v1/orgs",
        {"name": "乙社黨支部", "tier": "inner", "kind": "branch", "parent_id": tree["other_org"]["id"]},
    )
    await post(
        client, admin, "/api/v1/cooperatives", {"community_id": theirs, "name": "乙社", "party_org_id": cooperative_org["id"]}
    )
    for name in ("乙一", "乙二"):
        worker = {"community_id": theirs, **WORKER, "name": name, "birth_date": "1990-01-01", "education": "bachelor"}
        await post(client, admin, "/api/v1/community-workers", worker)
    basic = ["meeting_room", "activity_room", "service_hall"]
    await post(client, admin, "/api/v1/community-venues", {"community_id": theirs, "name": "乙中心", "facilities": basic})
    return tree


class TestRecordDiagnostics:
    async def test_each_is_found_where_it_is_with_its_figures(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens, members_stub: MembersStub
    ) -> None:
        admin = tokens.headers("org_admin")
        tree = await build(orgs_api, admin)
        ours = tree["community"]["id"]

        response = await orgs_api.get(f"/api/v1/orgs/{tree['county']['id']}/diagnostics", params={"as_of": AS_OF}, headers=admin)

        assert response.status_code == 200, response.text
        body = response.json()
        assert records_found(body) == {"cooperative_merged": {ours}, "workers_ageing": {ours}, "venue_facilities_missing": {ours}}
        items = {i["rule"]: i for i in body["items"] if i["rule"] in records_found(body)}
        assert {i["org_id"] for i in items.values()} == {tree["party_org"]["id"]}
        assert items["workers_ageing"]["figures"] | {"community_id": None} == {
            "community_id": None,
            "community_name": "測試社區",
            "workers": 3,
            "old": 2,
            "old_share": 2 / 3,
            "old_age": 50,
            "college_or_above": 1,
            "college_share": 1 / 3,
            "ageing": True,
            "under_educated": True,
        }
        assert items["venue_facilities_missing"]["figures"]["missing"] == ["service_hall"]
        assert items["venue_facilities_missing"]["figures"]["venues"] == 1
        assert items["cooperative_merged"]["figures"]["cooperative_name"] == "甲社"
        assert all(i["action"] for i in items.values())

    async def test_a_township_sees_only_its_own_and_another_townships_tree_is_not_found(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens, members_stub: MembersStub
    ) -> None:
        admin = tokens.headers("org_admin")
        tree = await build(orgs_api, admin)
        theirs = tokens.headers("org_admin", scope_org_id=tree["other_township"]["id"])

        own = await orgs_api.get(
            f"/api/v1/orgs/{tree['other_township']['id']}/diagnostics", params={"as_of": AS_OF}, headers=theirs
        )
        other = await orgs_api.get(f"/api/v1/orgs/{tree['township']['id']}/diagnostics", params={"as_of": AS_OF}, headers=theirs)

        assert own.status_code == 200
        assert records_found(own.json()) == {}
        assert other.status_code == 404


class TestSimplyCombinedTeam:
    async def test_a_team_of_the_old_villages_teams_unchanged_since_the_merger_is_found(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens, members_stub: MembersStub
    ) -> None:
        """Two villages' organizations merge into each of two new community organizations on
        2024-01-01. 新甲's team is the two old secretaries, since the merger day; 新乙's has also a
        newcomer, chosen later."""
        admin = tokens.headers("org_admin")
        county = await create_org(orgs_api, admin, tier="county")
        township = await create_org(orgs_api, admin, tier="township", parent_id=county["id"])
        survivors = {}
        for name in ("新甲", "新乙"):
            survivor = await create_org(
                orgs_api, admin, tier="community", kind="general_branch", parent_id=township["id"], name=name
            )
            await create_community(orgs_api, admin, township_org_id=township["id"], party_org_id=survivor["id"], name=name)
            members_stub.set_count(survivor["id"], members=60, full=60)
            secretaries = []
            for village in ("東村", "西村"):
                old = await create_org(orgs_api, admin, tier="community", kind="branch", parent_id=township["id"], name=village)
                secretary = members_stub.new_member()
                await add_position(orgs_api, admin, org_id=old["id"], member_id=secretary, since="2019-01-01")
                secretaries.append(secretary)
                merge = await orgs_api.post(
                    f"/api/v1/orgs/{old['id']}/merge",
                    params={"as_of": "2024-01-01"},
                    json={"into_id": survivor["id"]},
                    headers=admin,
                )
                assert merge.status_code == 200, merge.text
            await add_position(orgs_api, admin, org_id=survivor["id"], member_id=secretaries[0], since="2024-01-01")
            await add_position(
                orgs_api, admin, org_id=survivor["id"], member_id=secretaries[1], role="deputy_secretary", since="2024-01-01"
            )
            survivors[name] = survivor
        newcomer = members_stub.new_member()
        await add_position(
            orgs_api, admin, org_id=survivors["新乙"]["id"], member_id=newcomer, role="organization_member", since="2025-03-01"
        )

        body = (await orgs_api.get(f"/api/v1/orgs/{county['id']}/diagnostics", params={"as_of": AS_OF}, headers=admin)).json()
        before = (
            await orgs_api.get(f"/api/v1/orgs/{county['id']}/diagnostics", params={"as_of": "2023-12-31"}, headers=admin)
        ).json()
        other = tokens.headers(
            "org_admin", scope_org_id=(await create_org(orgs_api, admin, tier="township", parent_id=county["id"]))["id"]
        )
        hidden = await orgs_api.get(f"/api/v1/orgs/{township['id']}/diagnostics", params={"as_of": AS_OF}, headers=other)

        combined = [i for i in body["items"] if i["rule"] == "simply_combined_team"]
        assert [i["org_id"] for i in combined] == [survivors["新甲"]["id"]]
        assert combined[0]["figures"] == {"merged_organizations": 2, "merged_on": "2024-01-01", "team_size": 2}
        assert not [i for i in before["items"] if i["rule"] == "simply_combined_team"]
        assert hidden.status_code == 404


class TestNoAdmissions:
    async def test_a_community_where_no_one_joined_for_three_years_is_found(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens, members_stub: MembersStub
    ) -> None:
        admin = tokens.headers("org_admin")
        tree = await two_townships(orgs_api, admin)
        ours, theirs = tree["community"]["id"], tree["other"]["id"]
        members_stub.latest_joined = {ours: "2023-11-26", theirs: "2023-11-27"}

        body = (
            await orgs_api.get(f"/api/v1/orgs/{tree['county']['id']}/diagnostics", params={"as_of": AS_OF}, headers=admin)
        ).json()
        township_admin = tokens.headers("org_admin", scope_org_id=tree["other_township"]["id"])
        hidden = await orgs_api.get(
            f"/api/v1/orgs/{tree['township']['id']}/diagnostics", params={"as_of": AS_OF}, headers=township_admin
        )

        found = [i for i in body["items"] if i["rule"] == "no_admissions"]
        assert [i["org_id"] for i in found] == [tree["party_org"]["id"]]
        assert found[0]["figures"] == {
            "community_id": ours,
            "community_name": "測試社區",
            "latest_joined_on": "2023-11-26",
            "years": 3,
        }
        assert hidden.status_code == 404


class TestFewServiceActivities:
    async def test_a_community_with_fewer_than_four_in_twelve_months_is_found(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens, activities_stub: ActivitiesStub
    ) -> None:
        admin = tokens.headers("org_admin")
        tree = await two_townships(orgs_api, admin)
        ours, theirs = tree["community"]["id"], tree["other"]["id"]
        activities_stub.service_activities = {theirs: 4}

        body = (
            await orgs_api.get(f"/api/v1/orgs/{tree['county']['id']}/diagnostics", params={"as_of": AS_OF}, headers=admin)
        ).json()
        township_admin = tokens.headers("org_admin", scope_org_id=tree["other_township"]["id"])
        hidden = await orgs_api.get(
            f"/api/v1/orgs/{tree['township']['id']}/diagnostics", params={"as_of": AS_OF}, headers=township_admin
        )

        found = [i for i in body["items"] if i["rule"] == "few_service_activities"]
        assert [(i["org_id"], i["figures"]) for i in found] == [
            (
                tree["party_org"]["id"],
                {"community_id": ours, "community_name": "測試社區", "held": 0, "minimum": 4, "months": 12},
            )
        ]
        assert body["not_evaluated"] == []
        assert activities_stub.service_windows[-1] == ("2025-11-27", AS_OF)
        assert hidden.status_code == 404

    async def test_without_the_activities_service_the_rest_still_answers_and_says_what_was_not_judged(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens, members_stub: MembersStub, activities_stub: ActivitiesStub
    ) -> None:
        admin = tokens.headers("org_admin")
        tree = await two_townships(orgs_api, admin)
        members_stub.latest_joined = {tree["community"]["id"]: "2020-01-01"}
        activities_stub.down = True  # refused

        response = await orgs_api.get(f"/api/v1/orgs/{tree['county']['id']}/diagnostics", params={"as_of": AS_OF}, headers=admin)

        assert response.status_code == 200, response.text
        assert response.json()["not_evaluated"] == ["few_service_activities"]
        rules = {i["rule"] for i in response.json()["items"]}
        assert "no_admissions" in rules
        assert "few_service_activities" not in rules
