"""What the fault tests do through the gateway: organizations to hold members, timed calls."""

import time
import uuid
from dataclasses import dataclass
from typing import Any

import httpx

from tests.builders import member_body
from tests.support import LiveStack, wait_until


@dataclass(frozen=True)
class Answer:
    """One call through the gateway: its status, when it was sent and how long it took
    (`time.monotonic`), and the body's JSON (if any)."""

    status: int
    elapsed_s: float
    content_type: str
    body: Any
    started_at: float = 0.0

    @property
    def finished_at(self) -> float:
        return self.started_at + self.elapsed_s

    @property
    def is_problem(self) -> bool:
        return self.content_type == "application/problem+json"


def call(method: str, url: str, *, timeout_s: float = 30.0, **kwargs: Any) -> Answer:
    """A timed call; a client-side timeout is an answer too (status 0), so that a hang is seen."""
    started = time.monotonic()
    try:
        response = httpx.request(method, url, timeout=timeout_s, **kwargs)
    except httpx.TimeoutException:
        return Answer(0, time.monotonic() - started, "", None, started)
    try:
        body = response.json()
    except ValueError:
        body = None
    return Answer(response.status_code, time.monotonic() - started, response.headers.get("content-type", ""), body, started)


def create_org(live: LiveStack, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    body = {"name": f"org {uuid.uuid4().hex[:6]}", "kind": "committee", "tier": "county"} | body
    response = httpx.post(live.url() + "/api/v1/orgs", json=body, headers=headers, timeout=30)
    assert response.status_code == 201, response.text
    return dict(response.json())


def member_holding_org(live: LiveStack, headers: dict[str, str]) -> dict[str, Any]:
    """A community branch under a new county and township, once both consumers hold it (members
    file members under it, activities log activities for it)."""
    county = create_org(live, headers)
    township = create_org(live, headers, tier="township", parent_id=county["id"])
    branch = create_org(live, headers, tier="community", kind="branch", parent_id=township["id"])
    held = wait_until(
        lambda: (
            httpx.post(
                live.url() + "/api/v1/members", json=member_body(org_id=branch["id"]), headers=headers, timeout=30
            ).status_code
            == 201
        ),
        30,
        0.1,
    )
    assert held, "the members' replica never got the branch"
    return branch


def activity_body(org_id: str) -> dict[str, Any]:
    return {
        "org_id": org_id,
        "type": "study_day",
        "title": "主題黨日",
        "starts_at": "2026-11-10T09:00:00+08:00",
        "status": "held",
    }
