"""Concurrent updates through HTTP: the version check and the change are one step, so nothing is lost."""

import asyncio
from typing import Any

import httpx

from tests.builders import create_org, unique_code
from tests.support import Tokens

WRITERS = 8


async def community(orgs_api: httpx.AsyncClient, admin: dict[str, str]) -> str:
    county = await create_org(orgs_api, admin, tier="county")
    township = await create_org(orgs_api, admin, tier="township", parent_id=county["id"])
    created = await orgs_api.post("/api/v1/communities", json={"name": "c", "township_org_id": township["id"]}, headers=admin)
    assert created.status_code == 201, created.text
    return f"/api/v1/communities/{created.json()['id']}"


async def test_two_updates_with_one_etag_one_succeeds_the_other_is_412(orgs_api: httpx.AsyncClient, tokens: Tokens) -> None:
    admin = tokens.headers("org_admin")
    url = await community(orgs_api, admin)
    etag = (await orgs_api.get(url, headers=admin)).headers["etag"]

    answers = await asyncio.gather(
        *(orgs_api.patch(url, json={"households": n}, headers=admin | {"If-Match": etag}) for n in (100, 200))
    )

    assert sorted(a.status_code for a in answers) == [200, 412]
    winner = next(a for a in answers if a.status_code == 200)
    assert (await orgs_api.get(url, headers=admin)).json()["households"] == winner.json()["households"]


async def test_concurrent_increments_with_if_match_and_retry_lose_nothing(orgs_api: httpx.AsyncClient, tokens: Tokens) -> None:
    admin = tokens.headers("org_admin")
    url = await community(orgs_api, admin)
    stale_answers = 0

    async def increment() -> None:
        nonlocal stale_answers
        for _ in range(100):
            read = await orgs_api.get(url, headers=admin)
            current: dict[str, Any] = read.json()
            written = await orgs_api.patch(
                url, json={"households": (current["households"] or 0) + 1}, headers=admin | {"If-Match": read.headers["etag"]}
            )
            if written.status_code == 200:
                return
            assert written.status_code == 412, written.text
            stale_answers += 1
        raise AssertionError("an increment never got through")

    await asyncio.gather(*(increment() for _ in range(WRITERS)))

    final = await orgs_api.get(url, headers=admin)
    assert final.json()["households"] == WRITERS
    assert final.headers["etag"] == f'"{1 + WRITERS}"'
    assert stale_answers > 0  # they did race: some read a version another had already replaced


async def test_two_creates_of_one_code_at_once_are_one_201_and_one_422(orgs_api: httpx.AsyncClient, tokens: Tokens) -> None:
    admin = tokens.headers("org_admin")
    county = await create_org(orgs_api, admin, tier="county")
    body = {"name": "t", "kind": "committee", "tier": "township", "parent_id": county["id"], "code": unique_code()}

    answers = await asyncio.gather(*(orgs_api.post("/api/v1/orgs", json=body, headers=admin) for _ in range(2)))

    # On PostgreSQL both can pass the code check before either inserts: the loser was a 500.
    assert sorted(a.status_code for a in answers) == [201, 422]
    assert next(a for a in answers if a.status_code == 422).json()["type"] == "/problems/duplicate-code"
