"""Idempotency-Key on creates (services.kit.idempotency), through HTTP on the orgs and gateway apps."""

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest

from services.kit import idempotency
from services.orgs.service import tree as orgs_service
from tests.builders import create_org, unique_code
from tests.gateway.conftest import sysadmin
from tests.support import Tokens


def org_body(parent_id: str, name: str | None = None) -> dict[str, Any]:
    return {
        "name": name or f"o {uuid.uuid4().hex[:6]}",
        "kind": "branch",
        "tier": "inner",
        "parent_id": parent_id,
        "code": unique_code(),
    }


async def children_named(client: httpx.AsyncClient, headers: dict[str, str], parent_id: str, name: str) -> int:
    listed = await client.get(f"/api/v1/orgs/{parent_id}/children", params={"limit": 200}, headers=headers)
    assert listed.status_code == 200, listed.text
    return sum(1 for org in listed.json()["items"] if org["name"] == name)


@pytest.fixture
async def parent(orgs_api: httpx.AsyncClient, tokens: Tokens) -> str:
    admin = tokens.headers("org_admin")
    county = await create_org(orgs_api, admin, tier="county")
    township = await create_org(orgs_api, admin, tier="township", parent_id=county["id"])
    community = await create_org(orgs_api, admin, tier="community", kind="general_branch", parent_id=township["id"])
    return str(community["id"])


def key() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}


class TestReplay:
    async def test_the_same_key_and_body_replays_the_first_answer_and_creates_one_row(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens, parent: str
    ) -> None:
        admin = tokens.headers("org_admin") | key()
        body = org_body(parent)

        first = await orgs_api.post("/api/v1/orgs", json=body, headers=admin)
        again = await orgs_api.post("/api/v1/orgs", json=body, headers=admin)

        assert first.status_code == again.status_code == 201, again.text
        assert again.json() == first.json()
        assert "idempotent-replayed" not in first.headers
        assert again.headers["idempotent-replayed"] == "true"
        assert again.headers["content-type"] == first.headers["content-type"]
        assert await children_named(orgs_api, admin, parent, body["name"]) == 1

    async def test_the_same_key_with_another_body_is_422(self, orgs_api: httpx.AsyncClient, tokens: Tokens, parent: str) -> None:
        admin = tokens.headers("org_admin") | key()
        first = await orgs_api.post("/api/v1/orgs", json=org_body(parent), headers=admin)
        other = org_body(parent)

        reused = await orgs_api.post("/api/v1/orgs", json=other, headers=admin)

        assert first.status_code == 201
        assert reused.status_code == 422
        assert reused.headers["content-type"] == "application/problem+json"
        assert reused.json()["type"] == "/problems/idempotency-key-reused"
        assert await children_named(orgs_api, admin, parent, other["name"]) == 0

    async def test_a_refusal_is_not_kept_so_a_retry_runs_again(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens, parent: str
    ) -> None:
        admin = tokens.headers("org_admin") | key()
        body = org_body(parent)
        taken = await orgs_api.post("/api/v1/orgs", json=body, headers=tokens.headers("org_admin"))  # the code is taken

        refused = await orgs_api.post("/api/v1/orgs", json=body, headers=admin)
        corrected = await orgs_api.post("/api/v1/orgs", json=body | {"code": unique_code()}, headers=admin)
        again = await orgs_api.post("/api/v1/orgs", json=body | {"code": corrected.json()["code"]}, headers=admin)

        assert (taken.status_code, refused.status_code) == (201, 422)
        assert "idempotent-replayed" not in refused.headers
        assert corrected.status_code == 201  # the refusal wrote nothing and kept no key
        assert (again.status_code, again.json(), again.headers["idempotent-replayed"]) == (201, corrected.json(), "true")

    async def test_without_a_key_every_post_creates(self, orgs_api: httpx.AsyncClient, tokens: Tokens, parent: str) -> None:
        admin = tokens.headers("org_admin")
        body = org_body(parent)
        for _ in range(2):
            assert (await orgs_api.post("/api/v1/orgs", json=body | {"code": unique_code()}, headers=admin)).status_code == 201
        assert await children_named(orgs_api, admin, parent, body["name"]) == 2


