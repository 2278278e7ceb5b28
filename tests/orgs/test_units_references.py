"""Organizations, communities, units and zones named in orgs' request bodies are checked in the
caller's scope, and township B naming township A's record gets the very answer of an id that
does not exist (the answer names the field, never the id), so that it is no oracle."""

import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.orgs.builders import create_community_tree
from tests.support import Tokens

Ids = dict[str, str]
# Each reference: the path, and the body naming `ref` where the caller's own id would go.
REFERENCES: dict[str, tuple[str, Callable[[Ids, str], dict[str, Any]]]] = {
    "orgs.parent_id": ("/api/v1/orgs", lambda b, ref: {"name": "新支部", "kind": "branch", "tier": "inner", "parent_id": ref}),
    "communities.township_org_id": ("/api/v1/communities", lambda b, ref: {"name": "新社區", "township_org_id": ref}),
    "units.community_id": ("/api/v1/units", lambda b, ref: {"community_id": ref, "name": "小學", "category": "school"}),
    "co_building.unit_id": (
        "/api/v1/co-building",
        lambda b, ref: {"unit_id": ref, "community_id": b["community"], "started_on": "2025-01-01", "content": "共建"},
    ),
    "zones.org_id": ("/api/v1/zones", lambda b, ref: {"org_id": ref, "kind": "resident_group_zone", "name": "一組"}),
    "zones.unit_id": (
        "/api/v1/zones",
        lambda b, ref: {"org_id": b["inner"], "kind": "resident_group_zone", "name": "一組", "unit_id": ref},
    ),
    "posts.org_id": ("/api/v1/posts", lambda b, ref: {"org_id": ref, "name": "宣傳崗"}),
}
FOREIGN = {
    "orgs.parent_id": "inner",
    "communities.township_org_id": "township",
    "units.community_id": "community",
    "co_building.unit_id": "unit",
    "zones.org_id": "inner",
    "zones.unit_id": "unit",
    "posts.org_id": "inner",
}


async def _township(orgs_api: httpx.AsyncClient, admin: dict[str, str]) -> Ids:
    tree = await create_community_tree(orgs_api, admin)
    unit = await orgs_api.post(
        "/api/v1/units", json={"community_id": tree["community"]["id"], "name": "學校", "category": "school"}, headers=admin
    )
    assert unit.status_code == 201, unit.text
    return {key: value["id"] for key, value in tree.items()} | {"unit": unit.json()["id"]}


@pytest.mark.parametrize("reference", list(REFERENCES))
async def test_another_townships_record_is_as_unknown_as_none(
    reference: str, orgs_api: httpx.AsyncClient, tokens: Tokens
) -> None:
    admin = tokens.headers("org_admin")
    a, b = await _township(orgs_api, admin), await _township(orgs_api, admin)
    b_admin = tokens.headers("org_admin", scope_org_id=b["township"])
    path, body = REFERENCES[reference]
    field = FOREIGN[reference]

    foreign = await orgs_api.post(path, json=body(b, a[field]), headers=b_admin)
    unknown = await orgs_api.post(path, json=body(b, str(uuid.uuid4())), headers=b_admin)

    assert foreign.status_code == 422, foreign.text
    assert foreign.json() == unknown.json()
    assert a[field] not in foreign.text
