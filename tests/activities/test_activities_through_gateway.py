"""The activities service behind the real gateway, with the org tree arriving over the orgs feed."""

import uuid
from typing import Any

import httpx

from tests.support import LiveStack, wait_until


def create_org(live: LiveStack, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    body = {"name": f"org {uuid.uuid4().hex[:6]}", "kind": "committee", "tier": "county"} | body
    response = httpx.post(live.url() + "/api/v1/orgs", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_activities_compliance_and_files_through_the_gateway(live: LiveStack) -> None:
    headers = live.business_headers()
    county = create_org(live, headers)
    township = create_org(live, headers, tier="township", parent_id=county["id"])
    community = create_org(live, headers, tier="community", kind="branch", parent_id=township["id"])
    activity = {"org_id": community["id"], "type": "study_day", "title": "主題黨日", "status": "held"}

    def created(starts_at: str) -> dict[str, Any] | None:
        response = httpx.post(live.url() + "/api/v1/activities", json=activity | {"starts_at": starts_at}, headers=headers)
        return dict(response.json()) if response.status_code == 201 else None

    first = wait_until(lambda: created("2026-07-10T09:00:00+08:00"), 10, 0.05)
    assert first, "the community did not reach the activities replica"
    assert created("2026-08-10T09:00:00+08:00")

    compliance = httpx.get(
        live.url() + "/api/v1/compliance", params={"within": township["id"], "period": "2026-Q3"}, headers=headers
    )
    bad_period = httpx.get(
        live.url() + "/api/v1/compliance", params={"within": township["id"], "period": "2026-Q5"}, headers=headers
    )
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    upload = httpx.post(
        live.url() + f"/api/v1/activities/{first['id']}/attachments",
        params={"filename": "合影.png"},
        content=png,
        headers=headers | {"content-type": "image/png"},
    )
    types = httpx.get(live.url() + "/api/v1/activity-types", headers=headers)

    assert compliance.status_code == 200, compliance.text
    (org,) = compliance.json()["organizations"]
    study = next(i for i in org["items"] if i["type"] == "study_day")
    assert (study["expected"], study["held"]) == (3, 2)
    assert bad_period.status_code == 422
    assert upload.status_code == 201, upload.text
    assert upload.json()["size"] == len(png)
    assert any(t["code"] == "home_study_delivery" for t in types.json())
