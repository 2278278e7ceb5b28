"""Idempotency-Key and If-Match through the real gateway process in front of the real services."""

import uuid

import httpx
from sqlalchemy import func, select

from gateway.models import idempotency_keys as gateway_keys
from services.kit.db import Database
from services.orgs.models import idempotency_keys as orgs_keys
from tests.support import ORG_ADMIN_PASSWORD, ORG_ADMIN_USERNAME, LiveStack, SuiteDatabase, on_postgres


def org_admin(live: LiveStack) -> dict[str, str]:
    response = httpx.post(
        live.url() + "/api/v1/auth/token", data={"username": ORG_ADMIN_USERNAME, "password": ORG_ADMIN_PASSWORD}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def stored(live: LiveStack, test_db: SuiteDatabase, schema: str, key: str) -> int:
    url = test_db.urls[schema] if on_postgres() else f"sqlite+aiosqlite:///{live.key_dir / (schema + '.db')}"
    db = Database(url, schema)
    table = gateway_keys if schema == "gateway" else orgs_keys
    try:
        async with db.read_sessions() as session:
            return int(await session.scalar(select(func.count()).select_from(table).where(table.c.key == key)) or 0)
    finally:
        await db.dispose()


async def test_a_retried_create_through_the_gateway_is_replayed_and_stored_once_by_the_service(
    live: LiveStack, test_db: SuiteDatabase
) -> None:
    headers = org_admin(live)
    api = live.url() + "/api/v1"
    county = httpx.post(f"{api}/orgs", json={"name": "c", "kind": "committee", "tier": "county"}, headers=headers).json()
    key = str(uuid.uuid4())
    body = {"name": f"t {key[:6]}", "kind": "committee", "tier": "township", "parent_id": county["id"]}

    first = httpx.post(f"{api}/orgs", json=body, headers=headers | {"Idempotency-Key": key})
    again = httpx.post(f"{api}/orgs", json=body, headers=headers | {"Idempotency-Key": key})
    other = httpx.post(f"{api}/orgs", json=body | {"name": "other"}, headers=headers | {"Idempotency-Key": key})

    assert (first.status_code, again.status_code, other.status_code) == (201, 201, 422)
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    children = httpx.get(f"{api}/orgs/{county['id']}/children", headers=headers).json()["items"]
    assert [child["name"] for child in children] == [body["name"]]
    assert (await stored(live, test_db, "orgs", key), await stored(live, test_db, "gateway", key)) == (1, 0)


def test_an_update_through_the_gateway_needs_the_etag(live: LiveStack) -> None:
    headers = org_admin(live)
    api = live.url() + "/api/v1"
    org = httpx.post(f"{api}/orgs", json={"name": "c", "kind": "committee", "tier": "county"}, headers=headers).json()
    url = f"{api}/orgs/{org['id']}"
    etag = httpx.get(url, headers=headers).headers["etag"]

    without = httpx.patch(url, json={"name": "a"}, headers=headers)
    fresh = httpx.patch(url, json={"name": "b"}, headers=headers | {"If-Match": etag})
    stale = httpx.patch(url, json={"name": "c"}, headers=headers | {"If-Match": etag})

    assert (without.status_code, fresh.status_code, stale.status_code) == (428, 200, 412)
    assert fresh.headers["etag"] != etag
    assert httpx.get(url, headers=headers).json()["name"] == "b"
