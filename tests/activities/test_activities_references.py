"""Members and units an activity names in its body (host, expected members, the member served, the
community units, a contact's member, a guest at its attendance) are checked in the caller's scope:
township B naming a member or unit of township A gets the very answer of an id that does not
exist, so that the answer is no oracle for other ids."""

import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from services.activities.models import Activity, Attendance
from services.kit.db import Database
from tests.activities.conftest import Replicas
from tests.support import Tokens

STARTS_AT = "2026-03-10T09:00:00+08:00"


@pytest.fixture
async def two_townships(replicas: Replicas) -> dict[str, str]:
    """Township A (the tree's) with a member and a unit; township B with a branch, a member and a
    unit of its own."""
    tree = await replicas.tree()
    b_branch = await replicas.org(tier="community", kind="branch", parent=tree["other_township"])
    a_community = await replicas.community(township=tree["township"], party_org_id=tree["community"])
    b_community = await replicas.community(township=tree["other_township"], party_org_id=b_branch)
    return {
        "b": tree["other_township"],
        "b_branch": b_branch,
        "b_member": await replicas.member(org_id=b_branch),
        "a_member": await replicas.member(org_id=tree["branch"]),
        "b_unit": await replicas.unit(community_id=b_community),
        "a_unit": await replicas.unit(community_id=a_community),
    }


async def activities_of(db: Database, org_id: str) -> list[str]:
    async with db.read_sessions() as session:
        return [str(i) for i in await session.scalars(select(Activity.id).where(Activity.org_id == uuid.UUID(org_id)))]


async def attendance_of(db: Database, activity_id: str) -> int:
    async with db.read_sessions() as session:
        stmt = select(func.count()).where(Attendance.activity_id == uuid.UUID(activity_id))
        return int(await session.scalar(stmt) or 0)


def _activity(world: dict[str, str], **fields: Any) -> dict[str, Any]:
    return {"org_id": world["b_branch"], "type": "study_day", "title": "學習日", "starts_at": STARTS_AT} | fields


def _bodies(member_id: str, world: dict[str, str]) -> dict[str, dict[str, Any]]:
    """A request body per kind of member reference, naming `member_id`."""
    return {
        "host_member_id": _activity(world, host_member_id=member_id),
        "expected_member_ids": _activity(world, expected_member_ids=[world["b_member"], member_id]),
        "served_member_id": _activity(world, type="home_visit", served_member_id=member_id),
    }


@pytest.mark.parametrize("reference", ["host_member_id", "expected_member_ids", "served_member_id"])
async def test_a_member_of_another_township_is_as_unknown_as_none(
    reference: str, activities_client: httpx.AsyncClient, tokens: Tokens, two_townships: dict[str, str]
) -> None:
    b_admin = tokens.headers("org_admin", scope_org_id=two_townships["b"])

    own = await activities_client.post(
        "/api/v1/activities", json=_bodies(two_townships["b_member"], two_townships)[reference], headers=b_admin
    )
    foreign = await activities_client.post(
        "/api/v1/activities", json=_bodies(two_townships["a_member"], two_townships)[reference], headers=b_admin
    )
    unknown = await activities_client.post(
        "/api/v1/activities", json=_bodies(str(uuid.uuid4()), two_townships)[reference], headers=b_admin
    )

    assert own.status_code == 201, own.text
    assert foreign.status_code == 422, foreign.text
    assert foreign.json() == unknown.json()
    assert foreign.json()["type"] == "/problems/unknown-member"
    listed = await activities_client.get("/api/v1/activities", params={"within": two_townships["b"]}, headers=b_admin)
    assert [a["id"] for a in listed.json()["items"]] == [own.json()["id"]]


async def test_a_unit_of_another_township_is_as_unknown_as_none(
    activities_client: httpx.AsyncClient, tokens: Tokens, two_townships: dict[str, str], activities_db: Database
) -> None:
    b_admin = tokens.headers("org_admin", scope_org_id=two_townships["b"])

    def naming(unit_id: str) -> dict[str, Any]:
        return _activity(two_townships, unit_ids=[two_townships["b_unit"], unit_id])

    own = await activities_client.post("/api/v1/activities", json=naming(two_townships["b_unit"]), headers=b_admin)
    foreign = await activities_client.post("/api/v1/activities", json=naming(two_townships["a_unit"]), headers=b_admin)
    unknown = await activities_client.post("/api/v1/activities", json=naming(str(uuid.uuid4())), headers=b_admin)

    assert own.status_code == 201, own.text
    assert own.json()["unit_ids"] == [two_townships["b_unit"]] * 2
    assert foreign.status_code == 422, foreign.text
    assert foreign.json() == unknown.json()
    assert foreign.json()["type"] == "/problems/unknown-unit"
    assert [e["field"] for e in foreign.json()["errors"]] == ["unit_ids.1"]
    assert await activities_of(activities_db, two_townships["b_branch"]) == [own.json()["id"]]


async def test_a_unit_changed_to_another_townships_is_as_unknown_as_none(
    activities_client: httpx.AsyncClient, tokens: Tokens, two_townships: dict[str, str]
) -> None:
    b_admin = tokens.headers("org_admin", scope_org_id=two_townships["b"])
    created = await activities_client.post("/api/v1/activities", json=_activity(two_townships), headers=b_admin)
    path = f"/api/v1/activities/{created.json()['id']}"

    any_version = b_admin | {"If-Match": "*"}
    foreign = await activities_client.patch(path, json={"unit_ids": [two_townships["a_unit"]]}, headers=any_version)
    unknown = await activities_client.patch(path, json={"unit_ids": [str(uuid.uuid4())]}, headers=any_version)
    own = await activities_client.patch(path, json={"unit_ids": [two_townships["b_unit"]]}, headers=any_version)

    assert foreign.status_code == 422, foreign.text
    assert foreign.json() == unknown.json()
    assert own.status_code == 200, own.text
    assert own.json()["unit_ids"] == [two_townships["b_unit"]]
    assert own.json()["version"] == 2


