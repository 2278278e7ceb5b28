"""Compliance (三會一課) over known years and quarters, exemptions, and the work lists."""

import uuid
from typing import Any

import httpx

from tests.activities.builders import create_activity
from tests.activities.conftest import Replicas
from tests.support import Tokens


def at(month: int, day: int = 10, year: int = 2026) -> str:
    return f"{year}-{month:02d}-{day:02d}T09:00:00+08:00"


async def hold(
    client: httpx.AsyncClient, headers: dict[str, str], org_id: str, type: str, months: list[int], **extra: Any
) -> None:
    for month in months:
        await create_activity(client, headers, org_id=org_id, type=type, starts_at=at(month), **extra)


# The seeded types with a frequency (other tests may add types of their own to the shared database).
SEEDED = {
    "study_day",
    "general_meeting",
    "committee_meeting",
    "group_meeting",
    "party_lecture",
    "life_meeting",
    "democratic_review",
}


def items_of(report: dict[str, Any], org_id: str) -> dict[str, tuple[int, int, bool, bool]]:
    (org,) = [o for o in report["organizations"] if o["org_id"] == org_id]
    return {i["type"]: (i["expected"], i["held"], i["exempt"], i["met"]) for i in org["items"] if i["type"] in SEEDED}


class TestCompliance:
    async def test_a_year_of_a_branch_with_two_groups(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        tree = await replicas.tree()
        admin = tokens.headers("org_admin")
        branch = tree["branch"]
        await hold(activities_client, admin, branch, "study_day", list(range(1, 13)))
        await hold(activities_client, admin, branch, "general_meeting", [2, 5, 8])
        await hold(activities_client, admin, branch, "party_lecture", [3, 6, 9, 12])
        await hold(activities_client, admin, branch, "life_meeting", [12])
        await hold(activities_client, admin, tree["group_a"], "group_meeting", list(range(1, 13)))
        await hold(activities_client, admin, tree["group_b"], "group_meeting", list(range(1, 11)))
        # Not counted: planned, cancelled, and held outside the year in local time.
        await hold(activities_client, admin, branch, "general_meeting", [11], status="planned")
        cancelled = await create_activity(activities_client, admin, org_id=branch, type="general_meeting", starts_at=at(11))
        await activities_client.post(f"/api/v1/activities/{cancelled['id']}/cancel", headers=admin)
        await create_activity(
            activities_client, admin, org_id=branch, type="general_meeting", starts_at="2026-12-31T20:00:00+00:00"
        )
        await create_activity(
            activities_client, admin, org_id=branch, type="general_meeting", starts_at="2025-12-31T23:00:00+08:00"
        )
        exemption = await activities_client.post(
            "/api/v1/compliance/exemptions",
            json={"org_id": branch, "type": "democratic_review", "starts_on": "2026-01-01", "reason": "新成立支部"},
            headers=admin,
        )
        assert exemption.status_code == 201, exemption.text

        response = await activities_client.get(
            "/api/v1/compliance", params={"within": tree["township"], "period": "2026"}, headers=tokens.headers("viewer")
        )

        assert response.status_code == 200, response.text
        report = response.json()
        assert [o["org_id"] for o in report["organizations"]] == [tree["community"], branch]
        assert items_of(report, branch) == {
            "democratic_review": (0, 0, True, True),
            "general_meeting": (4, 3, False, False),
            "group_meeting": (24, 22, False, False),
            "life_meeting": (1, 1, False, True),
            "party_lecture": (4, 4, False, True),
            "study_day": (12, 12, False, True),
        }
        assert items_of(report, tree["community"]) == {
            "committee_meeting": (12, 0, False, False),
            "democratic_review": (1, 0, False, False),
            "general_meeting": (4, 0, False, False),
            "life_meeting": (1, 0, False, False),
            "party_lecture": (4, 0, False, False),
            "study_day": (12, 0, False, False),
        }
        (branch_row,) = [o for o in report["organizations"] if o["org_id"] == branch]
        assert (branch_row["groups"], branch_row["met"]) == (2, False)

        quarter = (
            await activities_client.get(
                "/api/v1/compliance", params={"within": branch, "period": "2026-Q1"}, headers=tokens.headers("viewer")
            )
        ).json()
        assert items_of(quarter, branch) == {
            "general_meeting": (1, 1, False, True),
            "group_meeting": (6, 6, False, True),
            "party_lecture": (1, 1, False, True),
            "study_day": (3, 3, False, True),
        }

    async def test_a_period_like_2026_q5_is_a_problem_naming_the_field(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        tree = await replicas.tree()

        response = await activities_client.get(
            "/api/v1/compliance", params={"within": tree["township"], "period": "2026-Q5"}, headers=tokens.headers("viewer")
        )

        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["errors"][0]["field"] == "period"

    async def test_outside_the_callers_scope_is_not_found(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        tree = await replicas.tree()
        outsider = tokens.headers("viewer", scope_org_id=uuid.UUID(tree["other_township"]))

        response = await activities_client.get(
            "/api/v1/compliance", params={"within": tree["township"], "period": "2026"}, headers=outsider
        )

        assert response.status_code == 404


class TestWorkLists:
    async def test_organizations_that_only_hold_the_study_day(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        tree = await replicas.tree()
        admin = tokens.headers("org_admin")
        only_study = await replicas.org(tier="inner", kind="branch", parent=tree["community"])
        await hold(activities_client, admin, only_study, "study_day", [1, 2, 3])
        await hold(activities_client, admin, tree["branch"], "study_day", [1, 2])
        await hold(activities_client, admin, tree["branch"], "party_lecture", [3])
        await hold(activities_client, admin, only_study, "party_lecture", [3], status="planned")

        response = await activities_client.get(
            "/api/v1/compliance/study-day-only", params={"within": tree["township"], "period": "2026-Q1"}, headers=admin
        )

        assert [(o["org_id"], o["held"]) for o in response.json()["items"]] == [(only_study, 3)]

    async def test_members_with_no_attendance_for_months_move_with_the_as_of_day(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        tree = await replicas.tree()
        admin = tokens.headers("org_admin")
        recent, spring, never, excused_only = [await replicas.member(org_id=tree["branch"]) for _ in range(4)]
        march = await create_activity(activities_client, admin, org_id=tree["branch"], starts_at=at(3))
        october = await create_activity(activities_client, admin, org_id=tree["branch"], starts_at=at(10))
        await activities_client.post(
            f"/api/v1/activities/{march['id']}/attendance",
            json={"records": [{"member_id": spring, "status": "present"}]},
            headers=admin,
        )
        await activities_client.post(
            f"/api/v1/activities/{october['id']}/attendance",
            json={
                "records": [
                    {"member_id": recent, "status": "present"},
                    {"member_id": excused_only, "status": "excused", "reason": "病假"},
                ]
            },
            headers=admin,
        )

        async def listed(as_of: str) -> set[str]:
            response = await activities_client.get(
                "/api/v1/compliance/inactive-members", params={"within": tree["community"], "as_of": as_of}, headers=admin
            )
            assert response.status_code == 200, response.text
            return {m["member_id"] for m in response.json()["items"]}

        assert await listed("2026-11-26") == {spring, never, excused_only}
        # As of April the October attendance has not happened yet.
        assert await listed("2026-04-01") == {recent, never, excused_only}

        seen: list[str] = []
        cursor = None
        while True:
            params = {"within": tree["community"], "as_of": "2026-11-26", "limit": 2} | ({"cursor": cursor} if cursor else {})
            page = (await activities_client.get("/api/v1/compliance/inactive-members", params=params, headers=admin)).json()
            seen += [m["member_id"] for m in page["items"]]
            cursor = page["next_cursor"]
            if not cursor:
                break
        assert sorted(seen) == sorted({spring, never, excused_only})

    async def test_moving_an_activity_moves_its_attendance_in_the_inactive_list(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        tree = await replicas.tree()
        admin = tokens.headers("org_admin")
        member = await replicas.member(org_id=tree["branch"])
        meeting = await create_activity(activities_client, admin, org_id=tree["branch"], starts_at=at(10))
        await activities_client.post(
            f"/api/v1/activities/{meeting['id']}/attendance",
            json={"records": [{"member_id": member, "status": "present"}]},
            headers=admin,
        )
        params = {"within": tree["branch"], "as_of": "2026-11-26"}

        before = await activities_client.get("/api/v1/compliance/inactive-members", params=params, headers=admin)
        await activities_client.patch(
            f"/api/v1/activities/{meeting['id']}", json={"starts_at": at(1)}, headers=admin | {"If-Match": "*"}
        )
        after = await activities_client.get("/api/v1/compliance/inactive-members", params=params, headers=admin)

        assert before.json()["items"] == []
        assert [(m["member_id"], m["last"]) for m in after.json()["items"]] == [(member, "2026-01-10")]

    async def test_followed_members_not_contacted_for_n_days(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        tree = await replicas.tree()
        admin = tokens.headers("org_admin")
        floating_recent = await replicas.member(org_id=tree["branch"], whereabouts="floating_out")
        floating_stale = await replicas.member(org_id=tree["branch"], whereabouts="floating_out")
        displaced = await replicas.member(org_id=tree["branch"], whereabouts="displaced")
        await replicas.member(org_id=tree["branch"], whereabouts="resident")
        elsewhere = await replicas.org(tier="inner", kind="branch", parent=tree["other_township"])
        not_transferred = await replicas.member(
            org_id=elsewhere, whereabouts="not_transferred", residence_community_id=tree["community_id"]
        )
        for member, day in ((floating_recent, "2026-10-01"), (floating_stale, "2026-06-01")):
            contact = await activities_client.post(
                "/api/v1/contacts",
                json={"org_id": tree["branch"], "member_id": member, "contacted_on": day, "kind": "regular", "channel": "phone"},
                headers=admin,
            )
            assert contact.status_code == 201, contact.text

        async def listed(as_of: str) -> set[str]:
            response = await activities_client.get(
                "/api/v1/compliance/uncontacted-members", params={"within": tree["community"], "as_of": as_of}, headers=admin
            )
            return {m["member_id"] for m in response.json()["items"]}

        assert await listed("2026-11-26") == {floating_stale, displaced, not_transferred}
        # In June the October contact is still to come; the June one is fresh.
        assert await listed("2026-06-15") == {floating_recent, displaced, not_transferred}

    async def test_green_channel_members_without_home_service_in_the_period(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        tree = await replicas.tree()
        admin = tokens.headers("org_admin")
        served = await replicas.member(org_id=tree["branch"], care_programs=["green_channel"])
        unserved = await replicas.member(org_id=tree["branch"], care_programs=["green_channel", "education_upgrade"])
        await replicas.member(org_id=tree["branch"], care_programs=["education_upgrade"])
        await create_activity(
            activities_client, admin, org_id=tree["branch"], type="home_study_delivery", starts_at=at(5), served_member_id=served
        )
        await create_activity(
            activities_client, admin, org_id=tree["branch"], type="home_visit", starts_at=at(9), served_member_id=unserved
        )

        response = await activities_client.get(
            "/api/v1/compliance/green-channel-unserved", params={"within": tree["township"], "period": "2026-Q2"}, headers=admin
        )

        assert [m["member_id"] for m in response.json()["items"]] == [unserved]
