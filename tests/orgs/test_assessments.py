"""/assessments through the orgs API, the members and activities services stubbed: a county's
scheme over its communities scored from teams, terms, rectifications, diagnostics, the activities
service's compliance and study figures, the members service's dues totals and a manual score;
the ranking, the secretaries' ranking, the trace and the xlsx; scope (another township's scheme is
404); a constant number of calls to the peers."""

import datetime as dt
import io
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from openpyxl import load_workbook

from services.kit import context
from services.kit.peers import ServicePeers
from services.orgs.app import create_app
from services.orgs.settings import CLIENT_ID
from tests.builders import create_org
from tests.orgs.builders import add_position, add_term
from tests.orgs.conftest import MembersStub, SwitchableTransport, orgs_settings
from tests.support import SuiteDatabase, Tokens, in_process


class Peers:
    """What the activities stub and the members stub's dues totals answer, set by the test."""

    def __init__(self, members: MembersStub) -> None:
        self.compliance: list[dict[str, Any]] = []
        self.study: list[dict[str, Any]] = []
        self.contacts: list[dict[str, Any]] = []
        self.dues: dict[str, list[dict[str, Any]]] = {}
        self.calls: list[str] = []
        self.activities = FastAPI()

        @self.activities.get("/api/v1/compliance")
        async def compliance(within: str, period: str) -> dict[str, Any]:
            self.calls.append(f"compliance {period}")
            return {"within": within, "period": period, "organizations": self.compliance}

        @self.activities.get("/api/v1/study/summary")
        async def study(within: str, as_of: str) -> dict[str, Any]:
            self.calls.append(f"study {as_of}")
            return {"within": within, "organizations": self.study}

        @self.activities.get("/api/v1/contacts/summary")
        async def contacts(within: str, as_of: str) -> dict[str, Any]:
            self.calls.append(f"contacts {as_of}")
            return {"within": within, "as_of": as_of, "days": 90, "organizations": self.contacts}

        @members.app.get("/api/v1/dues/totals")
        async def dues(within: str, month: str) -> list[dict[str, Any]]:
            self.calls.append(f"dues {month}")
            return self.dues.get(month, [])


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> dict[str, dt.date]:
    day = {"today": dt.date(2026, 11, 26)}
    monkeypatch.setattr(context, "today_in", lambda _zone, _now=None: day["today"])
    return day


@pytest.fixture
def peer_stubs(members_stub: MembersStub) -> Peers:
    return Peers(members_stub)


@pytest.fixture
async def api(test_db: SuiteDatabase, members_stub: MembersStub, peer_stubs: Peers) -> AsyncIterator[httpx.AsyncClient]:
    settings = orgs_settings(test_db)
    transports = {"members": SwitchableTransport(members_stub), "activities": httpx.ASGITransport(app=peer_stubs.activities)}
    peers = ServicePeers(settings, CLIENT_ID, transports=transports)
    peers.tokens._token = "stub-token"
    peers.tokens._renew_at = float("inf")
    async with in_process(create_app(settings, peers=peers)) as client:
        yield client


async def world(client: httpx.AsyncClient, admin: dict[str, str], members: MembersStub) -> dict[str, Any]:
    """county → township A (communities c1 with an inner branch, c2, c3), township B (c4).
    c1: a full team (secretary, deputy, a committee member) and an overdue term; c2: a
    secretary alone; c3: nobody; the inner branch: a secretary; c4: a secretary."""
    county = await create_org(client, admin, tier="county")
    a, b = [await create_org(client, admin, tier="township", parent_id=county["id"]) for _ in range(2)]
    c = [
        await create_org(client, admin, tier="community", kind="branch", parent_id=t["id"], name=f"社區{n}黨支部")
        for n, t in enumerate((a, a, a, b), start=1)
    ]
    inner = await create_org(client, admin, tier="inner", kind="branch", parent_id=c[0]["id"])
    for org in (*c, inner):
        members.set_count(org["id"], members=10)
    people: dict[str, str] = {}
    for org, roles in ((c[0], ("secretary", "deputy_secretary", "organization_member")), (c[1], ("secretary",)),
                       (inner, ("secretary",)), (c[3], ("secretary",))):  # fmt: skip
        for role in roles:
            member_id = members.new_member(org_id=org["id"])
            members.known[member_id]["name"] = f"{org['name']}{role}"
            await add_position(client, admin, org_id=org["id"], member_id=member_id, role=role, since="2024-01-01")
            people[f"{org['id']} {role}"] = member_id
    assert (await add_term(client, admin, org_id=c[0]["id"], started_on="2020-01-10")).status_code == 201
    assert (await add_term(client, admin, org_id=c[1]["id"], started_on="2024-01-10")).status_code == 201
    return {"county": county, "a": a, "b": b, "c": c, "inner": inner, "people": people}


