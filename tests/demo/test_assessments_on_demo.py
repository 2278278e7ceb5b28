"""A target-based assessment of the demo district's communities through the gateway, as real
processes: every computed indicator of every community equals the computation in this test from
the records each service answers for (the diagnostics, the compliance report, the study summary,
the contacts summary, the dues totals, the rectifications, the tree); the total, the ranking, the secretaries' ranking
and the xlsx follow; another township's scheme is not found."""

import io
from collections import defaultdict
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook

from tests.demo.conftest import LoadedDistrict
from tests.support import LiveStack

pytestmark = pytest.mark.timeout(600)

TEAM_TIERS = {"community", "inner", "unit"}
TEAM_PROBLEMS = {"team_too_small", "no_secretary"}
NOT_PROBLEMS = {"term_ending_soon", "representatives_congress"}
INDICATORS = [
    {"key": "meetings", "indicator": "meeting_compliance", "weight": 20},
    {"key": "team", "indicator": "team_completeness", "weight": 15},
    {"key": "terms", "indicator": "terms_on_time", "weight": 15},
    {"key": "setup", "indicator": "diagnostics", "weight": 10},
    {"key": "rectify", "indicator": "rectifications", "weight": 10},
    {"key": "study", "indicator": "study_hours", "weight": 10},
    {"key": "dues", "indicator": "dues", "weight": 5},
    {"key": "contacts", "indicator": "floating_contacts", "weight": 5},
    {"key": "service", "indicator": "manual", "name": "為民服務", "weight": 10},
]


class Api:
    def __init__(self, live: LiveStack, headers: dict[str, str]) -> None:
        self.url = live.url() + "/api/v1"
        self.headers = headers

    def call(self, method: str, path: str, body: Any = None, expect: int = 200, **params: str) -> Any:
        response = httpx.request(method, self.url + path, json=body, params=params, headers=self.headers, timeout=120)
        assert response.status_code == expect, response.text
        return response.json() if "json" in response.headers.get("content-type", "") else response

    def pages(self, path: str, **params: str) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        cursor: dict[str, str] = {}
        while True:
            page = self.call("GET", path, limit="200", **params, **cursor)
            items += page["items"]
            if not page.get("next_cursor"):
                return items
            cursor = {"cursor": page["next_cursor"]}


def share(counted: int, of: int) -> float:
    return 100.0 if of == 0 else round(100 * counted / of, 2)


def expected_figures(
    api: Api, county: str, orgs: dict[str, dict[str, Any]], as_of: str, period: str
) -> dict[str, dict[str, list[int]]]:
    """Per community, per indicator key: [records counted, records meeting the standard], from the records."""
    communities = {o["id"] for o in orgs.values() if o["tier"] == "community" and o["status"] == "active"}

    def target(org_id: str) -> str | None:
        at: str | None = org_id
        while at is not None and at not in communities:
            at = orgs[at]["parent_id"] if at in orgs else None
        return at

    tally: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    problems: dict[str, set[str]] = defaultdict(set)
    for item in api.call("GET", f"/orgs/{county}/diagnostics", as_of=as_of)["items"]:
        if item["rule"] not in NOT_PROBLEMS:
            problems[item["org_id"]].add(item["rule"])
    for org in orgs.values():
        owner = target(org["id"])
        if owner is None or org["status"] != "active" or org["tier"] not in TEAM_TIERS or org["kind"] == "group":
            continue
        for key, bad in (("team", TEAM_PROBLEMS), ("terms", {"term_overdue"}), ("setup", None)):
            found = problems[org["id"]] & bad if bad is not None else problems[org["id"]]
            tally[owner][key][0] += 1
            tally[owner][key][1] += not found
    for rectification in api.pages("/rectifications", within=county):
        owner = target(rectification["org_id"])
        if owner is not None and rectification["deadline"] <= as_of:
            tally[owner]["rectify"][0] += 1
            tally[owner]["rectify"][1] += rectification["status"] == "closed"
    for row in api.call("GET", "/compliance", within=county, period=period)["organizations"]:
        owner = target(row["org_id"])
        if owner is not None:
            tally[owner]["meetings"][0] += 1
            tally[owner]["meetings"][1] += row["met"]
    for row in api.call("GET", "/study/summary", within=county, as_of=as_of)["organizations"]:
        owner = target(row["org_id"])
        if owner is not None:
            tally[owner]["study"][0] += row["members"]
            tally[owner]["study"][1] += row["members"] - row["below"]
    for row in api.call("GET", "/contacts/summary", within=county, as_of=as_of)["organizations"]:
        owner = target(row["org_id"])
        if owner is not None:
            tally[owner]["contacts"][0] += row["followed"]
            tally[owner]["contacts"][1] += row["contacted"]
    for month in range(1, int(as_of[5:7]) + 1):
        for row in api.call("GET", "/dues/totals", within=county, month=f"{period}-{month:02d}"):
            owner = target(row["org_id"])
            if owner is not None:
                tally[owner]["dues"][0] += row["members"]
                tally[owner]["dues"][1] += row["members"] - row["unpaid_members"]
    return {c: dict(tally[c]) for c in communities}


