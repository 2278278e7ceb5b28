"""A member's own view, the activities part (`/api/v1/me/activities`, `study`, `study-records`):
the caller's activities with their attendance, their study hours against the yearly requirement
with what is missing, and self-study they submit for the branch to review; nothing of a
neighbour; only a linked member account gets in."""

import httpx

from tests.activities.builders import TRAINING_DAY, attend, create_activity, study_member
from tests.activities.conftest import Replicas
from tests.support import Tokens


async def test_a_member_sees_their_activities_and_study_hours(
    activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
) -> None:
    tree = await replicas.tree()
    me = await study_member(replicas, org_id=tree["branch"])
    neighbour = await study_member(replicas, org_id=tree["branch"])
    admin = tokens.headers("org_admin")
    training = await create_activity(activities_client, admin, org_id=tree["branch"], type="training", starts_at=TRAINING_DAY)
    meeting = await create_activity(
        activities_client, admin, org_id=tree["branch"], type="general_meeting", starts_at="2026-02-10T09:00:00+08:00"
    )
    attended = await attend(
        activities_client,
        admin,
        training["id"],
        [{"member_id": me, "status": "present", "hours": "3"}, {"member_id": neighbour, "status": "present", "hours": "3"}],
    )
    excused = await attend(
        activities_client, admin, meeting["id"], [{"member_id": me, "status": "excused", "reason": "外出務工"}]
    )
    assert (attended.status_code, excused.status_code) == (200, 200), attended.text + excused.text

    member = tokens.headers("member", member_id=me)
    activities = await activities_client.get("/api/v1/me/activities", headers=member)
    last_year = await activities_client.get("/api/v1/me/activities", params={"year": 2025}, headers=member)
    study = await activities_client.get("/api/v1/me/study", params={"as_of": "2026-03-31"}, headers=member)

    assert activities.status_code == 200, activities.text
    assert [(a["id"], a["attendance"]["status"]) for a in activities.json()] == [
        (training["id"], "present"),
        (meeting["id"], "excused"),
    ]
    assert activities.json()[1]["attendance"]["reason"] == "外出務工"
    assert neighbour not in activities.text
    assert last_year.json() == []
    assert study.status_code == 200, study.text
    assert study.json()["member_id"] == me
    assert (study.json()["activity_hours"], study.json()["hours"]) == ("3.00", "3.00")
    required = float(study.json()["required"])
    assert float(study.json()["shortfall"]) == max(required - 3, 0)


async def test_a_member_submits_self_study_that_the_branch_reviews(
    activities_client: httpx.AsyncClient, tokens: Tokens, replicas: Replicas
) -> None:
    tree = await replicas.tree()
    me = await study_member(replicas, org_id=tree["branch"])
    member = tokens.headers("member", member_id=me)
    branch_admin = tokens.headers("org_admin", scope_org_id=tree["branch"])
    other_admin = tokens.headers("org_admin", scope_org_id=tree["other_township"])

    submitted = await activities_client.post(
        "/api/v1/me/study-records",
        json={"studied_on": "2026-03-05", "hours": "2", "title": "自學《黨章》"},
        headers=member,
    )
    with_member_id = await activities_client.post(
        "/api/v1/me/study-records",
        json={"member_id": me, "studied_on": "2026-03-05", "hours": "2", "title": "x"},
        headers=member,
    )
    by_other = await activities_client.post(
        f"/api/v1/study/records/{submitted.json()['id']}/decision", json={"status": "approved"}, headers=other_admin
    )
    by_member = await activities_client.post(
        f"/api/v1/study/records/{submitted.json()['id']}/decision", json={"status": "approved"}, headers=member
    )
    decided = await activities_client.post(
        f"/api/v1/study/records/{submitted.json()['id']}/decision", json={"status": "approved"}, headers=branch_admin
    )
    own = await activities_client.get("/api/v1/me/study-records", headers=member)
    study = await activities_client.get("/api/v1/me/study", params={"as_of": "2026-03-31"}, headers=member)

    assert submitted.status_code == 201, submitted.text
    assert (submitted.json()["member_id"], submitted.json()["status"]) == (me, "pending")
    assert with_member_id.status_code == 422  # the member id is the caller's, never the body's
    assert (by_other.status_code, by_member.status_code) == (404, 403)
    assert decided.status_code == 200, decided.text
    assert [(r["id"], r["status"]) for r in own.json()] == [(submitted.json()["id"], "approved")]
    assert study.json()["self_study_hours"] == "2.00"


async def test_only_a_linked_member_account_has_an_own_view(activities_client: httpx.AsyncClient, tokens: Tokens) -> None:
    refused = [tokens.headers("org_admin"), tokens.headers("viewer"), tokens.headers("member"), tokens.headers("service")]
    for path in ("/api/v1/me/activities", "/api/v1/me/study", "/api/v1/me/study-records"):
        assert [(await activities_client.get(path, headers=h)).status_code for h in refused] == [403] * len(refused)