class TestScope:
    async def test_the_same_key_from_two_callers_is_two_keys(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens, parent: str
    ) -> None:
        shared = key()
        one, two = tokens.headers("org_admin") | shared, tokens.headers("org_admin") | shared
        body = org_body(parent)

        first = await orgs_api.post("/api/v1/orgs", json=body, headers=one)
        second = await orgs_api.post("/api/v1/orgs", json=body | {"code": unique_code()}, headers=two)

        assert first.status_code == second.status_code == 201
        assert "idempotent-replayed" not in second.headers
        assert first.json()["id"] != second.json()["id"]

    async def test_an_unverified_token_gets_no_replay(self, orgs_api: httpx.AsyncClient, tokens: Tokens, parent: str) -> None:
        admin = tokens.headers("org_admin") | key()
        body = org_body(parent)
        assert (await orgs_api.post("/api/v1/orgs", json=body, headers=admin)).status_code == 201
        forged = admin | {"Authorization": admin["Authorization"][:-4] + "AAAA"}

        response = await orgs_api.post("/api/v1/orgs", json=body, headers=forged)

        assert response.status_code == 401
        assert "idempotent-replayed" not in response.headers


class TestKeySyntax:
    @pytest.mark.parametrize("bad", [b"x" * 256, "ключ".encode(), b"tab\there"], ids=["too-long", "not-ascii", "control"])
    async def test_a_key_outside_255_printable_ascii_is_a_422_problem(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens, parent: str, bad: bytes
    ) -> None:
        body = org_body(parent)
        response = await orgs_api.post("/api/v1/orgs", json=body, headers=tokens.headers("org_admin") | {"Idempotency-Key": bad})
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        assert any(error["field"] == "Idempotency-Key" for error in response.json()["errors"])
        assert await children_named(orgs_api, tokens.headers("org_admin"), parent, body["name"]) == 0


