"""ETag and If-Match on every update (services.kit.versioning), walked over the OpenAPI of all four
apps: every PATCH/PUT documents If-Match and its 412/428 answers, and answers 428 without it, 412
with a stale ETag and 2xx with the one it was given; every POST documents Idempotency-Key unless
listed below with its reason. A new route without them fails here."""

from datetime import date
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.authz.apps import build_apps
from tests.authz.world import build_world
from tests.gateway.conftest import create_account, secadmin, sysadmin
from tests.orgs.conftest import MembersStub
from tests.support import SuiteDatabase, Tokens

# (app, method, path as in the OpenAPI) → (path with ids from the world, a valid body, who sends it).
UPDATES: dict[tuple[str, str, str], tuple[str, dict[str, Any], str]] = {
    ("orgs", "PATCH", "/api/v1/orgs/{org_id}"): ("/api/v1/orgs/{org}", {"name": "renamed"}, "org_admin"),
    ("orgs", "PATCH", "/api/v1/communities/{community_id}"): ("/api/v1/communities/{community}", {"households": 10}, "org_admin"),
    ("orgs", "PATCH", "/api/v1/orgs/{org_id}/positions/{position_id}"): (
        "/api/v1/orgs/{org}/positions/{position}",
        {"concurrent_posts": []},
        "org_admin",
    ),
    ("orgs", "PATCH", "/api/v1/units/{unit_id}"): ("/api/v1/units/{unit}", {"name": "renamed"}, "org_admin"),
    ("orgs", "PATCH", "/api/v1/co-building/{agreement_id}"): (
        "/api/v1/co-building/{agreement}",
        {"content": "amended"},
        "org_admin",
    ),
    ("orgs", "PATCH", "/api/v1/reserve-cadres/{cadre_id}"): ("/api/v1/reserve-cadres/{cadre}", {"name": "renamed"}, "org_admin"),
    ("orgs", "PATCH", "/api/v1/cooperatives/{cooperative_id}"): (
        "/api/v1/cooperatives/{cooperative}",
        {"name": "r"},
        "org_admin",
    ),
    ("orgs", "PATCH", "/api/v1/community-workers/{worker_id}"): (
        "/api/v1/community-workers/{worker}",
        {"name": "r"},
        "org_admin",
    ),
    ("orgs", "PATCH", "/api/v1/community-venues/{venue_id}"): ("/api/v1/community-venues/{venue}", {"name": "r"}, "org_admin"),
    ("orgs", "PUT", "/api/v1/assessments/{scheme_id}/scores/{org_id}/{indicator_key}"): (
        "/api/v1/assessments/{scheme}/scores/{target}/service",
        {"score": 80},
        "org_admin",
    ),
    ("members", "PATCH", "/api/v1/members/{member_id}"): ("/api/v1/members/{member}", {"occupation": "farmer"}, "org_admin"),
    ("members", "PUT", "/api/v1/members/{member_id}/whereabouts"): (
        "/api/v1/members/{member}/whereabouts",
        {"whereabouts": "displaced", "since": "{today}", "details": {"temporary_address": "x"}},
        "org_admin",
    ),
    ("members", "PATCH", "/api/v1/members/{member_id}/care/{enrolment_id}"): (
        "/api/v1/members/{member}/care/{enrolment}",
        {"school": "s"},
        "org_admin",
    ),
    ("members", "PUT", "/api/v1/dues/{member_id}/{month}"): (
        "/api/v1/dues/{member}/{month}",
        {"category": "farmer"},
        "org_admin",
    ),
    ("activities", "PATCH", "/api/v1/activities/{activity_id}"): ("/api/v1/activities/{activity}", {"title": "x"}, "org_admin"),
    ("activities", "PATCH", "/api/v1/activities/{activity_id}/attendance/{member_id}"): (
        "/api/v1/activities/{activity}/attendance/{member}",
        {"status": "absent"},
        "org_admin",
    ),
    ("gateway", "PATCH", "/api/v1/users/{user_id}"): ("/api/v1/users/{user}", {"status": "active"}, "sysadmin"),
    ("gateway", "PUT", "/api/v1/users/{user_id}/roles"): ("/api/v1/users/{user}/roles", {"roles": ["auditor"]}, "secadmin"),
    ("gateway", "PATCH", "/api/v1/clients/{client_key}"): ("/api/v1/clients/{client}", {"name": "renamed"}, "sysadmin"),
    ("gateway", "PUT", "/api/v1/notifications/contact"): ("/api/v1/notifications/contact", {"phone": "13800138000"}, "sysadmin"),
}

