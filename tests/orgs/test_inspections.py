"""/inspections and /rectifications through the orgs API: a finding's rectification reported,
closed, reopened and closed; a diagnostic turned into one; the round's 通報; scope."""

import datetime as dt
import uuid
from typing import Any

import httpx
import pytest

from services.kit import context
from tests.builders import create_org
from tests.orgs.conftest import ActivitiesStub
from tests.support import Tokens


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> dict[str, dt.date]:
    day = {"today": dt.date(2026, 11, 26)}
    monkeypatch.setattr(context, "today_in", lambda _zone, _now=None: day["today"])
    return day


async def world(client: httpx.AsyncClient, admin: dict[str, str]) -> dict[str, Any]:
    county = await create_org(client, admin, tier="county")
    a = await create_org(client, admin, tier="township", parent_id=county["id"])
    b = await create_org(client, admin, tier="township", parent_id=county["id"])
    branch = await create_org(client, admin, tier="community", kind="branch", parent_id=a["id"], name="東村黨支部")
    return {"county": county, "a": a, "b": b, "branch": branch}


def inspection(w: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "inspector_org_id": w["a"]["id"],
        "org_id": w["branch"]["id"],
        "inspected_on": "2026-11-20",
        "round": "2026年第四季度督查",
        "inspectors": ["王建國", "𠮷田"],
        "findings": [
            {"text": "三會一課記錄不全<b>", "rectification": {"deadline": "2026-12-31", "evidence_required": ["text"]}},
            {"text": "制度已上牆"},
        ],
        **extra,
    }


async def test_a_findings_rectification_is_reported_closed_reopened_and_closed(
    orgs_api: httpx.AsyncClient, tokens: Tokens
) -> None:
    admin = tokens.headers()
    w = await world(orgs_api, admin)
    township, branch = tokens.headers(scope_org_id=w["a"]["id"]), tokens.headers(scope_org_id=w["branch"]["id"])
    made = await orgs_api.post("/api/v1/inspections", json=inspection(w), headers=township)
    assert made.status_code == 201, made.text
    first, second = made.json()["findings"]
    assert (first["rectification_status"], second["rectification_id"]) == ("open", None)
    path = f"/api/v1/rectifications/{first['rectification_id']}"

    close_early = await orgs_api.post(f"{path}/close", json={}, headers=township)
    no_text = await orgs_api.post(f"{path}/report", json={"attachment_ids": [first["id"]]}, headers=branch)
    reported = await orgs_api.post(f"{path}/report", json={"text": "已補齊記錄"}, headers=branch)
    by_branch = await orgs_api.post(f"{path}/close", json={}, headers=branch)
    closed = await orgs_api.post(f"{path}/close", json={"note": "核查到位"}, headers=township)
    reopen_silent = await orgs_api.post(f"{path}/reopen", json={}, headers=township)
    reopened = await orgs_api.post(f"{path}/reopen", json={"note": "又缺記錄"}, headers=township)
    closed_again = await orgs_api.post(f"{path}/close", json={"note": "實地核查已整改"}, headers=township)

    assert close_early.status_code == 409
    assert no_text.status_code == 422
    assert reported.json()["status"] == "reported"
    assert by_branch.status_code == 403  # the inspected side does not close its own rectification
    assert closed.json()["status"] == "closed"
    assert reopen_silent.status_code == 422
    assert reopened.json()["status"] == "reopened"
    assert closed_again.status_code == 200, closed_again.text
    steps = [(s["step"], s["text"]) for s in closed_again.json()["steps"]]
    assert steps == [
        ("demanded", None),
        ("reported", "已補齊記錄"),
        ("closed", "核查到位"),
        ("reopened", "又缺記錄"),
        ("closed", "實地核查已整改"),
    ]


async def test_an_inspection_is_of_an_organization_below_the_inspector_and_already_held(
    orgs_api: httpx.AsyncClient, tokens: Tokens
) -> None:
    admin = tokens.headers()
    w = await world(orgs_api, admin)
    upward = await orgs_api.post("/api/v1/inspections", json=inspection(w, org_id=w["county"]["id"]), headers=admin)
    future = await orgs_api.post("/api/v1/inspections", json=inspection(w, inspected_on="2026-11-27"), headers=admin)
    late = inspection(w)
    late["findings"][0]["rectification"]["deadline"] = "2026-11-01"
    past_deadline = await orgs_api.post("/api/v1/inspections", json=late, headers=admin)

    assert [r.json()["errors"][0]["field"] for r in (upward, future, past_deadline)] == [
        "org_id",
        "inspected_on",
        "findings.0.rectification.deadline",
    ]
    assert (await orgs_api.get("/api/v1/inspections", params={"within": w["county"]["id"]}, headers=admin)).json()["items"] == []


async def test_another_townships_inspection_and_rectification_are_not_found(orgs_api: httpx.AsyncClient, tokens: Tokens) -> None:
    admin = tokens.headers()
    w = await world(orgs_api, admin)
    made = (await orgs_api.post("/api/v1/inspections", json=inspection(w), headers=admin)).json()
    rectification_id = made["findings"][0]["rectification_id"]
    other = tokens.headers(scope_org_id=w["b"]["id"])

    answers = [
        await orgs_api.get(f"/api/v1/inspections/{made['id']}", headers=other),
        await orgs_api.get(f"/api/v1/rectifications/{rectification_id}", headers=other),
        await orgs_api.post(f"/api/v1/rectifications/{rectification_id}/report", json={"text": "x"}, headers=other),
        await orgs_api.post(f"/api/v1/rectifications/{rectification_id}/close", json={}, headers=other),
    ]
    listed = await orgs_api.get("/api/v1/rectifications", headers=other)

    assert [r.status_code for r in answers] == [404, 404, 404, 404]
    assert listed.json()["items"] == []


