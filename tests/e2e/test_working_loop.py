"""The district's working loop through the gateway, as real processes: a county sends a task down
to the communities of a work list, replies are accepted or returned, the overdue list shows the
rest; an inspection's finding becomes a rectification that is reported, closed, reopened, closed."""

import uuid
from typing import Any

import httpx

from tests.support import LiveStack, on_postgres


def test_a_county_sends_a_task_down_a_work_list_and_follows_an_inspections_rectification(live: LiveStack) -> None:
    admin = live.business_headers()
    url = live.url() + "/api/v1"

    def call(method: str, path: str, headers: dict[str, str], body: dict[str, Any] | None = None, expect: int = 200) -> Any:
        response = httpx.request(method, url + path, json=body, headers=headers, params=None)
        assert response.status_code == expect, response.text
        return response.json()

    county = call("POST", "/orgs", admin, {"name": "區委", "kind": "committee", "tier": "county"}, 201)
    townships = [
        call("POST", "/orgs", admin, {"name": name, "kind": "committee", "tier": "township", "parent_id": county["id"]}, 201)
        for name in ("東鎮黨委", "西鎮黨委")
    ]
    communities = []
    for number, township in enumerate((*[townships[0]] * 4, townships[1])):
        org = call("POST", "/orgs", admin, {"name": f"社區{number}黨支部", "kind": "branch", "tier": "community",
                                            "parent_id": township["id"]}, 201)  # fmt: skip
        call(
            "POST",
            "/communities",
            admin,
            {"name": f"社區{number}", "township_org_id": township["id"], "party_org_id": org["id"]},
            201,
        )
        communities.append(org["id"])
    # The first community has a sound reserve pool: it is not on the work list.
    [first] = call("GET", f"/communities?within={communities[0]}", admin)["items"]
    for name in ("甲", "乙"):
        cadre = {"name": name, "birth_date": "1990-01-01", "education": "bachelor", "since": "2025-01-01"}
        call("POST", f"/communities/{first['id']}/reserve-cadres", admin, cadre, 201)
    on_list = communities[1:]

    task = call(
        "POST",
        "/tasks",
        admin,
        {
            "issuer_org_id": county["id"],
            "title": "充實後備幹部隊伍",
            "content": "每社區確定2名人選並報送名單",
            "deadline": _today(live),
            "evidence_required": ["text"],
            "recipients": {"mode": "work_list", "worklist": "reserve_pools"},
        },
        201,
    )
    assert {r["org_id"] for r in task["recipients"]} == set(on_list)
    base = f"/tasks/{task['id']}/recipients"
    one, two = (live.business_headers(scope_org_id=c) for c in on_list[:2])
    call("POST", f"{base}/{on_list[0]}/replies", one, {"text": "已確定2名"}, 201)
    call("POST", f"{base}/{on_list[1]}/replies", two, {"text": "已確定1名"}, 201)
    assert call("POST", f"{base}/{on_list[0]}/decision", admin, {"decision": "accept"})["status"] == "accepted"
    returned = call("POST", f"{base}/{on_list[1]}/decision", admin, {"decision": "return", "note": "人數不足"})
    assert returned["status"] == "returned"
    again = call("POST", f"{base}/{on_list[1]}/replies", two, {"text": "已補足2名"}, 201)
    assert [r["number"] for r in again["replies"]] == [1, 2]
    other_township = live.business_headers(scope_org_id=townships[1]["id"])
    assert httpx.get(url + f"/tasks/{task['id']}", headers=live.business_headers(scope_org_id=communities[0])).status_code == 404

    # Time passes: the deadline is moved to yesterday straight in the database (the processes'
    # clock cannot be moved), and the overdue list shows those who never replied.
    stored_id = task["id"] if on_postgres() else uuid.UUID(task["id"]).hex
    live.rows("orgs", f"UPDATE orgs.tasks SET deadline = '2000-01-01' WHERE id = '{stored_id}'")
    overdue = call("GET", f"/tasks/overdue?within={county['id']}", admin)["items"]
    assert sorted(i["org_id"] for i in overdue if i["task_id"] == task["id"]) == sorted(on_list[2:])
    in_west = call("GET", f"/tasks/overdue?within={townships[1]['id']}", other_township)["items"]
    assert [i["org_id"] for i in in_west if i["task_id"] == task["id"]] == [on_list[3]]

    # An inspection's finding becomes a rectification: reported, closed, reopened, closed.
    inspection = call(
        "POST",
        "/inspections",
        admin,
        {
            "inspector_org_id": townships[0]["id"],
            "org_id": on_list[0],
            "inspected_on": _today(live),
            "round": "第四季度督查",
            "inspectors": ["王建國", "𠮷田"],
            "findings": [{"text": "三會一課記錄不全", "rectification": {"deadline": _today(live)}}],
        },
        201,
    )
    path = f"/rectifications/{inspection['findings'][0]['rectification_id']}"
    inspected, inspector = one, live.business_headers(scope_org_id=townships[0]["id"])
    assert call("POST", f"{path}/report", inspected, {"text": "已補齊記錄"})["status"] == "reported"
    assert call("POST", f"{path}/close", inspector, {})["status"] == "closed"
    assert call("POST", f"{path}/reopen", inspector, {"note": "抽查又缺"})["status"] == "reopened"
    closed = call("POST", f"{path}/close", inspector, {"note": "核查到位"})
    assert [s["step"] for s in closed["steps"]] == ["demanded", "reported", "closed", "reopened", "closed"]
    assert httpx.get(url + path, headers=other_township).status_code == 404
    notice = httpx.get(url + "/inspections/notice", params={"inspector_org_id": townships[0]["id"], "round": "第四季度督查"},
                       headers=admin)  # fmt: skip
    assert notice.status_code == 200
    assert "已銷號" in notice.text


def _today(live: LiveStack) -> str:
    """The deployment's day as the processes see it (Asia/Shanghai unless the stack says otherwise)."""
    from services.kit.context import deployment_timezone, today_in

    return today_in(live.env.get("DANGJIAN_TIMEZONE") or deployment_timezone()).isoformat()
