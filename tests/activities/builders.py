"""Keyword-only builders for activities test data, through the HTTP API."""

from typing import Any

import httpx


async def create_activity(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    *,
    org_id: str,
    type: str = "study_day",
    starts_at: str = "2026-03-10T09:00:00+08:00",
    ends_at: str | None = None,
    status: str = "held",
    **extra: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "org_id": org_id,
        "type": type,
        "title": f"{type} {starts_at[:10]}",
        "starts_at": starts_at,
        "status": status,
    }
    if ends_at:
        body["ends_at"] = ends_at
    body.update(extra)
    response = await client.post("/api/v1/activities", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())
