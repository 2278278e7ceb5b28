"""/tasks through the orgs API: sending down to every community, a list, a work list or a
diagnostic; replies, decisions, the overdue list per level; scope (another township's task is 404)."""

import datetime as dt
import uuid
from typing import Any

import httpx
import pytest

from services.kit import context
from tests.builders import create_org
from tests.orgs.builders import create_community
from tests.orgs.conftest import ActivitiesStub
from tests.support import Tokens


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> dict[str, dt.date]:
    """The deployment's day, moved by the test (deadlines pass)."""
    day = {"today": dt.date(2026, 11, 26)}
    monkeypatch.setattr(context, "today_in", lambda _zone, _now=None: day["today"])
    return day


async def world(client: httpx.AsyncClient, admin: dict[str, str]) -> dict[str, Any]:
    """county → township A with three communities (the first with a sound reserve pool), township B with one."""
    county = await create_org(client, admin, tier="county")
    townships = [await create_org(client, admin, tier="township", parent_id=county["id"]) for _ in range(2)]
    communities = []
    for township in (townships[0], townships[0], townships[0], townships[1]):
        org = await create_org(client, admin, tier="community", kind="branch", parent_id=township["id"])
        await create_community(client, admin, township_org_id=township["id"], party_org_id=org["id"])
        communities.append(org)
    community = (await client.get("/api/v1/communities", params={"within": communities[0]["id"]}, headers=admin)).json()
    for name in ("甲", "乙"):
        cadre = {"name": name, "birth_date": "1990-01-01", "education": "bachelor", "since": "2025-01-01"}
        added = await client.post(f"/api/v1/communities/{community['items'][0]['id']}/reserve-cadres", json=cadre, headers=admin)
        assert added.status_code == 201, added.text
    return {"county": county, "townships": townships, "communities": communities}


def task_body(issuer: str, recipients: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"issuer_org_id": issuer, "title": "充實後備幹部", "content": "每社區確定2名人選", "deadline": "2026-12-10",
            "recipients": recipients, **extra}  # fmt: skip


async def issue(client: httpx.AsyncClient, headers: dict[str, str], body: dict[str, Any], expect: int = 201) -> dict[str, Any]:
    response = await client.post("/api/v1/tasks", json=body, headers=headers)
    assert response.status_code == expect, response.text
    return dict(response.json())


def orgs_of(task: dict[str, Any]) -> set[str]:
    return {r["org_id"] for r in task["recipients"]}


async def test_recipients_are_every_community_a_list_a_work_list_or_a_diagnostic_below_the_issuer(
    orgs_api: httpx.AsyncClient, tokens: Tokens, clock: dict[str, dt.date]
) -> None:
    admin = tokens.headers()
    w = await world(orgs_api, admin)
    county, (a, _b), c = w["county"]["id"], w["townships"], [o["id"] for o in w["communities"]]

    every = await issue(orgs_api, admin, task_body(county, {"mode": "all_communities"}))
    in_a = await issue(orgs_api, admin, task_body(a["id"], {"mode": "all_communities"}))
    listed = await issue(orgs_api, admin, task_body(county, {"mode": "listed", "org_ids": [c[1], c[3]]}))
    thin_pools = await issue(orgs_api, admin, task_body(county, {"mode": "work_list", "worklist": "reserve_pools"}))
    no_secretary = await issue(orgs_api, admin, task_body(a["id"], {"mode": "diagnostic", "rule": "no_secretary"}))

    assert orgs_of(every) == set(c)
    assert orgs_of(in_a) == set(c[:3])
    assert orgs_of(listed) == {c[1], c[3]}
    assert orgs_of(thin_pools) == set(c[1:])  # the first community's pool is sound
    assert orgs_of(no_secretary) == set(c[:3])
    assert every["counts"] == {"pending": 4, "replied": 0, "returned": 0, "accepted": 0, "overdue": 0}