async def test_overdue_rectifications_are_those_still_owing_a_report_past_the_deadline(
    orgs_api: httpx.AsyncClient, tokens: Tokens, clock: dict[str, dt.date]
) -> None:
    admin = tokens.headers()
    w = await world(orgs_api, admin)
    made = (await orgs_api.post("/api/v1/inspections", json=inspection(w), headers=admin)).json()
    clock["today"] = dt.date(2027, 1, 1)
    listed = await orgs_api.get("/api/v1/rectifications", params={"within": w["a"]["id"], "overdue": True}, headers=admin)
    assert [r["id"] for r in listed.json()["items"]] == [made["findings"][0]["rectification_id"]]
    assert listed.json()["items"][0]["overdue"] is True


async def test_a_diagnostic_that_holds_becomes_a_rectification_once(orgs_api: httpx.AsyncClient, tokens: Tokens) -> None:
    admin = tokens.headers()
    w = await world(orgs_api, admin)
    body = {"org_id": w["branch"]["id"], "rule": "no_secretary", "issuer_org_id": w["a"]["id"], "deadline": "2027-01-31"}

    made = await orgs_api.post("/api/v1/rectifications/from-diagnostic", json=body, headers=admin)
    twice = await orgs_api.post("/api/v1/rectifications/from-diagnostic", json=body, headers=admin)
    not_holding = await orgs_api.post(
        "/api/v1/rectifications/from-diagnostic", json={**body, "rule": "branch_too_large"}, headers=admin
    )
    other = tokens.headers(scope_org_id=w["b"]["id"])
    foreign = await orgs_api.post(
        "/api/v1/rectifications/from-diagnostic", json={**body, "issuer_org_id": w["b"]["id"]}, headers=other
    )

    assert made.status_code == 201, made.text
    assert (made.json()["source"], made.json()["diagnostic_rule"], made.json()["status"]) == (
        "diagnostic",
        "no_secretary",
        "open",
    )
    assert made.json()["required_action"] == "Appoint or elect a secretary"
    assert twice.status_code == 409
    assert (not_holding.status_code, not_holding.json()["type"].rsplit("/", 1)[-1]) == (422, "diagnostic-not-found")
    assert foreign.json()["errors"][0]["field"] == "org_id"


async def test_the_rounds_notice_is_a_static_printable_page(orgs_api: httpx.AsyncClient, tokens: Tokens) -> None:
    admin = tokens.headers()
    w = await world(orgs_api, admin)
    assert (await orgs_api.post("/api/v1/inspections", json=inspection(w), headers=admin)).status_code == 201
    params = {"inspector_org_id": w["a"]["id"], "round": "2026年第四季度督查"}

    page = await orgs_api.get("/api/v1/inspections/notice", params=params, headers=admin)
    other = await orgs_api.get("/api/v1/inspections/notice", params=params, headers=tokens.headers(scope_org_id=w["b"]["id"]))
    unknown = await orgs_api.get("/api/v1/inspections/notice", params={**params, "round": "無"}, headers=admin)

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "關於2026年第四季度督查情況的通報" in page.text
    assert "東村黨支部" in page.text
    assert "𠮷田" in page.text
    assert "三會一課記錄不全&lt;b&gt;" in page.text
    assert "整改中" in page.text
    assert "<script" not in page.text
    csp = page.headers["content-security-policy"]
    assert csp.startswith("default-src 'none'; style-src 'sha256-")
    assert "unsafe-inline" not in csp
    assert (other.status_code, unknown.status_code) == (404, 404)


async def test_a_reports_evidence_of_another_township_is_as_unknown_as_none(
    orgs_api: httpx.AsyncClient, tokens: Tokens, activities_stub: ActivitiesStub
) -> None:
    """A report's activities and files (references to the activities service) are checked in the
    caller's scope: another township's answer as one that does not exist, and nothing is written."""
    admin = tokens.headers()
    w = await world(orgs_api, admin)
    township, branch = tokens.headers(scope_org_id=w["a"]["id"]), tokens.headers(scope_org_id=w["branch"]["id"])
    made = await orgs_api.post("/api/v1/inspections", json=inspection(w), headers=township)
    path = f"/api/v1/rectifications/{made.json()['findings'][0]['rectification_id']}"
    own, foreign = activities_stub.new_activity(w["branch"]["id"]), activities_stub.new_attachment(w["b"]["id"])

    with_foreign = await orgs_api.post(f"{path}/report", json={"text": "已補齊", "attachment_ids": [foreign]}, headers=branch)
    with_unknown = await orgs_api.post(
        f"{path}/report", json={"text": "已補齊", "attachment_ids": [str(uuid.uuid4())]}, headers=branch
    )
    unchanged = await orgs_api.get(path, headers=branch)
    with_own = await orgs_api.post(f"{path}/report", json={"text": "已補齊", "activity_ids": [own]}, headers=branch)

    assert with_foreign.status_code == 422, with_foreign.text
    assert with_foreign.json() == with_unknown.json()
    assert [e["field"] for e in with_foreign.json()["errors"]] == ["attachment_ids.0"]
    assert unchanged.json()["status"] == "open"
    assert with_own.status_code == 200, with_own.text
    assert with_own.json()["status"] == "reported"
