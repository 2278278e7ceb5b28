"""Rewards and discipline on the record, through HTTP: commendations and measures with their dates
and bodies; expulsion ends the membership and 留黨察看 is counted, both as of their dates, by the
statistics and the survey; another township's member is not found."""

import csv
import io
from typing import Any

import httpx

from tests.builders import member_body
from tests.members.conftest import OrgReplica
from tests.support import Tokens

BEFORE, AFTER = "2026-05-01", "2026-06-15"


async def _member(client: httpx.AsyncClient, headers: dict[str, str], org_id: str) -> str:
    response = await client.post("/api/v1/members", json=member_body(org_id=org_id, birth_date="1970-01-01"), headers=headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def _figures(client: httpx.AsyncClient, headers: dict[str, str], within: str, day: str) -> dict[str, Any]:
    stats = await client.get(
        "/api/v1/members/stats", params={"as_of": day, "within": within, "group_by": "party_probation"}, headers=headers
    )
    survey = await client.get("/api/v1/members/survey", params={"as_of": day, "within": within}, headers=headers)
    assert stats.status_code == 200, stats.text
    assert survey.status_code == 200, survey.text
    total = survey.json()["total"]
    return {
        "stats": {g["key"]["party_probation"]: g["count"] for g in stats.json()["groups"]},
        "members": total["members"],
        "on_probation": total["members_on_party_probation"],
    }


async def test_expulsion_and_probation_change_the_figures_from_their_dates(
    members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
) -> None:
    admin = tokens.headers("org_admin")
    tree = await replica.tree()
    org_id, within = tree["small"]["id"], tree["county"]["id"]
    kept, watched, expelled = [await _member(members_client, admin, org_id) for _ in range(3)]
    before = await _figures(members_client, admin, within, BEFORE)

    probation = await members_client.post(
        f"/api/v1/members/{watched}/discipline",
        json={"measure": "probation", "decided_on": "2026-05-10", "decided_by": "街道紀工委", "probation_years": 1},
        headers=admin,
    )
    expulsion = await members_client.post(
        f"/api/v1/members/{expelled}/discipline",
        json={"measure": "expulsion", "decided_on": "2026-06-01", "decided_by": "區紀委", "reason": "嚴重違紀"},
        headers=admin,
    )
    commended = await members_client.post(
        f"/api/v1/members/{kept}/commendations",
        json={"kind": "excellent_member", "awarded_on": "2026-07-01", "awarded_by": "街道黨工委"},
        headers=admin,
    )

    assert probation.status_code == 201, probation.text
    assert probation.json()["ends_on"] == "2027-05-10"
    assert expulsion.status_code == 201, expulsion.text
    assert commended.status_code == 201, commended.text
    # The figures of the day before are what they were; those after see both measures.
    assert (
        await _figures(members_client, admin, within, BEFORE) == before == {"stats": {False: 3}, "members": 3, "on_probation": 0}
    )
    assert await _figures(members_client, admin, within, AFTER) == {"stats": {True: 1, False: 1}, "members": 2, "on_probation": 1}
    assert (await _figures(members_client, admin, within, "2027-05-10"))["on_probation"] == 0
    record = (await members_client.get(f"/api/v1/members/{expelled}", headers=admin)).json()
    assert record["state"] == "left"
    history = (await members_client.get(f"/api/v1/members/{expelled}/history", headers=admin)).json()
    [left] = [e for e in history if e["kind"] == "state_changed"]
    assert left["effective_on"] == "2026-06-01"
    assert left["details"]["to"] == "left"
    assert "开除党籍" in left["details"]["reason"]
    exported = await members_client.get("/api/v1/members/export", params={"org_id": org_id, "format": "csv"}, headers=admin)
    assert exported.status_code == 200, exported.text
    rows = {row[-4]: row[-2:] for row in csv.reader(io.StringIO(exported.content.decode("utf-8-sig")))}
    assert rows[watched][0].startswith("留")
    assert rows[watched][0].endswith("2026-05-10~2027-05-10")
    assert rows[expelled][0].endswith("2026-06-01")
    assert rows[kept][1].endswith("2026-07-01")
    listed = (await members_client.get(f"/api/v1/members/{kept}/commendations", headers=admin)).json()
    assert [(c["kind"], c["awarded_by"]) for c in listed] == [("excellent_member", "街道黨工委")]


async def test_a_probation_needs_its_period_and_nothing_is_written_without(
    members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
) -> None:
    admin = tokens.headers("org_admin")
    tree = await replica.tree()
    member_id = await _member(members_client, admin, tree["small"]["id"])
    path = f"/api/v1/members/{member_id}/discipline"

    without = await members_client.post(
        path, json={"measure": "probation", "decided_on": "2026-05-10", "decided_by": "紀工委"}, headers=admin
    )
    warning_with = await members_client.post(
        path, json={"measure": "warning", "decided_on": "2026-05-10", "decided_by": "紀工委", "probation_years": 1}, headers=admin
    )

    assert without.status_code == 422
    assert [e["field"] for e in without.json()["errors"]] == ["probation_years"]
    assert warning_with.status_code == 422
    assert (await members_client.get(path, headers=admin)).json() == []


async def test_another_townships_member_is_not_found(
    members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
) -> None:
    admin = tokens.headers("org_admin")
    ours, theirs = await replica.tree(), await replica.tree()
    member_id = await _member(members_client, admin, ours["small"]["id"])
    other = tokens.headers(scope_org_id=theirs["township"]["id"])
    body = {"measure": "expulsion", "decided_on": "2026-06-01", "decided_by": "區紀委"}

    assert (await members_client.post(f"/api/v1/members/{member_id}/discipline", json=body, headers=other)).status_code == 404
    commendation = {"kind": "excellent_member", "awarded_on": "2026-07-01", "awarded_by": "x"}
    assert (
        await members_client.post(f"/api/v1/members/{member_id}/commendations", json=commendation, headers=other)
    ).status_code == 404
    assert (await members_client.get(f"/api/v1/members/{member_id}/discipline", headers=other)).status_code == 404
    assert (await members_client.get(f"/api/v1/members/{member_id}", headers=admin)).json()["state"] == "normal"