INDICATORS = [
    {"key": "meetings", "indicator": "meeting_compliance", "weight": 30},
    {"key": "team", "indicator": "team_completeness", "weight": 20},
    {"key": "terms", "indicator": "terms_on_time", "weight": 10},
    {"key": "rectify", "indicator": "rectifications", "weight": 10},
    {"key": "study", "indicator": "study_hours", "weight": 10},
    {"key": "dues", "indicator": "dues", "weight": 5},
    {"key": "contacts", "indicator": "floating_contacts", "weight": 5},
    {"key": "setup", "indicator": "diagnostics", "weight": 5},
    {"key": "service", "indicator": "manual", "name": "為民服務", "weight": 5},
]


def scheme_body(owner: str, **extra: Any) -> dict[str, Any]:
    return {"owner_org_id": owner, "title": "2026年度社區黨組織目標管理考核", "period": "2026", "target_level": "community",
            "indicators": INDICATORS, **extra}  # fmt: skip


async def rectification(client: httpx.AsyncClient, admin: dict[str, str], inspector: str, org: str, deadline: str) -> str:
    body = {"inspector_org_id": inspector, "org_id": org, "inspected_on": "2026-11-20", "round": "四季度督查",
            "inspectors": ["王建國"], "findings": [{"text": "記錄不全", "rectification": {"deadline": deadline}}]}  # fmt: skip
    made = await client.post("/api/v1/inspections", json=body, headers=admin)
    assert made.status_code == 201, made.text
    return str(made.json()["findings"][0]["rectification_id"])


