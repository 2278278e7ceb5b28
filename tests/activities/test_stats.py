"""Statistics in SQL: by type, by month, by child organization's subtree; participation; hours."""

import httpx

from tests.activities.builders import create_activity
from tests.activities.conftest import Replicas
from tests.support import Tokens


async def stats(client: httpx.AsyncClient, headers: dict[str, str], within: str, group_by: str) -> dict[str, dict[str, object]]:
    response = await client.get(
        "/api/v1/activities/stats", params={"within": within, "period": "2026", "group_by": group_by}, headers=headers
    )
    assert response.status_code == 200, response.text
    return {row["key"]: row for row in response.json()["rows"]}


class TestStats:
    async def test_counts_participation_and_volunteer_hours(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        tree = await replicas.tree()
        admin = tokens.headers("org_admin")
        second = await replicas.org(tier="community", kind="branch", parent=tree["township"])
        a, b = [await replicas.member(org_id=tree["branch"]) for _ in range(2)]
        service = await create_activity(
            activities_client, admin, org_id=tree["branch"], type="volunteer_service", starts_at="2026-03-05T09:00:00+08:00"
        )
        await activities_client.post(
            f"/api/v1/activities/{service['id']}/attendance",
            json={"records": [{"member_id": a, "status": "present", "hours": "4"}, {"member_id": b, "status": "absent"}]},
            headers=admin,
        )
        await create_activity(
            activities_client, admin, org_id=tree["branch"], type="study_day", starts_at="2026-03-20T09:00:00+08:00"
        )
        await create_activity(
            activities_client, admin, org_id=second, type="study_day", starts_at="2026-07-01T09:00:00+08:00", status="planned"
        )
        await create_activity(activities_client, admin, org_id=second, type="study_day", starts_at="2025-07-01T09:00:00+08:00")

        by_type = await stats(activities_client, admin, tree["township"], "type")
        by_month = await stats(activities_client, admin, tree["township"], "month")
        by_org = await stats(activities_client, admin, tree["township"], "org")

        assert (by_type["study_day"]["activities"], by_type["study_day"]["held"]) == (2, 1)
        assert by_type["volunteer_service"]["participation_rate"] == 0.5
        assert by_type["volunteer_service"]["volunteer_hours"] == "4.00"
        assert {k: v["activities"] for k, v in by_month.items()} == {"2026-03": 2, "2026-07": 1}
        assert {k: v["activities"] for k, v in by_org.items()} == {tree["community"]: 2, second: 1}
