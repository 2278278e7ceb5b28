"""Raw ID numbers and phones only for those who may see them, each such answer announced to the
gateway's audit trail (`X-Audit-Unmasked`), and no answer cached (`Cache-Control: no-store`)."""

import uuid
from typing import Any

import httpx
import pytest

from services.kit.audit import UNMASKED_HEADER
from tests.builders import member_body
from tests.members.conftest import OrgReplica
from tests.support import Tokens


@pytest.fixture
async def recorded(members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica) -> dict[str, Any]:
    tree = await replica.tree()
    body = member_body(org_id=tree["branch"]["id"])
    response = await members_client.post("/api/v1/members", json=body, headers=tokens.headers())
    assert response.status_code == 201, response.text
    return {"member": response.json(), "body": body, "org": tree["branch"]["id"], "sibling": tree["small"]["id"]}


def _read(client: httpx.AsyncClient, member_id: str, headers: dict[str, str]) -> Any:
    return client.get(f"/api/v1/members/{member_id}", headers=headers)


async def test_an_org_admin_reads_in_clear_and_the_read_is_announced(
    members_client: httpx.AsyncClient, tokens: Tokens, recorded: dict[str, Any]
) -> None:
    member_id = recorded["member"]["id"]
    response = await _read(members_client, member_id, tokens.headers("org_admin", scope_org_id=recorded["org"]))

    assert response.json()["id_number"] == recorded["body"]["id_number"]
    assert response.json()["phone"] == recorded["body"]["phone"]
    assert response.headers[UNMASKED_HEADER] == member_id
    assert response.headers["cache-control"] == "no-store"


@pytest.mark.parametrize("who", ["viewer", "client-read"])
async def test_others_read_masked_and_nothing_is_announced(
    members_client: httpx.AsyncClient, tokens: Tokens, recorded: dict[str, Any], who: str
) -> None:
    headers = (
        tokens.headers("viewer", scope_org_id=recorded["org"])
        if who == "viewer"
        else tokens.client("members:read", scope_org_id=recorded["org"])
    )
    response = await _read(members_client, recorded["member"]["id"], headers)

    assert response.status_code == 200
    assert response.json()["masked"] is True
    assert response.json()["id_number"] != recorded["body"]["id_number"]
    assert recorded["body"]["id_number"] not in response.text
    assert UNMASKED_HEADER not in response.headers
    assert response.headers["cache-control"] == "no-store"


async def test_a_client_with_the_pii_scope_reads_in_clear(
    members_client: httpx.AsyncClient, tokens: Tokens, recorded: dict[str, Any]
) -> None:
    headers = tokens.client("members:read", "members:pii", scope_org_id=recorded["org"])
    response = await _read(members_client, recorded["member"]["id"], headers)

    assert response.json()["id_number"] == recorded["body"]["id_number"]
    assert response.headers[UNMASKED_HEADER] == recorded["member"]["id"]


async def test_a_member_reads_their_own_record_and_no_other(
    members_client: httpx.AsyncClient, tokens: Tokens, recorded: dict[str, Any]
) -> None:
    member_id = recorded["member"]["id"]
    own = tokens.headers("member", member_id=member_id)
    other = tokens.headers("member", member_id=uuid.uuid4())

    mine = await _read(members_client, member_id, own)
    history = await members_client.get(f"/api/v1/members/{member_id}/history", headers=own)
    theirs = await _read(members_client, member_id, other)
    listing = await members_client.get("/api/v1/members", headers=own)

    assert mine.status_code == 200
    assert mine.json()["id_number"] == recorded["body"]["id_number"]
    assert mine.headers[UNMASKED_HEADER] == member_id
    assert history.status_code == 200
    assert theirs.status_code == 404
    assert listing.status_code == 403


async def test_a_list_announces_every_record_shown_in_clear(
    members_client: httpx.AsyncClient, tokens: Tokens, recorded: dict[str, Any]
) -> None:
    headers = tokens.headers("org_admin", scope_org_id=recorded["org"])
    second = await members_client.post("/api/v1/members", json=member_body(org_id=recorded["org"]), headers=headers)

    response = await members_client.get("/api/v1/members", params={"org_id": recorded["org"]}, headers=headers)

    shown = {item["id"] for item in response.json()["items"]}
    assert shown == {recorded["member"]["id"], second.json()["id"]}
    assert set(response.headers[UNMASKED_HEADER].split(",")) == shown


async def test_an_export_in_clear_announces_its_row_count_and_a_masked_one_nothing(
    members_client: httpx.AsyncClient, tokens: Tokens, recorded: dict[str, Any]
) -> None:
    params = {"org_id": recorded["org"], "format": "csv"}
    clear = await members_client.get("/api/v1/members/export", params=params, headers=tokens.headers("org_admin"))
    masked = await members_client.get("/api/v1/members/export", params=params, headers=tokens.headers("viewer"))

    assert clear.headers[UNMASKED_HEADER] == "export:1"
    assert recorded["body"]["id_number"] in clear.text
    assert UNMASKED_HEADER not in masked.headers
    assert recorded["body"]["id_number"] not in masked.text
    assert clear.headers["cache-control"] == masked.headers["cache-control"] == "no-store"


async def test_no_answer_of_any_service_is_cached(
    orgs_client: httpx.AsyncClient, activities_client: httpx.AsyncClient, tokens: Tokens
) -> None:
    for client, path in ((orgs_client, "/api/v1/orgs"), (activities_client, "/api/v1/activities"), (orgs_client, "/healthz")):
        response = await client.get(path, headers=tokens.headers())
        assert response.headers["cache-control"] == "no-store", path
