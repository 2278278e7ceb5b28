"""The authorization matrix (rows in matrix.py) run for every role against the world's objects
in the caller's own, a child, the parent and a sibling subtree; and a test that every route of
every app has a row (a new route without one fails the suite)."""

import re
import uuid
from typing import Any

import httpx
import pytest

from tests.authz.apps import build_apps, endpoints
from tests.authz.matrix import ALLOW, DENY, HIDDEN, READ, ROLES, SERVICE, Row, expected
from tests.authz.matrix_rows import ROWS
from tests.authz.test_deny_by_default import AUTHENTICATED_ONLY, PUBLIC
from tests.authz.world import build_world
from tests.gateway.conftest import bearer, create_account, sysadmin, token_of
from tests.orgs.conftest import MembersStub
from tests.support import SuiteDatabase, Tokens

POSITIONS = ("own", "child", "parent", "sibling")
INVALID_BODY = {"unexpected_field": 1}


def _blank(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path.split("?", maxsplit=1)[0])


def test_every_route_has_a_row_and_every_row_a_route(test_db: SuiteDatabase) -> None:
    served = {(e.app, e.method, _blank(e.path)) for e in endpoints(build_apps(test_db))}
    exempt = {(app, method, _blank(path)) for app, method, path in PUBLIC | AUTHENTICATED_ONLY}
    rows = {(row.app, row.method, _blank(row.path)) for row in ROWS}
    assert sorted(served - exempt - rows) == [], "routes without a row in tests/authz/matrix.py"
    assert sorted(rows - served) == [], "rows for routes that no app serves"


def test_the_expectations_follow_the_role_model() -> None:
    row = Row("members", "GET", "/x/{member}", READ, "member")
    assert [expected(row, role, "own") for role in ("sysadmin", "member", "viewer", "client_read")] == [DENY, DENY, ALLOW, ALLOW]
    assert expected(row, "viewer", "sibling") == HIDDEN
    assert expected(Row("members", "GET", "/internal/x", SERVICE), "org_admin", "own") == DENY


@pytest.fixture
async def world(
    test_db: SuiteDatabase,
    tokens: Tokens,
    orgs_api: httpx.AsyncClient,
    members_client: httpx.AsyncClient,
    activities_client: httpx.AsyncClient,
    members_stub: MembersStub,
    gateway_client: httpx.AsyncClient,
) -> dict[str, Any]:
    world = await build_world(test_db, tokens, orgs_api, members_client, activities_client, members_stub.known)
    return {**world, "administrators": await _administrators(gateway_client)}


async def _administrators(gateway: httpx.AsyncClient) -> dict[str, dict[str, str]]:
    """Tokens of real accounts for the administrative roles: the gateway's own routes ask for an
    active account, which a made-up token does not name."""
    admin = await sysadmin(gateway)
    headers = {}
    for role in ("sysadmin", "secadmin", "auditor"):
        account = await create_account(gateway, admin, roles=[role])
        headers[role] = bearer((await token_of(gateway, account["username"]))["access_token"])
    return headers


def _positions(row: Row, role: str) -> list[str]:
    if role == "service":
        return ["own"]
    if role == "member":
        return ["own", "other"]
    return list(POSITIONS) if row.target else ["own"]


def _headers(tokens: Tokens, row: Row, role: str, position: str, world: dict[str, Any]) -> dict[str, str]:
    if role == "service":
        return tokens.headers("service", scopes=("events:read",))
    if role == "member":
        return tokens.headers("member", member_id=world["member"] if position == "own" else uuid.uuid4())
    if row.app == "gateway" and role in world["administrators"]:
        return world["administrators"][role]
    # Where the caller's scope sits so that the target is in its own, a child, the parent or a
    # sibling subtree (an untargeted row: scoped at the world's OWN).
    scope = world["scopes"][row.target or "org"][position]
    if role.startswith("client_"):
        # The gateway's own routes are judged by the services' scopes (events, subscriptions).
        resource = "orgs" if row.app == "gateway" else row.app
        return tokens.client(f"{resource}:{role.removeprefix('client_')}", scope_org_id=scope)
    return tokens.headers(role, scope_org_id=scope)


def _ids_of(item: dict[str, Any]) -> tuple[Any, ...]:
    """The ids an item of a list stands for: its own, or the member it is about."""
    return (item.get("id"), item.get("member_id"), (item.get("member") or {}).get("id"))


def _listed(response: httpx.Response, target_id: str) -> bool:
    if response.headers.get("content-type", "").startswith("application/json"):
        items = response.json().get("items", [])
        return any(isinstance(item, dict) and target_id in _ids_of(item) for item in items)
    return target_id in response.text


def _mismatch(row: Row, outcome: str, response: httpx.Response, world: dict[str, Any]) -> str | None:
    status = response.status_code
    if status >= 500 or status == 401:
        return f"status {status}"
    if outcome == DENY:
        return None if status == 403 else f"expected 403, got {status}"
    target_id = world[row.target] if row.target else None
    if outcome == HIDDEN:
        if row.listing:
            ok = status == 200 and not _listed(response, str(target_id))
            return None if ok else f"expected 200 without the target, got {status}"
        return None if status == row.hidden else f"expected {row.hidden}, got {status}"
    if status == 403 or (row.target and status == 404):
        return f"expected admission, got {status}"
    if row.listing and not (status == 200 and _listed(response, str(target_id))):
        return f"expected 200 with the target, got {status}"
    return None


@pytest.mark.parametrize("role", ROLES)
async def test_the_matrix(
    role: str,
    world: dict[str, Any],
    tokens: Tokens,
    orgs_api: httpx.AsyncClient,
    members_client: httpx.AsyncClient,
    activities_client: httpx.AsyncClient,
    gateway_client: httpx.AsyncClient,
) -> None:
    # The gateway's own routes (accounts, audit trail …) take `Only(...)` rows, run here too.
    clients = {"orgs": orgs_api, "members": members_client, "activities": activities_client, "gateway": gateway_client}
    failures = []
    # Out-of-scope cells first: a write that an in-scope cell lets through cannot hide a leak.
    cells = [(row, position) for row in ROWS for position in _positions(row, role)]
    cells.sort(key=lambda cell: expected(cell[0], role, cell[1]) == ALLOW)
    for row, position in cells:
        outcome = expected(row, role, position)
        body: dict[str, Any] | None = None
        if row.body is not None and (row.safe or outcome != ALLOW):
            body = row.body(world)
        elif row.method in ("POST", "PUT", "PATCH"):
            body = INVALID_BODY
        headers = _headers(tokens, row, role, position, world)
        if row.method in ("PUT", "PATCH"):
            headers = headers | {"If-Match": "*"}  # the version check is tests/writes' subject; here, who may write
        response = await clients[row.app].request(row.method, row.path.format(**world), json=body, headers=headers)
        problem = _mismatch(row, outcome, response, world)
        if problem:
            failures.append(f"{row.method} {row.path} [{position}]: {problem} {response.text[:160]}")
    assert failures == [], "\n".join(failures)
