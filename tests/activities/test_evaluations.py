"""Yearly evaluations (indicator ranges, evidence, grade), satisfaction ratings, democratic review."""

import uuid
from typing import Any

import httpx

from tests.activities.builders import create_activity
from tests.activities.conftest import Replicas
from tests.support import Tokens

INDICATORS = ["organization_setup", "leadership_team", "member_corps", "work_mechanism", "activity_venue", "role_played"]


def scores(*values: int, evidence: dict[int, list[str]] | None = None) -> list[dict[str, Any]]:
    return [
        {"indicator": code, "score": value, "evidence": (evidence or {}).get(index, [])}
        for index, (code, value) in enumerate(zip(INDICATORS, values, strict=True))
    ]


class TestEvaluations:
    async def test_a_community_is_scored_with_evidence_and_graded(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        tree = await replicas.tree()
        admin = tokens.headers("org_admin")
        activity = await create_activity(activities_client, admin, org_id=tree["branch"])

        response = await activities_client.post(
            "/api/v1/evaluations",
            json={
                "org_id": tree["community"],
                "year": 2026,
                "scores": scores(20, 18, 18, 18, 16, 19, evidence={0: [activity["id"]]}),
            },
            headers=admin,
        )

        assert response.status_code == 201, response.text
        body = response.json()
        assert (body["total"], body["grade"]) == ("109.00", "excellent")
        assert body["scores"][0]["evidence"] == [activity["id"]]
        again = await activities_client.post(
            "/api/v1/evaluations",
            json={"org_id": tree["community"], "year": 2026, "scores": scores(1, 1, 1, 1, 1, 1)},
            headers=admin,
        )
        assert again.status_code == 409
        listed = await activities_client.get(
            "/api/v1/evaluations", params={"within": tree["township"], "year": 2026}, headers=admin
        )
        assert [e["id"] for e in listed.json()["items"]] == [body["id"]]

    async def test_a_score_outside_the_indicators_range_is_refused(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        tree = await replicas.tree()
        admin = tokens.headers("org_admin")

        response = await activities_client.post(
            "/api/v1/evaluations",
            json={"org_id": tree["community"], "year": 2026, "scores": scores(20, 21, 0, 0, 0, 0)},
            headers=admin,
        )

        assert response.status_code == 422
        assert response.json()["type"] == "/problems/score-out-of-range"
        assert response.json()["errors"][0]["field"] == "scores.1.score"
        listed = await activities_client.get("/api/v1/evaluations", params={"within": tree["community"]}, headers=admin)
        assert listed.json()["items"] == []

    async def test_missing_indicators_foreign_evidence_and_inner_organizations_are_refused(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        tree = await replicas.tree()
        admin = tokens.headers("org_admin")
        elsewhere = await replicas.org(tier="community", kind="branch", parent=tree["other_township"])
        foreign = await create_activity(activities_client, admin, org_id=elsewhere)

        missing = await activities_client.post(
            "/api/v1/evaluations",
            json={"org_id": tree["community"], "year": 2026, "scores": scores(1, 1, 1, 1, 1, 1)[:5]},
            headers=admin,
        )
        evidence = await activities_client.post(
            "/api/v1/evaluations",
            json={"org_id": tree["community"], "year": 2026, "scores": scores(1, 1, 1, 1, 1, 1, evidence={2: [foreign["id"]]})},
            headers=admin,
        )
        inner = await activities_client.post(
            "/api/v1/evaluations",
            json={"org_id": tree["branch"], "year": 2026, "scores": scores(1, 1, 1, 1, 1, 1)},
            headers=admin,
        )

        assert missing.json()["type"] == "/problems/missing-indicator"
        assert evidence.json()["errors"][0]["field"] == "scores.2.evidence"
        assert inner.json()["type"] == "/problems/not-evaluated"

    async def test_residents_satisfaction_is_averaged_and_bounded(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        tree = await replicas.tree()
        admin = tokens.headers("org_admin")
        for rating in (5, 4, 4):
            await activities_client.post(
                "/api/v1/evaluations/satisfaction",
                json={"org_id": tree["community"], "year": 2026, "rating": rating},
                headers=admin,
            )
        out_of_range = await activities_client.post(
            "/api/v1/evaluations/satisfaction", json={"org_id": tree["community"], "year": 2026, "rating": 6}, headers=admin
        )

        summary = await activities_client.get(
            "/api/v1/evaluations/satisfaction", params={"org_id": tree["community"], "year": 2026}, headers=admin
        )

        assert out_of_range.status_code == 422
        assert summary.json() == {"org_id": tree["community"], "year": 2026, "ratings": 3, "average": 4.33}
        outsider = tokens.headers("viewer", scope_org_id=uuid.UUID(tree["other_township"]))
        hidden = await activities_client.get(
            "/api/v1/evaluations/satisfaction", params={"org_id": tree["community"], "year": 2026}, headers=outsider
        )
        assert hidden.status_code == 404


class TestReviews:
    async def test_at_most_a_third_excellent_across_the_organizations_grades(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        tree = await replicas.tree()
        admin = tokens.headers("org_admin")
        members = [await replicas.member(org_id=tree["branch"]) for _ in range(6)]

        first = await activities_client.post(
            "/api/v1/reviews",
            json={
                "org_id": tree["branch"],
                "year": 2026,
                "grades": [
                    {"member_id": m, "grade": g}
                    for m, g in zip(members[:3], ["excellent", "qualified", "qualified"], strict=True)
                ],
            },
            headers=admin,
        )
        too_many = await activities_client.post(
            "/api/v1/reviews",
            json={
                "org_id": tree["branch"],
                "year": 2026,
                "grades": [{"member_id": m, "grade": "excellent"} for m in members[3:5]],
            },
            headers=admin,
        )
        second = await activities_client.post(
            "/api/v1/reviews",
            json={
                "org_id": tree["branch"],
                "year": 2026,
                "grades": [
                    {"member_id": members[3], "grade": "excellent"},
                    {"member_id": members[4], "grade": "basically_qualified"},
                    {"member_id": members[5], "grade": "qualified"},
                ],
            },
            headers=admin,
        )

        assert first.status_code == 200, first.text
        assert too_many.status_code == 422
        assert too_many.json()["type"] == "/problems/too-many-excellent"
        assert second.status_code == 200, second.text
        listed = await activities_client.get("/api/v1/reviews", params={"org_id": tree["branch"], "year": 2026}, headers=admin)
        grades = sorted(r["grade"] for r in listed.json())
        assert grades == ["basically_qualified", "excellent", "excellent", "qualified", "qualified", "qualified"]

    async def test_a_probationary_member_is_not_graded_and_nothing_is_written(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        tree = await replicas.tree()
        admin = tokens.headers("org_admin")
        full = await replicas.member(org_id=tree["branch"])
        probationary = await replicas.member(org_id=tree["branch"], party_status="probationary")

        response = await activities_client.post(
            "/api/v1/reviews",
            json={
                "org_id": tree["branch"],
                "year": 2026,
                "grades": [{"member_id": full, "grade": "qualified"}, {"member_id": probationary, "grade": "qualified"}],
            },
            headers=admin,
        )

        assert response.status_code == 422
        assert response.json()["type"] == "/problems/probationary-not-graded"
        assert response.json()["errors"][0]["field"] == "grades.1.member_id"
        listed = await activities_client.get("/api/v1/reviews", params={"org_id": tree["branch"], "year": 2026}, headers=admin)
        assert listed.json() == []

    async def test_a_member_of_another_organization_is_not_graded_here(
        self, activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
    ) -> None:
        tree = await replicas.tree()
        other = await replicas.member(org_id=tree["community"])

        response = await activities_client.post(
            "/api/v1/reviews",
            json={"org_id": tree["branch"], "year": 2026, "grades": [{"member_id": other, "grade": "qualified"}]},
            headers=tokens.headers("org_admin"),
        )

        assert response.json()["type"] == "/problems/not-a-member"
