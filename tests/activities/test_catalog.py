"""The activity type dictionary and the venues through HTTP."""

import uuid

import httpx

from tests.activities.builders import create_activity
from tests.activities.conftest import Replicas
from tests.support import Tokens


class TestActivityTypes:
    async def test_the_seed_types_are_all_there_with_the_policy_frequencies(
        self, activities_client: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        types = {
            t["code"]: t for t in (await activities_client.get("/api/v1/activity-types", headers=tokens.headers("viewer"))).json()
        }

        assert len({"study_day", "general_meeting", "committee_meeting", "group_meeting", "party_lecture"} & set(types)) == 5
        assert len([t for t in types.values() if t["builtin"]]) == 17
        assert types["general_meeting"]["frequency"] == "quarterly"
        assert types["study_day"]["zh_hant"] == "黨員學習日/主題黨日"

    async def test_an_administrator_extends_the_dictionary_and_the_type_is_usable(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        tree = await replicas.tree()
        admin = tokens.headers("org_admin")
        code = "harvest_help_" + "".join(c for c in uuid.uuid4().hex if c.isalpha())[:6]

        created = await activities_client.post(
            "/api/v1/activity-types",
            json={"code": code, "zh_hant": "助農", "zh_hans": "助农", "org_kinds": ["branch"], "frequency": "yearly"},
            headers=admin,
        )
        again = await activities_client.post(
            "/api/v1/activity-types",
            json={"code": code, "zh_hant": "助農", "zh_hans": "助农", "org_kinds": ["branch"]},
            headers=admin,
        )
        scoped = await activities_client.post(
            "/api/v1/activity-types",
            json={"code": code + "x", "zh_hant": "x", "zh_hans": "x", "org_kinds": ["branch"]},
            headers=tokens.headers("org_admin", scope_org_id=uuid.UUID(tree["township"])),
        )

        assert created.status_code == 201, created.text
        assert again.status_code == 409
        assert scoped.status_code == 403
        await create_activity(activities_client, admin, org_id=tree["branch"], type=code)


class TestVenues:
    async def test_venues_are_listed_by_subtree(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        tree = await replicas.tree()
        admin = tokens.headers("org_admin")
        await activities_client.post("/api/v1/venues", json={"org_id": tree["community"], "name": "活動室"}, headers=admin)

        listed = await activities_client.get("/api/v1/venues", params={"within": tree["township"]}, headers=admin)
        elsewhere = await activities_client.get("/api/v1/venues", params={"within": tree["other_township"]}, headers=admin)

        assert [v["name"] for v in listed.json()["items"]] == ["活動室"]
        assert elsewhere.json()["items"] == []
