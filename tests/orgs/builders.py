"""Keyword-only builders for organization-setup test data, through the HTTP API."""

from typing import Any

import httpx

from services.kit.outbox import START
from tests.builders import create_org


async def create_community_tree(
    client: httpx.AsyncClient, headers: dict[str, str], *, setting: str = "rural", kind: str = "branch"
) -> dict[str, dict[str, Any]]:
    """county → township → community organization (`kind`) with its community record → a branch inside."""
    county = await create_org(client, headers, tier="county")
    township = await create_org(client, headers, tier="township", parent_id=county["id"])
    party_org = await create_org(client, headers, tier="community", kind=kind, parent_id=township["id"])
    community = await create_community(
        client, headers, township_org_id=township["id"], party_org_id=party_org["id"], setting=setting
    )
    inner = await create_org(client, headers, tier="inner", kind="branch", parent_id=party_org["id"])
    return {"county": county, "township": township, "party_org": party_org, "community": community, "inner": inner}


async def create_community(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    *,
    township_org_id: str,
    party_org_id: str | None = None,
    setting: str = "rural",
    name: str = "測試社區",
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": name,
        "township_org_id": township_org_id,
        "setting": setting,
        "formation_mode": "village_residential_integration",
        "guidance_category": "integrating",
        "origin_villages": ["東村", "西村"],
        "households": 1200,
        "population": 3600,
    }
    if party_org_id:
        body["party_org_id"] = party_org_id
    response = await client.post("/api/v1/communities", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def add_position(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    *,
    org_id: str,
    member_id: str,
    role: str = "secretary",
    since: str = "2024-01-01",
    until: str | None = None,
    concurrent_posts: list[str] | None = None,
    expect: int = 201,
) -> dict[str, Any]:
    body: dict[str, Any] = {"member_id": member_id, "role": role, "since": since, "concurrent_posts": concurrent_posts or []}
    if until:
        body["until"] = until
    response = await client.post(f"/api/v1/orgs/{org_id}/positions", json=body, headers=headers)
    assert response.status_code == expect, response.text
    return dict(response.json())


async def add_term(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    *,
    org_id: str,
    number: int = 1,
    started_on: str = "2022-01-10",
    **extra: Any,
) -> httpx.Response:
    return await client.post(
        f"/api/v1/orgs/{org_id}/terms", json={"number": number, "started_on": started_on, **extra}, headers=headers
    )


async def events_of(client: httpx.AsyncClient, headers: dict[str, str], aggregate_id: str) -> list[dict[str, Any]]:
    """Every outbox event about `aggregate_id`, oldest first."""
    found, after = [], START
    while True:
        page = (await client.get("/internal/events", params={"after": after, "limit": 500}, headers=headers)).json()
        found += [e for e in page["events"] if e["aggregate_id"] == aggregate_id]
        if not page["events"]:
            return found
        after = page["next_cursor"]