async def test_a_recipient_outside_the_issuers_subtree_or_a_past_deadline_is_refused_and_nothing_is_written(
    orgs_api: httpx.AsyncClient, tokens: Tokens, clock: dict[str, dt.date]
) -> None:
    admin = tokens.headers()
    w = await world(orgs_api, admin)
    a, c = w["townships"][0]["id"], [o["id"] for o in w["communities"]]

    outside = await issue(orgs_api, admin, task_body(a, {"mode": "listed", "org_ids": [c[0], c[3]]}), expect=422)
    past = await issue(orgs_api, admin, task_body(a, {"mode": "all_communities"}, deadline="2026-11-25"), expect=422)
    scoped = tokens.headers(scope_org_id=w["townships"][1]["id"])
    foreign_issuer = await issue(orgs_api, scoped, task_body(a, {"mode": "all_communities"}), expect=422)

    assert outside["errors"][0]["field"] == "recipients.org_ids"
    assert past["errors"][0]["field"] == "deadline"
    assert foreign_issuer["errors"][0]["field"] == "issuer_org_id"
    listing = await orgs_api.get("/api/v1/tasks", params={"within": a}, headers=admin)
    assert listing.json()["items"] == []


async def test_replies_are_accepted_or_returned_and_the_overdue_list_shows_who_still_owes_per_level(
    orgs_api: httpx.AsyncClient, tokens: Tokens, clock: dict[str, dt.date], activities_stub: ActivitiesStub
) -> None:
    admin = tokens.headers()
    w = await world(orgs_api, admin)
    county, (a, b), c = w["county"]["id"], w["townships"], [o["id"] for o in w["communities"]]
    task = await issue(orgs_api, admin, task_body(county, {"mode": "all_communities"}, evidence_required=["attachment"]))
    base = f"/api/v1/tasks/{task['id']}/recipients"
    first, second = tokens.headers(scope_org_id=c[0]), tokens.headers(scope_org_id=c[1])
    township_a = tokens.headers(scope_org_id=a["id"])
    evidence = {"text": "已完成", "attachment_ids": [activities_stub.new_attachment(c[0])]}
    evidence_of_second = {"text": "已完成", "attachment_ids": [activities_stub.new_attachment(c[1])]}

    text_only = await orgs_api.post(f"{base}/{c[0]}/replies", json={"text": "已完成"}, headers=first)
    replied = await orgs_api.post(f"{base}/{c[0]}/replies", json=evidence, headers=first)
    again = await orgs_api.post(f"{base}/{c[0]}/replies", json=evidence, headers=first)
    for_another = await orgs_api.post(f"{base}/{c[1]}/replies", json=evidence, headers=first)
    by_township = await orgs_api.post(f"{base}/{c[0]}/decision", json={"decision": "accept"}, headers=township_a)
    accepted = await orgs_api.post(f"{base}/{c[0]}/decision", json={"decision": "accept"}, headers=admin)
    assert (await orgs_api.post(f"{base}/{c[1]}/replies", json=evidence_of_second, headers=second)).status_code == 201
    no_note = await orgs_api.post(f"{base}/{c[1]}/decision", json={"decision": "return"}, headers=admin)
    returned = await orgs_api.post(f"{base}/{c[1]}/decision", json={"decision": "return", "note": "缺名單"}, headers=admin)

    assert (text_only.status_code, text_only.json()["type"].rsplit("/", 1)[-1]) == (422, "missing-evidence")
    assert replied.status_code == 201
    assert replied.json()["status"] == "replied"
    assert (again.status_code, for_another.status_code) == (409, 404)
    assert by_township.status_code == 403  # a township sees the county's task but does not decide on it
    assert accepted.json()["status"] == "accepted"
    assert accepted.json()["replies"][0]["decision"] == "accept"
    assert no_note.status_code == 422
    assert returned.json()["status"] == "returned"
    assert returned.json()["replies"][-1]["note"] == "缺名單"

    async def overdue(within: str, headers: dict[str, str]) -> list[str]:
        response = await orgs_api.get("/api/v1/tasks/overdue", params={"within": within}, headers=headers)
        assert response.status_code == 200, response.text
        return sorted(item["org_id"] for item in response.json()["items"])

    assert await overdue(county, admin) == []  # the deadline day is still in time
    clock["today"] = dt.date(2026, 12, 11)
    assert await overdue(county, admin) == sorted([c[1], c[2], c[3]])
    assert await overdue(a["id"], township_a) == sorted([c[1], c[2]])
    assert await overdue(c[0], first) == []
    assert (await orgs_api.get("/api/v1/tasks/overdue", params={"within": b["id"]}, headers=township_a)).status_code == 404

    assert (await orgs_api.post(f"{base}/{c[1]}/replies", json=evidence_of_second, headers=second)).status_code == 201
    assert await overdue(county, admin) == sorted([c[2], c[3]])
    detail = (await orgs_api.get(f"/api/v1/tasks/{task['id']}", headers=admin)).json()
    assert detail["counts"] == {"pending": 2, "replied": 1, "returned": 0, "accepted": 1, "overdue": 2}
    assert [r["number"] for r in next(r for r in detail["recipients"] if r["org_id"] == c[1])["replies"]] == [1, 2]