async def test_a_countys_scheme_scores_ranks_and_traces_its_communities(
    api: httpx.AsyncClient, tokens: Tokens, clock: dict[str, dt.date], members_stub: MembersStub, peer_stubs: Peers
) -> None:
    admin = tokens.headers()
    w = await world(api, admin, members_stub)
    c1, c2, c3, c4 = (o["id"] for o in w["c"])
    inner = w["inner"]["id"]
    closed = await rectification(api, admin, w["a"]["id"], c1, "2026-12-20")
    still_open = await rectification(api, admin, w["a"]["id"], c2, "2026-12-20")
    later = await rectification(api, admin, w["a"]["id"], c3, "2027-03-01")  # not due within the period
    assert (await api.post(f"/api/v1/rectifications/{closed}/report", json={"text": "已整改"}, headers=admin)).status_code == 200
    assert (await api.post(f"/api/v1/rectifications/{closed}/close", json={}, headers=admin)).status_code == 200

    made = await api.post("/api/v1/assessments", json=scheme_body(w["county"]["id"]), headers=admin)
    assert made.status_code == 201, made.text
    scheme = made.json()
    assert (scheme["starts_on"], scheme["ends_on"]) == ("2026-01-01", "2026-12-31")
    assert [i["name"] for i in scheme["indicators"]][:2] == ["三會一課落實率", "班子配備齊全率"]

    peer_stubs.compliance = [
        {"org_id": o, "met": met} for o, met in ((c1, True), (inner, False), (c2, True), (c3, False), (c4, True))
    ]
    peer_stubs.study = [{"org_id": c1, "members": 10, "below": 2}, {"org_id": c2, "members": 5, "below": 5}]
    peer_stubs.contacts = [{"org_id": inner, "followed": 4, "contacted": 3}]
    peer_stubs.dues = {
        "2026-03": [{"org_id": c1, "members": 10, "unpaid_members": 1}, {"org_id": c4, "members": 4, "unpaid_members": 0}],
        "2026-04": [{"org_id": c1, "members": 10, "unpaid_members": 0}],
    }
    path = f"/api/v1/assessments/{scheme['id']}"
    score = await api.put(f"{path}/scores/{c2}/service", json={"score": 90, "note": "台賬齊全"}, headers=admin)
    assert (score.status_code, score.headers["etag"]) == (201, '"1"'), score.text
    # Replacing it needs the version read last: 428 without, 412 when it is not the current one or
    # when If-None-Match: * says the score is new.
    without = await api.put(f"{path}/scores/{c2}/service", json={"score": 80}, headers=admin)
    stale = await api.put(f"{path}/scores/{c2}/service", json={"score": 80}, headers=admin | {"If-Match": '"7"'})
    not_new = await api.put(f"{path}/scores/{c2}/service", json={"score": 80}, headers=admin | {"If-None-Match": "*"})
    unborn = await api.put(f"{path}/scores/{c1}/service", json={"score": 80}, headers=admin | {"If-Match": '"1"'})
    assert [r.status_code for r in (without, stale, not_new, unborn)] == [428, 412, 412, 412]
    again = await api.put(f"{path}/scores/{c2}/service", json={"score": 80}, headers=admin | {"If-Match": score.headers["etag"]})
    assert (again.status_code, again.headers["etag"]) == (200, '"2"'), again.text
    assert (again.json()["score"], again.json()["version"]) == (80, 2)

    clock["today"] = dt.date(2027, 1, 5)  # the period is over: judged on 2026-12-31
    peer_stubs.calls.clear()
    members_stub.calls.clear()
    found = await api.get(f"{path}/results", headers=admin)
    assert found.status_code == 200, found.text
    body = found.json()
    assert body["as_of"] == "2026-12-31"
    # A constant number of calls: one compliance, one study, one dues total per month, one lookup.
    assert sorted(peer_stubs.calls) == sorted(
        ["compliance 2026", "study 2026-12-31", "contacts 2026-12-31", *[f"dues 2026-{m:02d}" for m in range(1, 13)]]
    )
    assert (members_stub.calls.count("lookup"), members_stub.calls.count("member-counts")) == (1, 1)

    by_org = {t["org_id"]: t for t in body["targets"]}
    assert set(by_org) == {c1, c2, c3, c4}

    def scores(org: str) -> dict[str, float]:
        return {i["key"]: i["score"] for i in by_org[org]["indicators"]}

    # c1: meetings 1 of 2 (its inner branch did not meet); team: c1 and the inner branch complete;
    # terms: c1's is overdue, the inner branch has none; rectification closed; study 8 of 10;
    # dues 19 of 20 member-months; contacts 3 of the inner branch's 4 floating members; setup: c1
    # has problems (term overdue, secretary not director), its inner branch none.
    assert scores(c1) == {"meetings": 50.0, "team": 100.0, "terms": 50.0, "rectify": 100.0, "study": 80.0, "dues": 95.0,
                          "contacts": 75.0, "setup": 50.0, "service": 0.0}  # fmt: skip
    assert scores(c2) == {"meetings": 100.0, "team": 0.0, "terms": 100.0, "rectify": 0.0, "study": 0.0, "dues": 100.0,
                          "contacts": 100.0, "setup": 0.0, "service": 80.0}  # fmt: skip
    assert (scores(c3)["team"], scores(c3)["meetings"], scores(c3)["rectify"]) == (0.0, 0.0, 100.0)
    expected = {org: round(sum(i["weight"] * scores(org)[i["key"]] for i in INDICATORS) / 100, 2) for org in by_org}
    assert {org: t["score"] for org, t in by_org.items()} == expected
    assert [t["org_id"] for t in body["targets"]] == sorted(by_org, key=lambda o: -expected[o])
    assert body["targets"][0]["rank"] == 1
    assert (by_org[c2]["complete"], by_org[c1]["complete"]) == (True, False)

    # The trace: the records counted against each target and the query behind them.
    c1_meetings = next(i for i in by_org[c1]["indicators"] if i["key"] == "meetings")
    assert (c1_meetings["counted"], c1_meetings["of"], c1_meetings["trace"]["against"]) == (1, 2, [inner])
    assert "/api/v1/compliance?within=" in c1_meetings["trace"]["source"]
    c2_rectify = next(i for i in by_org[c2]["indicators"] if i["key"] == "rectify")
    assert c2_rectify["trace"]["against"] == [still_open]
    assert later not in str(body)
    one = await api.get(f"{path}/results/{c1}", headers=admin)
    assert one.status_code == 200
    assert one.json() == by_org[c1]

    # Secretaries ranked as their organizations (c3 has none).
    secretaries = body["secretaries"]
    assert [s["org_id"] for s in secretaries] == [t["org_id"] for t in body["targets"] if t["org_id"] != c3]
    assert secretaries[0]["member_id"] == w["people"][f"{secretaries[0]['org_id']} secretary"]
    assert secretaries[0]["name"].endswith("secretary")

    sheet = await api.get(f"{path}/results.xlsx", headers=admin | {"Accept-Language": "zh-TW"})
    assert sheet.status_code == 200
    book = load_workbook(io.BytesIO(sheet.content))
    assert book.sheetnames == ["考核結果", "書記排名", "指標明細", "說明"]
    rows = list(book["考核結果"].iter_rows(values_only=True))
    assert rows[0][:4] == ("名次", "黨組織", "書記", "總分")
    assert [(r[0], r[3]) for r in rows[1:]] == [(t["rank"], t["score"]) for t in body["targets"]]
    simplified = load_workbook(io.BytesIO((await api.get(f"{path}/results.xlsx", headers=admin)).content))
    assert simplified.sheetnames[:2] == ["考核结果", "书记排名"]


