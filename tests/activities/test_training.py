"""The training register through HTTP: courses with hours and attendees, counted toward study
hours in the year a course ends; a member's training history; scope."""

import uuid
from typing import Any

import httpx

from tests.activities.builders import standing, study_member
from tests.activities.conftest import Replicas
from tests.support import Tokens


def course(org_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "org_id": org_id,
        "kind": "party_school",
        "title": "社區黨組織書記培訓班",
        "organizer": "區委黨校",
        "started_on": "2026-03-02",
        "ended_on": "2026-03-06",
        "hours": "32",
    } | extra


async def test_a_courses_hours_count_toward_study_hours_and_the_history(
    activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
) -> None:
    tree = await replicas.tree()
    secretary, member = [await study_member(replicas, org_id=tree["branch"]) for _ in range(2)]
    township = tokens.headers("org_admin", scope_org_id=uuid.UUID(tree["township"]))
    made = await activities_client.post("/api/v1/training/courses", json=course(tree["township"]), headers=township)
    assert made.status_code == 201, made.text
    path = f"/api/v1/training/courses/{made.json()['id']}/attendees"
    before = await standing(activities_client, township, secretary, as_of="2026-03-31")

    added = await activities_client.post(
        path, json={"attendees": [{"member_id": secretary}, {"member_id": member, "hours": "16"}]}, headers=township
    )
    later = await activities_client.post(
        "/api/v1/training/courses",
        json=course(tree["community"], kind="community_school", started_on="2026-05-01", ended_on="2026-05-01", hours="4"),
        headers=township,
    )
    await activities_client.post(
        f"/api/v1/training/courses/{later.json()['id']}/attendees",
        json={"attendees": [{"member_id": secretary}]},
        headers=township,
    )

    assert added.status_code == 200, added.text
    assert {a["member_id"]: a["hours"] for a in added.json()["attendees"]} == {secretary: "32.00", member: "16.00"}
    after = await standing(activities_client, township, secretary, as_of="2026-03-31")
    assert before["training_hours"] == "0.00"
    assert after["training_hours"] == "32.00"
    assert float(after["hours"]) == float(before["hours"]) + 32
    assert (await standing(activities_client, township, member, as_of="2026-03-31"))["training_hours"] == "16.00"
    # The May course counts from its day, not before.
    assert (await standing(activities_client, township, secretary, as_of="2026-05-01"))["training_hours"] == "36.00"
    history = (await activities_client.get(f"/api/v1/training/members/{secretary}", headers=township)).json()
    assert [(h["kind"], h["hours"], h["started_on"]) for h in history] == [
        ("party_school", "32.00", "2026-03-02"),
        ("community_school", "4.00", "2026-05-01"),
    ]
    listed = (
        await activities_client.get(
            "/api/v1/training/courses", params={"within": tree["county"], "year": 2026}, headers=tokens.headers("org_admin")
        )
    ).json()
    assert len(listed) == 2


async def test_bad_attendees_are_refused_and_nothing_written(
    activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
) -> None:
    tree = await replicas.tree()
    ours = await study_member(replicas, org_id=tree["branch"])
    theirs = await study_member(replicas, org_id=tree["other_township"])
    township = tokens.headers("org_admin", scope_org_id=uuid.UUID(tree["township"]))
    made = (await activities_client.post("/api/v1/training/courses", json=course(tree["township"]), headers=township)).json()
    path = f"/api/v1/training/courses/{made['id']}/attendees"

    foreign = await activities_client.post(
        path, json={"attendees": [{"member_id": ours}, {"member_id": theirs}]}, headers=township
    )
    unknown = await activities_client.post(
        path, json={"attendees": [{"member_id": ours}, {"member_id": str(uuid.uuid4())}]}, headers=township
    )
    too_many = await activities_client.post(path, json={"attendees": [{"member_id": ours, "hours": "40"}]}, headers=township)
    backwards = await activities_client.post(
        "/api/v1/training/courses", json=course(tree["township"], ended_on="2026-03-01"), headers=township
    )

    assert foreign.status_code == unknown.status_code == 422
    assert foreign.json() == unknown.json()
    assert [e["field"] for e in foreign.json()["errors"]] == ["attendees.1.member_id"]
    assert too_many.status_code == 422
    assert [e["field"] for e in too_many.json()["errors"]] == ["attendees.0.hours"]
    assert backwards.status_code == 422
    assert (await activities_client.get(f"/api/v1/training/courses/{made['id']}", headers=township)).json()["attendees"] == []


async def test_another_townships_course_and_member_are_not_found(
    activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
) -> None:
    tree = await replicas.tree()
    member = await study_member(replicas, org_id=tree["branch"])
    township = tokens.headers("org_admin", scope_org_id=uuid.UUID(tree["township"]))
    elsewhere = tokens.headers("org_admin", scope_org_id=uuid.UUID(tree["other_township"]))
    made = (await activities_client.post("/api/v1/training/courses", json=course(tree["township"]), headers=township)).json()

    assert (await activities_client.get(f"/api/v1/training/courses/{made['id']}", headers=elsewhere)).status_code == 404
    add = await activities_client.post(
        f"/api/v1/training/courses/{made['id']}/attendees", json={"attendees": [{"member_id": member}]}, headers=elsewhere
    )
    assert add.status_code == 404
    assert (await activities_client.get(f"/api/v1/training/members/{member}", headers=elsewhere)).status_code == 404
    outside = await activities_client.post("/api/v1/training/courses", json=course(tree["township"]), headers=elsewhere)
    assert outside.status_code == 422
    assert (
        await activities_client.get("/api/v1/training/courses", params={"within": tree["township"]}, headers=elsewhere)
    ).status_code == 404
