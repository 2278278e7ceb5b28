"""Every orgs route applies the caller's scope inside its query: another township's records are
404 (or absent from lists) for a caller scoped elsewhere, for reads and writes alike."""

import uuid
from typing import Any

import httpx
import pytest

from tests.builders import create_org
from tests.orgs.builders import add_position, add_term, create_community_tree
from tests.orgs.conftest import MembersStub
from tests.support import Tokens


@pytest.fixture
async def two_townships(orgs_api: httpx.AsyncClient, tokens: Tokens, members_stub: MembersStub) -> dict[str, Any]:
    admin = tokens.headers("org_admin")
    tree = await create_community_tree(orgs_api, admin)
    other = await create_org(orgs_api, admin, tier="township", parent_id=tree["county"]["id"])
    await add_position(orgs_api, admin, org_id=tree["party_org"]["id"], member_id=members_stub.new_member())
    await add_term(orgs_api, admin, org_id=tree["party_org"]["id"], started_on="2021-06-01")
    unit = await orgs_api.post(
        "/api/v1/units", json={"community_id": tree["community"]["id"], "name": "u", "category": "school"}, headers=admin
    )
    zone = await orgs_api.post(
        "/api/v1/zones", json={"org_id": tree["inner"]["id"], "kind": "resident_group_zone", "name": "z"}, headers=admin
    )
    post = await orgs_api.post("/api/v1/posts", json={"org_id": tree["inner"]["id"], "name": "p"}, headers=admin)
    assert unit.status_code == zone.status_code == post.status_code == 201
    return tree | {"other": other, "unit": unit.json()}


FOREIGN_READS = [
    "/api/v1/orgs/{party_org}",
    "/api/v1/orgs/{party_org}/history",
    "/api/v1/orgs/{party_org}/terms",
    "/api/v1/orgs/{party_org}/positions",
    "/api/v1/orgs/{party_org}/diagnostics",
    "/api/v1/communities/{community}",
    "/api/v1/communities/{community}/bodies",
    "/api/v1/communities/{community}/reserve-cadres",
    "/api/v1/communities/{community}/leading-goose",
    "/api/v1/units/{unit}",
]
FOREIGN_LISTS = [
    "/api/v1/terms?as_of=2026-11-26",
    "/api/v1/communities",
    "/api/v1/units",
    "/api/v1/co-building",
    "/api/v1/zones",
    "/api/v1/posts",
    "/api/v1/orgs?within={party_org}",
]


def ids(tree: dict[str, Any]) -> dict[str, str]:
    return {key: value["id"] for key, value in tree.items()}


@pytest.mark.parametrize("path", FOREIGN_READS)
async def test_a_foreign_record_is_404(
    orgs_api: httpx.AsyncClient, tokens: Tokens, two_townships: dict[str, Any], path: str
) -> None:
    outsider = tokens.headers("viewer", scope_org_id=uuid.UUID(two_townships["other"]["id"]))

    response = await orgs_api.get(path.format(**ids(two_townships)), headers=outsider)

    assert response.status_code == 404


@pytest.mark.parametrize("path", FOREIGN_LISTS)
async def test_foreign_records_are_not_listed(
    orgs_api: httpx.AsyncClient, tokens: Tokens, two_townships: dict[str, Any], path: str
) -> None:
    outsider = tokens.headers("viewer", scope_org_id=uuid.UUID(two_townships["other"]["id"]))

    response = await orgs_api.get(path.format(**ids(two_townships)), headers=outsider)

    assert response.status_code == 200
    assert response.json()["items"] == []


async def test_a_whole_county_listing_shows_only_the_own_township(
    orgs_api: httpx.AsyncClient, tokens: Tokens, two_townships: dict[str, Any]
) -> None:
    outsider = tokens.headers("viewer", scope_org_id=uuid.UUID(two_townships["other"]["id"]))

    response = await orgs_api.get("/api/v1/orgs", params={"within": two_townships["county"]["id"]}, headers=outsider)

    assert [o["id"] for o in response.json()["items"]] == [two_townships["other"]["id"]]


async def test_a_scoped_admin_cannot_write_into_another_township(
    orgs_api: httpx.AsyncClient, tokens: Tokens, two_townships: dict[str, Any], members_stub: MembersStub
) -> None:
    outsider = tokens.headers("org_admin", scope_org_id=uuid.UUID(two_townships["other"]["id"]))
    party_org = two_townships["party_org"]["id"]

    renamed = await orgs_api.patch(f"/api/v1/orgs/{party_org}", json={"name": "x"}, headers=outsider | {"If-Match": "*"})
    moved = await orgs_api.post(
        f"/api/v1/orgs/{party_org}/move", json={"parent_id": two_townships["other"]["id"]}, headers=outsider
    )
    position = await orgs_api.post(
        f"/api/v1/orgs/{party_org}/positions",
        json={"member_id": members_stub.new_member(), "role": "deputy_secretary", "since": "2025-01-01"},
        headers=outsider,
    )
    child = await orgs_api.post(
        "/api/v1/orgs", json={"name": "x", "kind": "branch", "tier": "inner", "parent_id": party_org}, headers=outsider
    )

    assert (renamed.status_code, moved.status_code, position.status_code) == (404, 404, 404)
    assert child.status_code == 422


async def test_a_team_batch_is_scoped_and_needs_a_writer(
    orgs_api: httpx.AsyncClient, tokens: Tokens, two_townships: dict[str, Any], members_stub: MembersStub
) -> None:
    party_org = two_townships["party_org"]["id"]
    member_id = members_stub.new_member(org_id=party_org)  # a member of the insider's township
    body = {"positions": [{"member_id": member_id, "role": "deputy_secretary", "since": "2025-01-01"}]}
    outsider = tokens.headers("org_admin", scope_org_id=uuid.UUID(two_townships["other"]["id"]))
    viewer = tokens.headers("viewer", scope_org_id=uuid.UUID(two_townships["township"]["id"]))
    insider = tokens.headers("org_admin", scope_org_id=uuid.UUID(two_townships["township"]["id"]))

    foreign = await orgs_api.post(f"/api/v1/orgs/{party_org}/positions/batch", json=body, headers=outsider)
    read_only = await orgs_api.post(f"/api/v1/orgs/{party_org}/positions/batch", json=body, headers=viewer)
    own = await orgs_api.post(f"/api/v1/orgs/{party_org}/positions/batch", json=body, headers=insider)

    assert (foreign.status_code, read_only.status_code, own.status_code) == (404, 403, 201)