async def test_another_townships_scheme_is_not_found_and_bad_input_writes_nothing(
    api: httpx.AsyncClient, tokens: Tokens, clock: dict[str, dt.date], members_stub: MembersStub
) -> None:
    admin = tokens.headers()
    w = await world(api, admin, members_stub)
    a, b = tokens.headers(scope_org_id=w["a"]["id"]), tokens.headers(scope_org_id=w["b"]["id"])
    c1, c4 = w["c"][0]["id"], w["c"][3]["id"]
    made = await api.post("/api/v1/assessments", json=scheme_body(w["a"]["id"]), headers=a)
    assert made.status_code == 201, made.text
    path = f"/api/v1/assessments/{made.json()['id']}"

    for url in (path, f"{path}/results", f"{path}/results/{c1}", f"{path}/results.xlsx"):
        assert (await api.get(url, headers=b)).status_code == 404, url
    assert (await api.put(f"{path}/scores/{c1}/service", json={"score": 50}, headers=b)).status_code == 404
    assert (await api.get("/api/v1/assessments", headers=b)).json()["items"] == []
    assert [s["id"] for s in (await api.get("/api/v1/assessments", headers=a)).json()["items"]] == [made.json()["id"]]
    county_scheme = await api.post("/api/v1/assessments", json=scheme_body(w["county"]["id"]), headers=admin)
    assert (await api.get(f"/api/v1/assessments/{county_scheme.json()['id']}", headers=a)).status_code == 404

    unnamed = {"key": "x", "indicator": "manual", "weight": 1}
    refused = [
        await api.post("/api/v1/assessments", json=scheme_body(w["b"]["id"]), headers=a),  # out of scope
        await api.post("/api/v1/assessments", json=scheme_body(w["a"]["id"], target_level="township"), headers=a),
        await api.post("/api/v1/assessments", json=scheme_body(w["a"]["id"], period="2026-H3"), headers=a),
        await api.post("/api/v1/assessments", json=scheme_body(w["a"]["id"], indicators=INDICATORS * 2), headers=a),
        await api.post("/api/v1/assessments", json=scheme_body(w["a"]["id"], indicators=[unnamed]), headers=a),
    ]  # fmt: skip
    assert [r.status_code for r in refused] == [422] * 5
    assert [r.json()["type"].rsplit("/", 1)[-1] for r in refused[:2]] == ["unknown-reference", "rule-violation"]
    assert len((await api.get("/api/v1/assessments", headers=a)).json()["items"]) == 1

    not_target = await api.put(f"{path}/scores/{c4}/service", json={"score": 50}, headers=a)
    not_manual = await api.put(f"{path}/scores/{c1}/meetings", json={"score": 50}, headers=a)
    too_high = await api.put(f"{path}/scores/{c1}/service", json={"score": 101}, headers=a)
    assert [not_target.status_code, not_manual.status_code, too_high.status_code] == [404, 404, 422]

    members_stub.down = True  # the diagnostics' member counts cannot be asked: 503, never a guess
    unavailable = await api.get(f"{path}/results", headers=a)
    assert (unavailable.status_code, unavailable.json()["type"]) == (503, "/problems/peer-unavailable")