# POSTs that take no Idempotency-Key, and why.
NOT_IDEMPOTENT = {
    ("members", "/api/v1/members/search"): "a query in a body: nothing is written",
    ("members", "/api/v1/members/lookup"): "a query in a body: nothing is written",
    ("members", "/internal/member-counts"): "a query in a body: nothing is written",
    ("activities", "/internal/evidence-orgs"): "a query in a body: nothing is written",
    ("gateway", "/api/v1/auth/token"): "a login: a token is never stored to be replayed",
    ("gateway", "/api/v1/auth/refresh"): "a refresh token is used once by design",
    ("gateway", "/api/v1/auth/logout"): "idempotent by nature",
    ("gateway", "/api/v1/auth/totp"): "the answer holds a secret shown once, which is never stored",
    ("gateway", "/api/v1/auth/totp/confirm"): "a code is good once by design",
    ("gateway", "/api/v1/clients"): "the answer holds a secret shown once, which is never stored",
    ("gateway", "/api/v1/clients/{client_key}/rotate"): "the answer holds a secret shown once, which is never stored",
    ("gateway", "/api/v1/audit/checkpoints"): "a checkpoint of the trail as it stands: a repeat signs the same head again",
    ("gateway", "/api/v1/auth/link-member"): "a one-time code is good once by design",
    ("members", "/api/v1/members/{member_id}/link-code"): "the answer holds a one-time code shown once, which is never stored",
    ("members", "/internal/link-codes/redeem"): "a one-time code is good once by design",
}


@pytest.fixture(scope="module")
def apps(test_db: SuiteDatabase) -> dict[str, FastAPI]:
    return build_apps(test_db)


def operations(app: FastAPI, *methods: str) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method.upper(), path): operation
        for path, item in app.openapi()["paths"].items()
        for method, operation in item.items()
        if method.upper() in methods
    }


def header_names(operation: dict[str, Any]) -> set[str]:
    return {p["name"].lower() for p in operation.get("parameters", []) if p["in"] == "header"}


@pytest.mark.parametrize("name", ["orgs", "members", "activities", "gateway"])
def test_every_update_documents_if_match_and_its_answers(apps: dict[str, FastAPI], name: str) -> None:
    updates = operations(apps[name], "PATCH", "PUT")
    assert set(updates) == {(m, p) for a, m, p in UPDATES if a == name}, "a new update route needs a case in UPDATES"
    for (method, path), operation in updates.items():
        assert "if-match" in header_names(operation), f"{method} {path} does not take If-Match"
        assert {"412", "428"} <= set(operation["responses"]), f"{method} {path} does not document 412/428"


@pytest.mark.parametrize("name", ["orgs", "members", "activities", "gateway"])
def test_every_post_documents_idempotency_key_or_says_why_not(apps: dict[str, FastAPI], name: str) -> None:
    for (_, path), operation in operations(apps[name], "POST").items():
        if (name, path) in NOT_IDEMPOTENT:
            assert "idempotency-key" not in header_names(operation)
            continue
        assert "idempotency-key" in header_names(operation), f"POST {path} takes no Idempotency-Key"
        assert {"409", "422"} <= set(operation["responses"]), f"POST {path} does not document 409/422"