async def test_a_recipient_sees_its_own_part_and_another_townships_task_is_not_found(
    orgs_api: httpx.AsyncClient, tokens: Tokens, clock: dict[str, dt.date]
) -> None:
    admin = tokens.headers()
    w = await world(orgs_api, admin)
    (a, b), c = w["townships"], [o["id"] for o in w["communities"]]
    in_a = await issue(orgs_api, admin, task_body(a["id"], {"mode": "all_communities"}))
    from_county = await issue(orgs_api, admin, task_body(w["county"]["id"], {"mode": "all_communities"}))
    township_b, community = tokens.headers(scope_org_id=b["id"]), tokens.headers(scope_org_id=c[0])

    hidden = await orgs_api.get(f"/api/v1/tasks/{in_a['id']}", headers=township_b)
    reply = await orgs_api.post(f"/api/v1/tasks/{in_a['id']}/recipients/{c[0]}/replies", json={"text": "x"}, headers=township_b)
    own = (await orgs_api.get(f"/api/v1/tasks/{from_county['id']}", headers=community)).json()
    listed_b = (await orgs_api.get("/api/v1/tasks", headers=township_b)).json()["items"]

    assert (hidden.status_code, reply.status_code) == (404, 404)
    assert orgs_of(own) == {c[0]}
    assert own["counts"]["pending"] == 1
    assert [t["id"] for t in listed_b] == [from_county["id"]]
    assert listed_b[0]["counts"]["pending"] == 1


@pytest.mark.parametrize("field", ["activity_ids", "attachment_ids"])
async def test_evidence_of_another_township_is_as_unknown_as_none_and_nothing_is_written(
    field: str, orgs_api: httpx.AsyncClient, tokens: Tokens, clock: dict[str, dt.date], activities_stub: ActivitiesStub
) -> None:
    """A reply's activities and files are references to the activities service, checked in the
    caller's scope: township B's community naming township A's activity or file gets the very
    answer of an id that does not exist (the field at its index, never the id)."""
    admin = tokens.headers()
    w = await world(orgs_api, admin)
    (a_community, *_), b_community = w["communities"][:3], w["communities"][3]["id"]
    task = await issue(orgs_api, admin, task_body(w["county"]["id"], {"mode": "all_communities"}))
    path = f"/api/v1/tasks/{task['id']}/recipients/{b_community}/replies"
    b_admin = tokens.headers(scope_org_id=w["townships"][1]["id"])
    new = activities_stub.new_activity if field == "activity_ids" else activities_stub.new_attachment
    own, foreign = new(b_community), new(a_community["id"])

    with_foreign = await orgs_api.post(path, json={"text": "已完成", field: [own, foreign]}, headers=b_admin)
    with_unknown = await orgs_api.post(path, json={"text": "已完成", field: [own, str(uuid.uuid4())]}, headers=b_admin)
    unchanged = await orgs_api.get(f"/api/v1/tasks/{task['id']}", headers=b_admin)
    with_own = await orgs_api.post(path, json={"text": "已完成", field: [own]}, headers=b_admin)

    assert with_foreign.status_code == 422, with_foreign.text
    assert with_foreign.json() == with_unknown.json()
    assert with_foreign.json()["type"] == "/problems/unknown-reference"
    assert [e["field"] for e in with_foreign.json()["errors"]] == [f"{field}.1"]
    assert foreign not in with_foreign.text
    assert [r["status"] for r in unchanged.json()["recipients"]] == ["pending"]
    assert with_own.status_code == 201, with_own.text
    assert with_own.json()["replies"][-1][field] == [own]
