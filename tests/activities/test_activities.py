"""Activities through HTTP: create, change, hold, cancel, list, scope."""

import uuid

import httpx
from sqlalchemy import func, select

from services.activities.models import Activity
from services.kit.db import Database
from services.kit.outbox import START
from tests.activities.builders import create_activity
from tests.activities.conftest import Replicas
from tests.support import Tokens


async def activity_count(db: Database, org_id: str) -> int:
    async with db.read_sessions() as session:
        return int(await session.scalar(select(func.count()).where(Activity.org_id == uuid.UUID(org_id))) or 0)


async def feed_types(client: httpx.AsyncClient, tokens: Tokens, aggregate_id: str) -> list[str]:
    headers = tokens.headers("service", scopes=("events:read",))
    types: list[str] = []
    after = START
    while True:
        page = (await client.get("/internal/events", params={"after": after, "limit": 500}, headers=headers)).json()
        types += [e["type"] for e in page["events"] if e["aggregate_id"] == aggregate_id]
        if not page["events"]:
            return types
        after = page["next_cursor"]


class TestCreateActivity:
    async def test_every_field_is_kept_and_the_local_day_is_derived(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        tree = await replicas.tree()
        admin = tokens.headers("org_admin")
        venue = await activities_client.post(
            "/api/v1/venues", json={"org_id": tree["community"], "name": "黨群服務中心", "capacity": 80}, headers=admin
        )
        assert venue.status_code == 201, venue.text
        community = await replicas.community(
            township=tree["township"], party_org_id=tree["community"], community_id=tree["community_id"]
        )
        unit = await replicas.unit(community_id=community)

        created = await create_activity(
            activities_client,
            admin,
            org_id=tree["community"],
            type="party_lecture",
            starts_at="2026-03-31T20:00:00+00:00",
            ends_at="2026-03-31T22:00:00+00:00",
            location="二樓會議室",
            venue_id=venue.json()["id"],
            content="學習黨章",
            decisions="每月一次",
            campaign="five_good",
            unit_ids=[unit],
            status="planned",
        )

        read = (await activities_client.get(f"/api/v1/activities/{created['id']}", headers=admin)).json()
        assert read["starts_on"] == "2026-04-01"
        assert read["campaign"] == "five_good"
        assert read["unit_ids"] == [unit]
        assert read["venue_id"] == venue.json()["id"]
        assert read["status"] == "planned"
        assert read["version"] == 1

    async def test_an_end_before_the_start_is_refused_and_nothing_is_written(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas, activities_db: Database
    ) -> None:
        tree = await replicas.tree()

        response = await activities_client.post(
            "/api/v1/activities",
            json={
                "org_id": tree["branch"],
                "type": "study_day",
                "title": "x",
                "starts_at": "2026-03-10T10:00:00+08:00",
                "ends_at": "2026-03-10T09:00:00+08:00",
            },
            headers=tokens.headers("org_admin"),
        )

        assert response.status_code == 422
        assert response.json()["type"] == "/problems/invalid-schedule"
        assert response.json()["errors"][0]["field"] == "ends_at"
        assert await activity_count(activities_db, tree["branch"]) == 0

    async def test_an_organization_that_is_not_active_cannot_organize(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        tree = await replicas.tree()
        dissolved = await replicas.org(tier="inner", kind="branch", parent=tree["community"], status="dissolved")

        response = await activities_client.post(
            "/api/v1/activities",
            json={"org_id": dissolved, "type": "study_day", "title": "x", "starts_at": "2026-03-10T10:00:00+08:00"},
            headers=tokens.headers("org_admin"),
        )

        assert response.status_code == 422
        assert response.json()["type"] == "/problems/organization-cannot-organize"

    async def test_unknown_references_are_named(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        tree = await replicas.tree()
        admin = tokens.headers("org_admin")
        base = {"org_id": tree["branch"], "type": "study_day", "title": "x", "starts_at": "2026-03-10T10:00:00+08:00"}

        unknown_org = await activities_client.post("/api/v1/activities", json=base | {"org_id": str(uuid.uuid4())}, headers=admin)
        unknown_type = await activities_client.post("/api/v1/activities", json=base | {"type": "dancing"}, headers=admin)
        unknown_campaign = await activities_client.post("/api/v1/activities", json=base | {"campaign": "other"}, headers=admin)
        no_served = await activities_client.post("/api/v1/activities", json=base | {"type": "home_visit"}, headers=admin)
        naive_time = await activities_client.post(
            "/api/v1/activities", json=base | {"starts_at": "2026-03-10T10:00:00"}, headers=admin
        )

        assert unknown_org.json()["type"] == "/problems/unknown-organization"
        assert unknown_type.json()["type"] == "/problems/unknown-activity-type"
        assert unknown_campaign.json()["errors"][0]["field"] == "campaign"
        assert no_served.json()["errors"][0]["field"] == "served_member_id"
        assert naive_time.status_code == 422

    async def test_a_home_service_names_the_member_served(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        tree = await replicas.tree()
        elder = await replicas.member(org_id=tree["branch"], care_programs=["green_channel"])

        created = await create_activity(
            activities_client,
            tokens.headers("org_admin"),
            org_id=tree["branch"],
            type="home_study_delivery",
            served_member_id=elder,
        )

        assert created["served_member_id"] == elder

    async def test_a_viewer_may_not_create(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        tree = await replicas.tree()
        response = await activities_client.post(
            "/api/v1/activities",
            json={"org_id": tree["branch"], "type": "study_day", "title": "x", "starts_at": "2026-03-10T10:00:00+08:00"},
            headers=tokens.headers("viewer"),
        )
        assert response.status_code == 403


class TestChangeActivity:
    async def test_patch_hold_and_cancel_each_raise_the_version_and_go_out_as_events(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        tree = await replicas.tree()
        admin = tokens.headers("org_admin")
        created = await create_activity(activities_client, admin, org_id=tree["branch"], status="planned")
        path = f"/api/v1/activities/{created['id']}"

        patched = await activities_client.patch(
            path, json={"title": "新標題", "decisions": "決議"}, headers=admin | {"If-Match": "*"}
        )
        held = await activities_client.post(f"{path}/held", headers=admin)
        cancelled = await activities_client.post(f"{path}/cancel", headers=admin)
        after_cancel = await activities_client.patch(path, json={"title": "again"}, headers=admin | {"If-Match": "*"})

        assert patched.json()["title"] == "新標題"
        assert (patched.json()["version"], held.json()["version"], cancelled.json()["version"]) == (2, 3, 4)
        assert held.json()["status"] == "held"
        assert cancelled.json()["status"] == "cancelled"
        assert after_cancel.status_code == 422
        assert await feed_types(activities_client, tokens, created["id"]) == [
            "activity.created",
            "activity.updated",
            "activity.held",
            "activity.cancelled",
        ]

    async def test_a_patch_with_an_end_before_the_start_changes_nothing(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        tree = await replicas.tree()
        admin = tokens.headers("org_admin")
        created = await create_activity(activities_client, admin, org_id=tree["branch"], starts_at="2026-03-10T10:00:00+08:00")

        response = await activities_client.patch(
            f"/api/v1/activities/{created['id']}",
            json={"title": "changed", "ends_at": "2026-03-10T08:00:00+08:00"},
            headers=admin | {"If-Match": "*"},
        )

        assert response.status_code == 422
        read = (await activities_client.get(f"/api/v1/activities/{created['id']}", headers=admin)).json()
        assert (read["title"], read["ends_at"], read["version"]) == (created["title"], None, 1)

    async def test_a_held_activity_does_not_go_back_to_planned(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        tree = await replicas.tree()
        admin = tokens.headers("org_admin")
        created = await create_activity(activities_client, admin, org_id=tree["branch"], status="held")

        response = await activities_client.patch(
            f"/api/v1/activities/{created['id']}", json={"status": "planned"}, headers=admin | {"If-Match": "*"}
        )

        assert response.status_code == 422
        assert response.json()["type"] == "/problems/invalid-status-change"

    async def test_a_stale_if_match_is_412_and_changes_nothing(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        tree = await replicas.tree()
        admin = tokens.headers("org_admin")
        created = await create_activity(activities_client, admin, org_id=tree["branch"])
        path = f"/api/v1/activities/{created['id']}"
        etag = (await activities_client.get(path, headers=admin)).headers["etag"]

        fresh = await activities_client.patch(path, json={"title": "一"}, headers=admin | {"if-match": etag})
        stale = await activities_client.patch(path, json={"title": "二"}, headers=admin | {"if-match": etag})

        assert fresh.status_code == 200
        assert fresh.headers["etag"] == '"2"'
        assert stale.status_code == 412
        assert (await activities_client.get(path, headers=admin)).json()["title"] == "一"

    async def test_an_unknown_host_is_refused(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        tree = await replicas.tree()
        admin = tokens.headers("org_admin")
        created = await create_activity(activities_client, admin, org_id=tree["branch"])

        response = await activities_client.patch(
            f"/api/v1/activities/{created['id']}", json={"host_member_id": str(uuid.uuid4())}, headers=admin | {"If-Match": "*"}
        )

        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "host_member_id"


class TestListActivities:
    async def test_filters_by_subtree_type_and_days(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        tree = await replicas.tree()
        admin = tokens.headers("org_admin")
        lecture = await create_activity(activities_client, admin, org_id=tree["branch"], type="party_lecture")
        await create_activity(activities_client, admin, org_id=tree["branch"], type="study_day")
        late = await create_activity(activities_client, admin, org_id=tree["community"], starts_at="2026-09-01T09:00:00+08:00")

        by_type = await activities_client.get(
            "/api/v1/activities", params={"within": tree["township"], "type": "party_lecture"}, headers=admin
        )
        by_day = await activities_client.get(
            "/api/v1/activities", params={"within": tree["township"], "from": "2026-06-01"}, headers=admin
        )

        assert [a["id"] for a in by_type.json()["items"]] == [lecture["id"]]
        assert [a["id"] for a in by_day.json()["items"]] == [late["id"]]

    async def test_a_scoped_caller_sees_only_its_subtree(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        tree = await replicas.tree()
        created = await create_activity(activities_client, tokens.headers("org_admin"), org_id=tree["branch"])
        outsider = tokens.headers("org_admin", scope_org_id=uuid.UUID(tree["other_township"]))

        read = await activities_client.get(f"/api/v1/activities/{created['id']}", headers=outsider)
        patched = await activities_client.patch(
            f"/api/v1/activities/{created['id']}", json={"title": "x"}, headers=outsider | {"If-Match": "*"}
        )
        listed = await activities_client.get("/api/v1/activities", params={"within": tree["county"]}, headers=outsider)
        create = await activities_client.post(
            "/api/v1/activities",
            json={"org_id": tree["branch"], "type": "study_day", "title": "x", "starts_at": "2026-03-10T10:00:00+08:00"},
            headers=outsider,
        )

        assert read.status_code == 404
        assert patched.status_code == 404
        assert listed.json()["items"] == []
        assert create.status_code == 422