async def test_a_guest_of_another_township_is_as_unknown_as_none(
    activities_client: httpx.AsyncClient,
    tokens: Tokens,
    replicas: Replicas,
    two_townships: dict[str, str],
    activities_db: Database,
) -> None:
    b_admin = tokens.headers("org_admin", scope_org_id=two_townships["b"])
    created = await activities_client.post("/api/v1/activities", json=_activity(two_townships), headers=b_admin)
    path = f"/api/v1/activities/{created.json()['id']}/attendance"
    b_guest = await replicas.member(org_id=two_townships["b"])

    def records(guest: str) -> dict[str, Any]:
        return {
            "records": [
                {"member_id": two_townships["b_member"], "status": "present"},
                {"member_id": guest, "status": "present", "guest": True},
            ]
        }

    foreign = await activities_client.post(path, json=records(two_townships["a_member"]), headers=b_admin)
    unknown = await activities_client.post(path, json=records(str(uuid.uuid4())), headers=b_admin)
    assert await attendance_of(activities_db, created.json()["id"]) == 0
    own = await activities_client.post(path, json=records(b_guest), headers=b_admin)

    assert foreign.status_code == 422, foreign.text
    assert foreign.json() == unknown.json()
    assert foreign.json()["type"] == "/problems/unknown-member"
    assert [e["field"] for e in foreign.json()["errors"]] == ["records.1.member_id"]
    assert own.status_code == 200, own.text
    assert (own.json()["present"], own.json()["guests"]) == (1, 1)


async def test_a_host_changed_to_another_townships_member_is_as_unknown_as_none(
    activities_client: httpx.AsyncClient, tokens: Tokens, two_townships: dict[str, str]
) -> None:
    b_admin = tokens.headers("org_admin", scope_org_id=two_townships["b"])
    created = await activities_client.post("/api/v1/activities", json=_activity(two_townships), headers=b_admin)
    path = f"/api/v1/activities/{created.json()['id']}"

    foreign = await activities_client.patch(
        path, json={"host_member_id": two_townships["a_member"]}, headers=b_admin | {"If-Match": "*"}
    )
    unknown = await activities_client.patch(path, json={"host_member_id": str(uuid.uuid4())}, headers=b_admin | {"If-Match": "*"})

    assert foreign.status_code == 422, foreign.text
    assert foreign.json() == unknown.json()
    assert (await activities_client.get(path, headers=b_admin)).json()["host_member_id"] is None


async def test_a_host_named_from_above_stays_when_the_branch_edits(
    activities_client: httpx.AsyncClient, tokens: Tokens, two_townships: dict[str, str]
) -> None:
    """The county names a host from township A for B's study day; B may still retitle it."""
    county_admin = tokens.headers("org_admin")
    created = await activities_client.post(
        "/api/v1/activities", json=_activity(two_townships, host_member_id=two_townships["a_member"]), headers=county_admin
    )
    assert created.status_code == 201, created.text
    b_admin = tokens.headers("org_admin", scope_org_id=two_townships["b"])

    edited = await activities_client.patch(
        f"/api/v1/activities/{created.json()['id']}", json={"title": "改期"}, headers=b_admin | {"If-Match": "*"}
    )

    assert edited.status_code == 200, edited.text
    assert edited.json()["host_member_id"] == two_townships["a_member"]


async def test_a_contact_with_another_townships_member_is_as_unknown_as_none(
    activities_client: httpx.AsyncClient, tokens: Tokens, two_townships: dict[str, str]
) -> None:
    b_admin = tokens.headers("org_admin", scope_org_id=two_townships["b"])

    def contact(member_id: str) -> dict[str, Any]:
        return {
            "org_id": two_townships["b_branch"],
            "member_id": member_id,
            "contacted_on": "2026-01-05",
            "kind": "regular",
            "channel": "visit",
        }

    foreign = await activities_client.post("/api/v1/contacts", json=contact(two_townships["a_member"]), headers=b_admin)
    unknown = await activities_client.post("/api/v1/contacts", json=contact(str(uuid.uuid4())), headers=b_admin)

    assert foreign.status_code == 422, foreign.text
    assert foreign.json() == unknown.json()


async def test_the_orgs_service_learns_whose_the_activities_named_as_evidence_are(
    activities_client: httpx.AsyncClient, tokens: Tokens, two_townships: dict[str, str]
) -> None:
    """`/internal/evidence-orgs`: for our services only; each known activity with its organization,
    unknown ones left out (orgs decides on its own tree whether they are its caller's)."""
    b_admin = tokens.headers("org_admin", scope_org_id=two_townships["b"])
    created = await activities_client.post("/api/v1/activities", json=_activity(two_townships), headers=b_admin)
    unknown = str(uuid.uuid4())
    body = {"activity_ids": [created.json()["id"], unknown], "attachment_ids": [unknown]}

    answered = await activities_client.post("/internal/evidence-orgs", json=body, headers=tokens.headers("service"))
    by_a_person = await activities_client.post("/internal/evidence-orgs", json=body, headers=tokens.headers("org_admin"))

    assert answered.status_code == 200, answered.text
    assert answered.json() == {"activities": {created.json()["id"]: two_townships["b_branch"]}, "attachments": {}}
    assert by_a_person.status_code == 403
