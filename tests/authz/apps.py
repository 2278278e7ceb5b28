"""Every app of the backend built from settings (no lifespan), and the routes each one serves."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts
from starlette.routing import Route

from gateway.app import create_app as create_gateway
from gateway.settings import GatewaySettings
from services.activities.app import create_app as create_activities
from services.activities.settings import ActivitiesSettings
from services.members.app import create_app as create_members
from services.members.settings import MembersSettings
from services.orgs.app import create_app as create_orgs
from services.orgs.settings import OrgsSettings
from tests.support import SuiteDatabase

APPS = ("gateway", "orgs", "members", "activities")


def build_apps(test_db: SuiteDatabase) -> dict[str, FastAPI]:
    def common(name: str) -> dict[str, Any]:
        return {"data_dir": test_db.data_dir, "database_url": test_db.urls[name], "json_logs": False}

    return {
        "gateway": create_gateway(GatewaySettings(**common("gateway"), admin_password="Unused-password-1")),
        "orgs": create_orgs(OrgsSettings(**common("orgs"))),
        "members": create_members(MembersSettings(**common("members"), consume_feeds=False)),
        "activities": create_activities(ActivitiesSettings(**common("activities"), consume_feeds=False)),
    }


@dataclass(frozen=True)
class Endpoint:
    app: str
    method: str
    path: str
    route: RouteContext

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.app, self.method, self.path)


def endpoints(apps: dict[str, FastAPI]) -> Iterator[Endpoint]:
    """Every (app, method, path) served, through included routers (FastAPI resolves those
    lazily); HEAD and OPTIONS that Starlette adds by itself are left out."""
    for name, app in apps.items():
        for route in iter_route_contexts(app.routes):
            if isinstance(route.original_route, (APIRoute, Route)) and route.path:
                for method in sorted((route.methods or set()) - {"HEAD", "OPTIONS"}):
                    yield Endpoint(name, method, route.path, route)


def dependency_calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    """Every callable in a route's dependency tree (route- and router-level dependencies included)."""
    for sub in dependant.dependencies:
        if sub.call is not None:
            yield sub.call
        yield from dependency_calls(sub)


def guards(route: RouteContext) -> set[Callable[..., Any]]:
    dependant = getattr(route, "dependant", None) if isinstance(route.original_route, APIRoute) else None
    return set(dependency_calls(dependant)) if dependant is not None else set()