async def test_every_update_answers_428_without_if_match_412_when_stale_and_2xx_with_its_etag(
    test_db: SuiteDatabase,
    tokens: Tokens,
    orgs_api: httpx.AsyncClient,
    members_client: httpx.AsyncClient,
    activities_client: httpx.AsyncClient,
    gateway_client: httpx.AsyncClient,
    members_stub: MembersStub,
) -> None:
    world = await build_world(test_db, tokens, orgs_api, members_client, activities_client, members_stub.known)
    admin = tokens.headers("org_admin")
    position = await orgs_api.post(
        f"/api/v1/orgs/{world['org']}/positions",
        json={"member_id": world["member"], "role": "secretary", "since": "2025-01-01"},
        headers=admin,
    )
    attendance = await activities_client.post(
        f"/api/v1/activities/{world['activity']}/attendance",
        json={"records": [{"member_id": world["member"], "status": "present"}]},
        headers=admin,
    )
    assessed = await members_client.put(
        f"/api/v1/dues/{world['member']}/{world['month']}", json={"category": "farmer"}, headers=admin
    )
    assert (position.status_code, attendance.status_code, assessed.status_code) == (201, 200, 201), position.text
    agreement = await orgs_api.post(
        "/api/v1/co-building",
        json={"unit_id": world["unit"], "community_id": world["community"], "started_on": "2025-09-01", "content": "c"},
        headers=admin,
    )
    cadre = await orgs_api.post(
        f"/api/v1/communities/{world['community']}/reserve-cadres",
        json={"name": "n", "birth_date": "1992-08-17", "education": "college", "since": "2024-01-10"},
        headers=admin,
    )
    assert (agreement.status_code, cadre.status_code) == (201, 201), agreement.text + cadre.text
    # The communities' small records (cooperatives, community workers, venues).
    records = {}
    for name, path, body in (
        ("cooperative", "/api/v1/cooperatives", {"name": "c"}),
        (
            "worker",
            "/api/v1/community-workers",
            {"name": "w", "birth_date": "1968-04-02", "education": "secondary", "since": "2015-03-01"},
        ),
        ("venue", "/api/v1/community-venues", {"name": "v", "facilities": []}),
    ):
        made = await orgs_api.post(path, json={"community_id": world["community"], **body}, headers=admin)
        assert made.status_code == 201, made.text
        records[name] = made.json()["id"]
    # A scheme of the township over its communities: the world's community organization (the one
    # above its parent) is the target scored by hand.
    target = (await orgs_api.get(f"/api/v1/orgs/{world['parent']}", headers=admin)).json()["parent_id"]
    scheme = await orgs_api.post(
        "/api/v1/assessments",
        json={
            "owner_org_id": world["township"],
            "title": "t",
            "period": "2026",
            "target_level": "community",
            "indicators": [{"key": "service", "indicator": "manual", "name": "s", "weight": 100}],
        },
        headers=admin,
    )
    assert scheme.status_code == 201, scheme.text
    scored = await orgs_api.put(
        f"/api/v1/assessments/{scheme.json()['id']}/scores/{target}/service", json={"score": 50}, headers=admin
    )
    assert (scored.status_code, scored.headers["etag"]) == (201, '"1"'), scored.text
    system = await sysadmin(gateway_client)
    _, security = await secadmin(gateway_client, system)
    user = await create_account(gateway_client, system)
    client = await gateway_client.post(
        "/api/v1/clients",
        json={"name": "c", "scopes": ["orgs:read"], "scope_org_id": world["org"]},
        headers=system,
    )
    assert client.status_code == 201, client.text
    contact = await gateway_client.put("/api/v1/notifications/contact", json={"phone": "13700000000"}, headers=system)
    assert (contact.status_code, contact.headers["etag"]) == (200, '"1"'), contact.text
    ids = (
        world
        | records
        | {
            "position": position.json()["id"],
            "agreement": agreement.json()["id"],
            "cadre": cadre.json()["id"],
            "scheme": scheme.json()["id"],
            "target": target,
            "user": user["id"],
            "client": client.json()["id"],
            "today": date.today().isoformat(),
        }
    )
    senders = {"org_admin": admin, "sysadmin": system, "secadmin": security}
    clients = {"orgs": orgs_api, "members": members_client, "activities": activities_client, "gateway": gateway_client}

    failures = []
    for (app, method, _), (path, body, sender) in UPDATES.items():
        url, headers = path.format(**ids), senders[sender]
        payload = {k: (v.format(**ids) if isinstance(v, str) else v) for k, v in body.items()}
        without = await clients[app].request(method, url, json=payload, headers=headers)
        stale = await clients[app].request(method, url, json=payload, headers=headers | {"If-Match": '"999999"'})
        current = without.headers.get("etag", "")
        fresh = await clients[app].request(method, url, json=payload, headers=headers | {"If-Match": current})
        seen = (without.status_code, stale.status_code, fresh.status_code)
        if seen != (428, 412, 200) or fresh.headers.get("etag") in (None, current):
            failures.append(f"{method} {url}: {seen} {fresh.headers.get('etag')} {fresh.text[:200]}")
        elif stale.headers["content-type"] != "application/problem+json" or stale.headers.get("etag") != current:
            failures.append(f"{method} {url}: the 412 is no problem document with the current ETag")
    assert failures == [], "\n".join(failures)

    # The upsert: a new month needs no If-Match; If-None-Match: * refuses one that exists, and an
    # If-Match naming a version refuses one that does not.
    month = f"/api/v1/dues/{world['member']}/2026-02"
    created = await members_client.put(month, json={"category": "farmer"}, headers=admin | {"If-None-Match": "*"})
    again = await members_client.put(month, json={"category": "farmer"}, headers=admin | {"If-None-Match": "*"})
    unborn = await members_client.put(
        f"/api/v1/dues/{world['member']}/2026-03", json={"category": "farmer"}, headers=admin | {"If-Match": '"1"'}
    )
    assert (created.status_code, created.headers["etag"]) == (201, '"1"')
    assert (again.status_code, unborn.status_code) == (412, 412)
