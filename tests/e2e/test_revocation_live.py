"""Revocation reaches every process: after each kind of revocation the old access token is refused
by the gateway and, asked directly on their own ports, by each of the three services within 5 s."""

import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from gateway.enums import AccountStatus
from tests.conftest import ADMIN_PASSWORD
from tests.support import LiveStack

PASSWORD = "Strong-pass-2026!x"
WITHIN_S = 5.0
# One read route of each process, asked on its own port.
PROBES = {
    "gateway": "/api/v1/me",
    "orgs": "/api/v1/orgs",
    "members": "/api/v1/members",
    "activities": "/api/v1/activities",
}


class Identity:
    """Accounts and clients made through the live gateway by its administrators."""

    def __init__(self, live: LiveStack) -> None:
        self.http = httpx.Client(base_url=live.url(), timeout=10)
        self.admin = self.bearer(self.login("admin", ADMIN_PASSWORD)["access_token"])
        security = self.account(["secadmin"])
        self.security = self.bearer(self.login(security, PASSWORD)["access_token"])

    @staticmethod
    def bearer(token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    def login(self, username: str, password: str = PASSWORD) -> dict[str, Any]:
        response = self.http.post("/api/v1/auth/token", data={"username": username, "password": password})
        assert response.status_code == 200, response.text
        return dict(response.json())

    def account(self, roles: list[str] | None = None) -> str:
        username = f"u-{uuid.uuid4().hex[:10]}"
        body = {"username": username, "password": PASSWORD, "roles": roles or []}
        response = self.http.post("/api/v1/users", json=body, headers=self.admin)
        assert response.status_code == 201, response.text
        return username

    def person(self, roles: list[str]) -> tuple[str, str, dict[str, Any]]:
        """A business account: (id, username, tokens of a login)."""
        username = self.account()
        user_id = self.user_id(username)
        self.assign(user_id, roles)
        return user_id, username, self.login(username)

    def user_id(self, username: str) -> str:
        me = self.http.get("/api/v1/me", headers=self.bearer(self.login(username)["access_token"]))
        return str(me.json()["id"])

    def assign(self, user_id: str, roles: list[str]) -> None:
        response = self.http.put(
            f"/api/v1/users/{user_id}/roles", json={"roles": roles}, headers=self.security | {"If-Match": "*"}
        )
        assert response.status_code == 200, response.text

    def patch_user(self, user_id: str, change: dict[str, Any]) -> None:
        response = self.http.patch(f"/api/v1/users/{user_id}", json=change, headers=self.admin | {"If-Match": "*"})
        assert response.status_code == 200, response.text


def statuses(live: LiveStack, token: str) -> dict[str, int]:
    headers = Identity.bearer(token)
    return {name: httpx.get(live.url(name) + path, headers=headers, timeout=5).status_code for name, path in PROBES.items()}


def seconds_until_refused_everywhere(live: LiveStack, token: str, revoke: Callable[[], None]) -> float:
    before = statuses(live, token)
    assert set(before.values()) == {200}, before
    revoke()
    started = time.monotonic()  # the revocation is committed: its answer came
    pending = set(PROBES)
    while pending and time.monotonic() - started < WITHIN_S + 5:
        now = statuses(live, token)
        pending = {name for name in pending if now[name] != 401}
        if pending:
            time.sleep(0.05)
    assert not pending, f"still accepted by {pending}"
    return time.monotonic() - started


@pytest.fixture(scope="module")
def identity(live: LiveStack) -> Iterator[Identity]:
    made = Identity(live)
    yield made
    made.http.close()


def test_each_kind_of_revocation_reaches_all_four_processes_within_5_s(live: LiveStack, identity: Identity) -> None:
    delays: dict[str, float] = {}

    _, _, tokens = identity.person(["org_admin"])
    delays["logout"] = seconds_until_refused_everywhere(
        live,
        tokens["access_token"],
        lambda: identity.http.post("/api/v1/auth/logout", data={"refresh_token": tokens["refresh_token"]}).raise_for_status(),
    )

    user_id, _, tokens = identity.person(["org_admin"])
    delays["disabled"] = seconds_until_refused_everywhere(
        live, tokens["access_token"], lambda: identity.patch_user(user_id, {"status": AccountStatus.disabled})
    )

    user_id, _, tokens = identity.person(["viewer"])
    delays["password reset"] = seconds_until_refused_everywhere(
        live, tokens["access_token"], lambda: identity.patch_user(user_id, {"password": "Another-strong-pass-7!"})
    )

    user_id, username, tokens = identity.person(["org_admin"])
    delays["demoted"] = seconds_until_refused_everywhere(
        live, tokens["access_token"], lambda: identity.assign(user_id, ["viewer"])
    )
    assert set(statuses(live, identity.login(username)["access_token"]).values()) == {200}  # a new login works

    _, _, tokens = identity.person(["org_admin"])
    renewed = identity.http.post("/api/v1/auth/refresh", data={"refresh_token": tokens["refresh_token"]}).json()

    def reuse() -> None:
        assert identity.http.post("/api/v1/auth/refresh", data={"refresh_token": tokens["refresh_token"]}).status_code == 401

    delays["refresh token reused"] = seconds_until_refused_everywhere(live, renewed["access_token"], reuse)

    scopes = ["orgs:read", "members:read", "activities:read"]
    body = {"name": "统计局数据交换", "scopes": scopes, "scope_org_id": str(uuid.uuid4())}
    machine = identity.http.post("/api/v1/clients", json=body, headers=identity.admin).json()
    grant = {"grant_type": "client_credentials", "client_id": machine["client_id"], "client_secret": machine["client_secret"]}
    client_token = identity.http.post("/api/v1/auth/token", data=grant).json()["access_token"]

    def disable_client() -> None:
        change = {"status": AccountStatus.disabled}
        path = f"/api/v1/clients/{machine['id']}"
        identity.http.patch(path, json=change, headers=identity.admin | {"If-Match": "*"}).raise_for_status()

    delays["client disabled"] = seconds_until_refused_everywhere(live, client_token, disable_client)

    assert all(delay <= WITHIN_S for delay in delays.values()), delays
    print("revocation delays (s):", {kind: round(delay, 2) for kind, delay in delays.items()})  # shown with -s
