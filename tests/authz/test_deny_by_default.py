"""Deny by default: every route of every app has an authorization dependency, or is on the short
public list below (with why). A route added without one fails here.

A guard counts when its dependency callable is in `kit.auth.AUTHORIZATION_DEPENDENCIES`:
`require_access`, `require_roles` and `require_scope` register theirs; a new kind of guard must
register itself the same way (a route guarded only by something unregistered fails here).

The gateway forwards `/api/v1/<resource>` to the services, which check the token themselves, so
the forwarded paths are covered by the services' routes. A route that asks only for a valid token
(any caller, any role) must be on AUTHENTICATED_ONLY: it serves nothing from the business data
itself (the gateway's reports ask the services with the caller's own token, so the services' own
guards decide, as for the forwarded paths).
"""

import pytest
from fastapi import FastAPI

from services.kit.auth import AUTHORIZATION_DEPENDENCIES, current_caller
from tests.authz.apps import APPS, build_apps, endpoints, guards
from tests.support import SuiteDatabase

SERVICES = ("orgs", "members", "activities")

PUBLIC = {
    # Liveness and readiness for the orchestrator; they say nothing but up or down.
    *((app, "GET", path) for app in APPS for path in ("/healthz", "/readyz")),
    # The enum codes with their Chinese labels: no records.
    *((app, "GET", "/labels") for app in SERVICES),
    ("gateway", "GET", "/api/v1/meta/enums"),
    # The API description and its browser page.
    *((app, "GET", path) for app in APPS for path in ("/openapi.json", "/docs", "/docs/init.js", "/redoc")),
    ("gateway", "GET", "/api/v1/openapi.json"),
    # Where a token is obtained: it checks credentials itself.
    ("gateway", "POST", "/api/v1/auth/token"),
    # They take a refresh token (checked by the route), not a bearer token.
    ("gateway", "POST", "/api/v1/auth/refresh"),
    ("gateway", "POST", "/api/v1/auth/logout"),
    # The scraper's counters: answered only to private networks (kit.metrics), no records.
    *((app, "GET", "/metrics") for app in APPS),
    # Each service's event types with their payload schemas: no records, public like /labels.
    *((app, "GET", "/event-types") for app in SERVICES),
    # Verification of a printed document by its number and check code (kit.documents): anyone
    # holding the paper may check it; the answer names the kind, number, issuing organization and
    # date, nothing about a person. The gateway's route is rate limited like any tokenless call;
    # the service's is what the gateway asks.
    ("gateway", "GET", "/api/v1/documents/verify"),
    ("members", "GET", "/documents/verify"),
    ("orgs", "GET", "/documents/verify"),
}

AUTHENTICATED_ONLY = {
    ("gateway", "GET", "/api/v1/me"),  # the caller's own identity
    # The policy numbers the rules use (no records), each service's and merged by the gateway.
    ("gateway", "GET", "/api/v1/policy"),
    *((app, "GET", "/policy") for app in SERVICES),
    # Every event type with its payload schema and required scope (no records).
    ("gateway", "GET", "/api/v1/events/types"),
    # The reports: the gateway asks the services with the caller's own token; their guards decide
    # (their routes have rows in the matrix).
    ("gateway", "GET", "/api/v1/reports/survey"),
    ("gateway", "GET", "/api/v1/reports/diagnostics"),
}


@pytest.fixture(scope="module")
def apps(test_db: SuiteDatabase) -> dict[str, FastAPI]:
    return build_apps(test_db)


def test_every_route_is_guarded_or_listed_as_public(apps: dict[str, FastAPI]) -> None:
    unguarded = []
    for endpoint in endpoints(apps):
        calls = guards(endpoint.route)
        if endpoint.key in PUBLIC:
            continue
        if calls & AUTHORIZATION_DEPENDENCIES:
            continue
        if current_caller in calls and endpoint.key in AUTHENTICATED_ONLY:
            continue
        unguarded.append(endpoint.key)
    assert unguarded == []


def test_the_public_lists_name_only_routes_that_exist(apps: dict[str, FastAPI]) -> None:
    served = {endpoint.key for endpoint in endpoints(apps)}
    assert (AUTHENTICATED_ONLY - served) == set()
    # /docs etc. exist only where a service serves its own docs; the rest must be served.
    assert {key for key in PUBLIC - served if "/docs" not in key[2] and "openapi" not in key[2]} == set()


def test_the_walk_finds_an_unguarded_route(apps: dict[str, FastAPI], test_db: SuiteDatabase) -> None:
    app = build_apps(test_db)["orgs"]

    @app.get("/api/v1/planted")
    async def planted() -> dict[str, str]:
        return {}

    planted_route = next(e for e in endpoints({"orgs": app}) if e.path == "/api/v1/planted")
    assert not guards(planted_route.route) & AUTHORIZATION_DEPENDENCIES