class Hold:
    """`create_org` held before it touches the database: `arrived` counts the requests waiting."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.arrived = 0
        self.release = asyncio.Event()
        original: Callable[..., Awaitable[Any]] = orgs_service.create_org

        async def held(*args: Any, **kwargs: Any) -> Any:
            self.arrived += 1
            await self.release.wait()
            return await original(*args, **kwargs)

        monkeypatch.setattr(orgs_service, "create_org", held)

    async def until_arrived(self, count: int) -> None:
        for _ in range(1000):
            if self.arrived >= count:
                return
            await asyncio.sleep(0.01)
        raise AssertionError(f"{count} requests never arrived")


@pytest.fixture
def hold(monkeypatch: pytest.MonkeyPatch) -> Hold:
    return Hold(monkeypatch)


class TestRunning:
    async def test_a_retry_while_the_first_runs_is_409_then_the_first_answer(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens, parent: str, hold: Hold
    ) -> None:
        admin = tokens.headers("org_admin") | key()
        body = org_body(parent)

        first = asyncio.create_task(orgs_api.post("/api/v1/orgs", json=body, headers=admin))
        await hold.until_arrived(1)
        meanwhile = await orgs_api.post("/api/v1/orgs", json=body, headers=admin)
        hold.release.set()
        done = await first
        later = await orgs_api.post("/api/v1/orgs", json=body, headers=admin)

        assert meanwhile.status_code == 409
        assert meanwhile.json()["type"] == "/problems/idempotency-key-in-use"
        assert meanwhile.headers["retry-after"] == "1"
        assert done.status_code == 201
        assert (later.status_code, later.json()) == (201, done.json())
        assert await children_named(orgs_api, admin, parent, body["name"]) == 1

    async def test_a_key_whose_process_died_is_taken_over_after_the_lease(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens, parent: str, hold: Hold, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        admin = tokens.headers("org_admin") | key()
        body = {k: v for k, v in org_body(parent).items() if k != "code"}  # no unique code: both can be made
        stuck = asyncio.create_task(orgs_api.post("/api/v1/orgs", json=body, headers=admin))
        await hold.until_arrived(1)
        # As if that request's process had died: its lease (120 s) runs out.
        later = idempotency.now() + timedelta(seconds=121)
        monkeypatch.setattr(idempotency, "now", lambda: later)

        retry = asyncio.create_task(orgs_api.post("/api/v1/orgs", json=body, headers=admin))
        await hold.until_arrived(2)  # the retry got past the key: it runs
        hold.release.set()
        taken_over, late = await retry, await stuck
        replayed = await orgs_api.post("/api/v1/orgs", json=body, headers=admin)

        assert (taken_over.status_code, late.status_code) == (201, 201)  # the documented cost of a dead holder
        assert "idempotent-replayed" not in taken_over.headers
        # The key holds the retry's answer: the stuck request had lost its lease and stored nothing.
        assert (replayed.json(), replayed.headers["idempotent-replayed"]) == (taken_over.json(), "true")


class TestFailures:
    @pytest.fixture
    async def raw_orgs(self, orgs_api: httpx.AsyncClient) -> AsyncIterator[httpx.AsyncClient]:
        # The app's own 500 answer, not the exception re-raised into the test.
        transport = httpx.ASGITransport(app=orgs_api._transport.app, raise_app_exceptions=False)  # type: ignore[attr-defined]
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client

    async def test_an_exception_stores_nothing_and_the_retry_goes_through(
        self, raw_orgs: httpx.AsyncClient, tokens: Tokens, parent: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        original = orgs_service.create_org
        calls = []

        async def fails_once(*args: Any, **kwargs: Any) -> Any:
            calls.append(1)
            if len(calls) == 1:
                raise RuntimeError("the database went away")
            return await original(*args, **kwargs)

        monkeypatch.setattr(orgs_service, "create_org", fails_once)
        admin = tokens.headers("org_admin") | key()
        body = org_body(parent)

        failed = await raw_orgs.post("/api/v1/orgs", json=body, headers=admin)
        retried = await raw_orgs.post("/api/v1/orgs", json=body, headers=admin)

        assert failed.status_code == 500
        assert retried.status_code == 201
        assert "idempotent-replayed" not in retried.headers
        assert await children_named(raw_orgs, admin, parent, body["name"]) == 1


class TestExpiry:
    async def test_a_key_is_kept_24_hours_then_it_is_new_again(
        self, orgs_api: httpx.AsyncClient, tokens: Tokens, parent: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        admin = tokens.headers("org_admin") | key()
        body = org_body(parent)
        first = await orgs_api.post("/api/v1/orgs", json=body, headers=admin)
        start = idempotency.now()

        monkeypatch.setattr(idempotency, "now", lambda: start + timedelta(hours=23, minutes=59))
        within = await orgs_api.post("/api/v1/orgs", json=body, headers=admin)
        monkeypatch.setattr(idempotency, "now", lambda: start + timedelta(hours=24, seconds=1))
        after = await orgs_api.post("/api/v1/orgs", json=body | {"code": unique_code()}, headers=admin)

        assert (first.status_code, within.status_code, within.headers.get("idempotent-replayed")) == (201, 201, "true")
        assert after.status_code == 201
        assert "idempotent-replayed" not in after.headers
        assert after.json()["id"] != first.json()["id"]


class TestGatewayOwnRoutes:
    async def test_a_user_created_twice_with_one_key_is_one_account(self, gateway_client: httpx.AsyncClient) -> None:
        admin = await sysadmin(gateway_client) | key()
        body = {"username": f"idem-{uuid.uuid4().hex[:8]}", "password": "Idempotent-pass-1", "roles": []}

        first = await gateway_client.post("/api/v1/users", json=body, headers=admin)
        again = await gateway_client.post("/api/v1/users", json=body, headers=admin)

        assert first.status_code == again.status_code == 201
        assert again.json()["id"] == first.json()["id"]
        assert again.headers["idempotent-replayed"] == "true"
