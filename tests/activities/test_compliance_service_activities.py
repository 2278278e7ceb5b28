"""`GET /internal/community-service-activities`: held service activities per community in a
window, for the orgs service's "few service activities" diagnostic — one call for a subtree."""

import uuid

import httpx

from tests.activities.builders import create_activity
from tests.activities.conftest import Replicas
from tests.support import Tokens


class TestCommunityServiceActivities:
    async def test_held_service_activities_of_each_communitys_organizations_in_the_window(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        tree = await replicas.tree()
        admin = tokens.headers("org_admin")
        other_id = str(uuid.uuid4())
        other = await replicas.org(tier="community", parent=tree["other_township"], community_id=other_id)
        for org_id, starts_at, status in (
            (tree["community"], "2026-03-10T09:00:00+08:00", "held"),
            (tree["branch"], "2025-12-01T09:00:00+08:00", "held"),
            (tree["branch"], "2025-11-26T09:00:00+08:00", "held"),  # the window's first day
            (tree["branch"], "2025-11-25T09:00:00+08:00", "held"),  # before the window
            (tree["branch"], "2026-04-10T09:00:00+08:00", "planned"),
            (other, "2026-03-10T09:00:00+08:00", "held"),
        ):
            await create_activity(
                activities_client, admin, org_id=org_id, type="volunteer_service", starts_at=starts_at, status=status
            )
        # Not a service activity.
        await create_activity(
            activities_client, admin, org_id=tree["branch"], type="study_day", starts_at="2026-03-10T09:00:00+08:00"
        )
        window = {"start": "2025-11-26", "end": "2026-11-25"}
        service = tokens.headers("service")

        township = await activities_client.get(
            "/internal/community-service-activities", params={"within": tree["township"], **window}, headers=service
        )
        county = await activities_client.get(
            "/internal/community-service-activities", params={"within": tree["county"], **window}, headers=service
        )
        refused = await activities_client.get(
            "/internal/community-service-activities", params={"within": tree["county"], **window}, headers=admin
        )

        assert township.status_code == 200, township.text
        assert township.json()["counts"] == {tree["community_id"]: 3}
        assert county.json()["counts"] == {tree["community_id"]: 3, other_id: 1}
        assert refused.status_code == 403
