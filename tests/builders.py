"""Keyword-only builders for test data, through the HTTP API."""

import uuid
from typing import Any

import httpx


def unique_code(prefix: str = "T") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


async def create_org(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    *,
    tier: str,
    kind: str = "committee",
    parent_id: str | None = None,
    name: str | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {"name": name or f"{tier} {uuid.uuid4().hex[:6]}", "kind": kind, "tier": tier, "code": unique_code()}
    if parent_id:
        body["parent_id"] = parent_id
    response = await client.post("/api/v1/orgs", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def create_tree(client: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, dict[str, Any]]:
    """county → two townships → a community under the first, with a branch inside it."""
    county = await create_org(client, headers, tier="county")
    township_a = await create_org(client, headers, tier="township", parent_id=county["id"])
    township_b = await create_org(client, headers, tier="township", parent_id=county["id"])
    community = await create_org(client, headers, tier="community", kind="general_branch", parent_id=township_a["id"])
    branch = await create_org(client, headers, tier="inner", kind="branch", parent_id=community["id"])
    return {"county": county, "township_a": township_a, "township_b": township_b, "community": community, "branch": branch}