def test_an_assessment_of_the_demo_communities_equals_the_computation_from_the_records(
    live: LiveStack, demo_district: LoadedDistrict
) -> None:
    api = Api(live, live.business_headers())
    county = demo_district.county_id
    orgs = {o["id"]: o for o in api.pages("/orgs", within=county)}
    period = str(demo_district.district.as_of.year)
    body = {"owner_org_id": county, "title": "社區黨組織目標管理考核", "period": period, "target_level": "community",
            "indicators": INDICATORS}  # fmt: skip
    scheme = api.call("POST", "/assessments", body, 201)
    path = f"/assessments/{scheme['id']}"
    first = api.call("GET", f"{path}/results")
    as_of = first["as_of"]
    ranked_ids = [t["org_id"] for t in first["targets"]]
    assert len(ranked_ids) >= 3

    # Two rectifications due on the evaluation day: the first community's closed, the second's open;
    # a manual score for the third.
    one, two, three = ranked_ids[:3]
    for org_id, close in ((one, True), (two, False)):
        inspection = {"inspector_org_id": orgs[org_id]["parent_id"], "org_id": org_id, "inspected_on": as_of,
                      "round": "考核前督查", "inspectors": ["王建國"],
                      "findings": [{"text": "三會一課記錄不全", "rectification": {"deadline": as_of}}]}  # fmt: skip
        made = api.call("POST", "/inspections", inspection, 201)
        if close:
            rectification = made["findings"][0]["rectification_id"]
            api.call("POST", f"/rectifications/{rectification}/report", {"text": "已補齊"})
            api.call("POST", f"/rectifications/{rectification}/close", {})
    api.call("PUT", f"{path}/scores/{three}/service", {"score": 88.5, "note": "群眾評價好"}, 201)  # new: no If-Match

    results = api.call("GET", f"{path}/results")
    assert results["as_of"] == as_of
    expected = expected_figures(api, county, orgs, as_of, period)
    assert {t["org_id"] for t in results["targets"]} == set(expected)
    for key in ("meetings", "team", "terms", "setup", "study", "contacts"):  # each computed from records that exist
        assert sum(figures.get(key, [0, 0])[0] for figures in expected.values()) > 0, key
    assert {key for figures in expected.values() for key in figures if figures[key][0] != figures[key][1]} >= {"team", "meetings"}
    mismatches = []
    totals = {}
    for target in results["targets"]:
        parts = []
        for indicator in target["indicators"]:
            if indicator["indicator"] == "manual":
                want_score = 88.5 if target["org_id"] == three else 0.0
                got = indicator["score"]
            else:
                of, counted = expected[target["org_id"]].get(indicator["key"], [0, 0])
                want_score = share(counted, of)
                got = indicator["score"]
                if (indicator["of"], indicator["counted"]) != (of, counted):
                    mismatches.append(
                        f"{target['org_name']} {indicator['key']}: {indicator['counted']}/{indicator['of']} vs {counted}/{of}"
                    )
            if got != want_score:
                mismatches.append(f"{target['org_name']} {indicator['key']}: score {got} vs {want_score}")
            parts.append(indicator["weight"] * want_score)
        totals[target["org_id"]] = round(sum(parts) / sum(i["weight"] for i in INDICATORS), 2)
        if target["score"] != totals[target["org_id"]]:
            mismatches.append(f"{target['org_name']}: total {target['score']} vs {totals[target['org_id']]}")
    assert not mismatches, "\n".join(mismatches)
    # The district has something to tell apart: rectifications both ways, meetings, teams.
    by_org = {t["org_id"]: {i["key"]: i for i in t["indicators"]} for t in results["targets"]}
    assert (by_org[one]["rectify"]["score"], by_org[two]["rectify"]["score"]) == (100.0, 0.0)
    assert len({t["score"] for t in results["targets"]}) > 1

    # The ranking: by total, equal totals the same rank.
    scores = [t["score"] for t in results["targets"]]
    assert scores == sorted(scores, reverse=True)
    assert [t["rank"] for t in results["targets"]] == [1 + sum(s > score for s in scores) for score in scores]
    # The secretaries: each target's current secretary, in the targets' order.
    secretaries = results["secretaries"]
    assert [s["org_id"] for s in secretaries] == [t["org_id"] for t in results["targets"] if t["secretary"]]
    for entry in secretaries[:3]:
        positions = api.call("GET", f"/orgs/{entry['org_id']}/positions")
        holders = {p["member_id"] for p in positions if p["role"] == "secretary" and (p["until"] is None or p["until"] >= as_of)}
        assert entry["member_id"] in holders
    # The trace of one target names the query and the records against it.
    traced = api.call("GET", f"{path}/results/{two}")
    rectify = next(i for i in traced["indicators"] if i["key"] == "rectify")
    assert len(rectify["trace"]["against"]) == 1
    assert rectify["trace"]["source"].startswith("orgs ")

    workbook = httpx.get(api.url + f"{path}/results.xlsx", headers=api.headers | {"Accept-Language": "zh-TW"}, timeout=120)
    assert workbook.status_code == 200
    book = load_workbook(io.BytesIO(workbook.content))
    rows = list(book["考核結果"].iter_rows(values_only=True))
    assert [(r[0], r[1], r[3]) for r in rows[1:]] == [(t["rank"], t["org_name"], t["score"]) for t in results["targets"]]

    # Another township's admin does not find the county's scheme, nor a township's scheme of another.
    townships = [o["id"] for o in orgs.values() if o["tier"] == "township"]
    east, west = (live.business_headers(scope_org_id=t) for t in townships[:2])
    own = Api(live, east).call("POST", "/assessments", body | {"owner_org_id": townships[0]}, 201)
    for headers, scheme_id in ((west, own["id"]), (east, scheme["id"])):
        for suffix in ("", "/results", "/results.xlsx"):
            response = httpx.get(api.url + f"/assessments/{scheme_id}{suffix}", headers=headers, timeout=120)
            assert response.status_code == 404, (suffix, response.text)
