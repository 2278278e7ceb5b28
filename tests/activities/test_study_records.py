"""Self-study records through the HTTP API: recording, approval, listing, scope."""

import uuid
from datetime import date, timedelta

import httpx
import pytest

from services.kit.db import Database
from tests.activities.builders import (
    approved,
    records_of,
    self_study,
    standing,
    study_member,
)
from tests.activities.conftest import Replicas
from tests.support import Tokens


class TestSelfStudy:
    async def test_only_approved_hours_count(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        tree = await replicas.tree()
        member = await study_member(replicas, org_id=tree["branch"])
        admin = tokens.headers("org_admin")
        pending = await self_study(activities_client, admin, member, on="2026-03-02", hours="1.5")
        rejected = await self_study(activities_client, admin, member, on="2026-03-03", hours="4")
        await approved(activities_client, admin, member, on="2026-03-04", hours="2.25")
        refusal = await activities_client.post(
            f"/api/v1/study/records/{rejected.json()['id']}/decision",
            json={"status": "rejected", "note": "無學習記錄"},
            headers=admin,
        )

        assert pending.status_code == 201, pending.text
        assert pending.json()["status"] == "pending"
        assert pending.json()["org_id"] == tree["branch"]
        assert refusal.status_code == 200, refusal.text
        assert (refusal.json()["status"], refusal.json()["decision_note"]) == ("rejected", "無學習記錄")
        result = await standing(activities_client, admin, member)
        assert (result["self_study_hours"], result["hours"]) == ("2.25", "2.25")

    async def test_a_day_in_the_first_centuries_is_answered_not_failed(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        # Found by the fuzzing (tests/fuzz): the home-study age counted back from as_of=0010-01-01
        # fell off the calendar (a 500).
        tree = await replicas.tree()
        member = await study_member(replicas, org_id=tree["branch"])

        result = await standing(activities_client, tokens.headers("org_admin"), member, as_of="0010-01-01")

        assert result["hours"] == "0.00"

    async def test_a_decided_record_cannot_be_decided_again(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        tree = await replicas.tree()
        member = await study_member(replicas, org_id=tree["branch"])
        admin = tokens.headers("org_admin")
        record = await approved(activities_client, admin, member)

        again = await activities_client.post(
            f"/api/v1/study/records/{record['id']}/decision", json={"status": "rejected"}, headers=admin
        )

        assert again.status_code == 409, again.text
        assert again.json()["type"].endswith("/study-record-decided")
        read = await activities_client.get(f"/api/v1/study/records/{record['id']}", headers=admin)
        assert read.json()["status"] == "approved"

    @pytest.mark.parametrize("hours", ["0", "-1", "2.345", "x"])
    async def test_zero_negative_or_malformed_hours_are_refused(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas, activities_db: Database, hours: str
    ) -> None:
        tree = await replicas.tree()
        member = await study_member(replicas, org_id=tree["branch"])

        response = await self_study(activities_client, tokens.headers("org_admin"), member, hours=hours)

        assert response.status_code == 422, response.text
        assert any(e["field"].endswith("hours") for e in response.json()["errors"])
        assert await records_of(activities_db, member) == 0

    async def test_a_day_still_to_come_is_refused(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas, activities_db: Database
    ) -> None:
        tree = await replicas.tree()
        member = await study_member(replicas, org_id=tree["branch"])
        later = (date.today() + timedelta(days=3)).isoformat()

        response = await self_study(activities_client, tokens.headers("org_admin"), member, on=later)

        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["field"] == "studied_on"
        assert await records_of(activities_db, member) == 0

    async def test_a_member_outside_the_callers_scope_is_unknown(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas, activities_db: Database
    ) -> None:
        tree = await replicas.tree()
        member = await study_member(replicas, org_id=tree["branch"])
        elsewhere = tokens.headers("org_admin", scope_org_id=uuid.UUID(tree["other_township"]))

        response = await self_study(activities_client, elsewhere, member)

        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["field"] == "member_id"
        assert await records_of(activities_db, member) == 0

    async def test_only_an_admin_whose_scope_holds_the_members_organization_decides(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        tree = await replicas.tree()
        member = await study_member(replicas, org_id=tree["branch"])
        record = (await self_study(activities_client, tokens.headers("org_admin"), member)).json()
        path = f"/api/v1/study/records/{record['id']}/decision"

        other = await activities_client.post(
            path,
            json={"status": "approved"},
            headers=tokens.headers("org_admin", scope_org_id=uuid.UUID(tree["other_township"])),
        )
        viewer = await activities_client.post(path, json={"status": "approved"}, headers=tokens.headers("viewer"))
        local = await activities_client.post(
            path, json={"status": "approved"}, headers=tokens.headers("org_admin", scope_org_id=uuid.UUID(tree["community"]))
        )

        assert (other.status_code, viewer.status_code, local.status_code) == (404, 403, 200)

    async def test_records_are_listed_in_scope_by_status(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        tree = await replicas.tree()
        member = await study_member(replicas, org_id=tree["branch"])
        admin = tokens.headers("org_admin")
        await approved(activities_client, admin, member, on="2026-03-01")
        pending = (await self_study(activities_client, admin, member, on="2026-03-02")).json()

        mine = await activities_client.get(
            "/api/v1/study/records", params={"within": tree["community"], "status": "pending"}, headers=admin
        )
        theirs = await activities_client.get(
            "/api/v1/study/records",
            headers=tokens.headers("viewer", scope_org_id=uuid.UUID(tree["other_township"])),
        )

        assert [r["id"] for r in mine.json()["items"]] == [pending["id"]]
        assert theirs.json()["items"] == []
