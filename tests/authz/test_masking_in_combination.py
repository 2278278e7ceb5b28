"""Masking that reveals nothing in combination (issue #17, finding 2): whatever a caller below
full view reads of one person — the masked ID number, the birth date or its month, the sex, and
what the age filters answer — leaves at least a thousand valid ID numbers (tests/members/candidates.py
counts them). The roles that see in clear are tests/authz/test_personal_data.py's."""

import csv
import io
from typing import Any

import httpx
import pytest

from tests.builders import ID_REGION, member_body
from tests.members.candidates import candidates_of
from tests.members.conftest import OrgReplica
from tests.members.test_recruitment import application_body
from tests.support import Tokens

BORN = "1960-03-10"
SEX_LABELS = {"男": "male", "女": "female"}


def _masked_headers(tokens: Tokens, who: str, org: str) -> dict[str, str]:
    if who == "viewer":
        return tokens.headers("viewer", scope_org_id=org)
    return tokens.client("members:read", scope_org_id=org)


@pytest.fixture(params=["viewer", "client-read"])
def who(request: pytest.FixtureRequest) -> str:
    return str(request.param)


async def _created(client: httpx.AsyncClient, tokens: Tokens, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = await client.post(path, json=body, headers=tokens.headers())
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def test_no_view_of_a_member_narrows_the_id_number_below_a_thousand(
    members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica, who: str
) -> None:
    tree = await replica.tree()
    org = tree["branch"]["id"]
    body = member_body(org_id=org, birth_date=BORN)
    member = await _created(members_client, tokens, "/api/v1/members", body)
    headers = _masked_headers(tokens, who, tree["county"]["id"])

    single = (await members_client.get(f"/api/v1/members/{member['id']}", headers=headers)).json()
    listed = (await members_client.get("/api/v1/members", params={"org_id": org}, headers=headers)).json()["items"]
    looked_up = (await members_client.post("/api/v1/members/lookup", json={"ids": [member["id"]]}, headers=headers)).json()
    exported = await members_client.get("/api/v1/members/export", params={"org_id": org, "format": "csv"}, headers=headers)
    row = next(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    from_export = {"id_number": row["身份證號碼"], "birth_year_month": row["出生日期"], "sex": SEX_LABELS[row["性別"]]}

    views = [single, *listed, *looked_up["items"], from_export]
    assert len(views) == 4
    for view in views:
        assert BORN not in str(view)
        assert candidates_of(view, region=ID_REGION) >= 1000, view
    assert single["birth_date"] is None
    assert single["birth_year_month"] == "1960-03"
    assert single["masked"] is True


async def test_no_view_of_an_application_narrows_the_id_number_below_a_thousand(
    members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica, who: str
) -> None:
    tree = await replica.tree()
    application = await _created(
        members_client, tokens, "/api/v1/recruitment/applications", application_body(tree["branch"]["id"])
    )
    headers = _masked_headers(tokens, who, tree["county"]["id"])

    single = await members_client.get(f"/api/v1/recruitment/applications/{application['id']}", headers=headers)
    listed = await members_client.get("/api/v1/recruitment/applications", headers=headers)

    assert single.status_code == listed.status_code == 200, single.text + listed.text
    views = [single.json(), *[a for a in listed.json()["items"] if a["id"] == application["id"]]]
    assert len(views) == 2
    for view in views:
        assert application["birth_date"] not in str(view)
        assert candidates_of(view, region=ID_REGION) >= 1000, view


async def test_full_view_keeps_the_exact_birth_date(
    members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
) -> None:
    tree = await replica.tree()
    member = await _created(members_client, tokens, "/api/v1/members", member_body(org_id=tree["branch"]["id"], birth_date=BORN))

    read = await members_client.get(f"/api/v1/members/{member['id']}", headers=tokens.headers("org_admin"))

    assert read.json()["birth_date"] == BORN
    assert read.json()["birth_year_month"] == "1960-03"


async def test_the_age_filters_do_not_tell_a_masked_caller_the_birth_day(
    members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica, who: str
) -> None:
    """Moving `as_of` a day at a time across the birth month must not change what a masked caller
    gets: the list, the statistics' age bands, the education-upgrade work list."""
    tree = await replica.tree()
    org = tree["small"]["id"]
    await _created(members_client, tokens, "/api/v1/members", member_body(org_id=org, birth_date="1985-03-10"))
    days = ["2030-03-01", "2030-03-09", "2030-03-10", "2030-03-31"]

    async def answers(headers: dict[str, str]) -> set[str]:
        seen = set()
        for as_of in days:
            listed = await members_client.get(
                "/api/v1/members", params={"org_id": org, "age_min": 45, "as_of": as_of}, headers=headers
            )
            stats = await members_client.get(
                "/api/v1/members/stats",
                params={"within": org, "group_by": "age_band", "age_edges": 45, "as_of": as_of},
                headers=headers,
            )
            upgrade = await members_client.get(
                "/api/v1/members/worklists/education-upgrade", params={"within": org, "as_of": as_of}, headers=headers
            )
            assert listed.status_code == stats.status_code == upgrade.status_code == 200
            bands = {g["key"]["age_band"]: g["count"] for g in stats.json()["groups"]}
            ages = [item["age"] for item in upgrade.json()["items"]]
            seen.add(f"{len(listed.json()['items'])} {bands} {ages}")
        return seen

    assert len(await answers(_masked_headers(tokens, who, tree["county"]["id"]))) == 1
    assert len(await answers(tokens.headers("org_admin"))) == 2  # full view: the day shows, as it may


async def test_the_contact_persons_phone_is_masked_like_the_members_own(
    members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica, who: str
) -> None:
    tree = await replica.tree()
    details = {"destination": "深圳", "contact_person": "李四", "contact_phone": "13900001234"}
    body = member_body(org_id=tree["branch"]["id"], whereabouts="floating_out", whereabouts_details=details)
    member = await _created(members_client, tokens, "/api/v1/members", body)

    masked = await members_client.get(
        f"/api/v1/members/{member['id']}", headers=_masked_headers(tokens, who, tree["county"]["id"])
    )
    clear = await members_client.get(f"/api/v1/members/{member['id']}", headers=tokens.headers("org_admin"))

    assert masked.json()["whereabouts_details"]["contact_phone"] == "139****1234"
    assert "13900001234" not in masked.text
    assert clear.json()["whereabouts_details"]["contact_phone"] == "13900001234"
