"""The apps under fuzzing, each loaded as a schemathesis schema from its own OpenAPI, and the
seeded worlds and callers they are fuzzed with.

The fuzzed apps are fresh instances on the suite's database, served in process by schemathesis'
ASGI transport (its own event loop thread, no sockets); their lifespans are ended after each test
so that nothing holds a connection when the suite drops its PostgreSQL database.
"""

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.python.asgi import shutdown_lifespans
from schemathesis.schemas import BaseSchema

from gateway.app import create_app as create_gateway
from gateway.rules import GatewayPolicy
from services.activities.app import create_app as create_activities
from services.activities.settings import ActivitiesSettings
from services.members.app import create_app as create_members
from services.members.settings import MembersSettings
from services.orgs.app import create_app as create_orgs
from tests.authz.world import build_world
from tests.conftest import ADMIN_PASSWORD
from tests.fuzz.scope import PATH_PARAMETER_KINDS, Caller, Scope, callers
from tests.gateway.conftest import bearer, create_account, settings_for, sysadmin, token_of
from tests.orgs.conftest import MembersStub, activities_stub, members_stub, orgs_api, orgs_settings, stubbed_peers
from tests.support import SuiteDatabase, Tokens

__all__ = ["activities_stub", "members_stub", "orgs_api"]  # fixtures borrowed from the orgs tests (the world needs them)

# Both: data that fits the schema (the answers must be documented 2xx/4xx with matching bodies) and
# data that does not (always a documented 4xx, never a 5xx).
MODES = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
# The fuzzer sends one request at a time: a small pool leaves PostgreSQL's connections to others.
FUZZ_POOL = 2


class FuzzWorld:
    """World A (the callers' scope), world B (another root's data) and the callers."""

    def __init__(self, a: dict[str, Any], b: dict[str, Any], callers: dict[str, Caller]) -> None:
        self.a, self.b, self.callers = a, b, callers
        subtree = {a["township"], a["scopes"]["community"]["parent"], a["parent"], a["org"], a["child"], a["sibling"]}
        foreign_orgs = {b["township"], b["scopes"]["community"]["parent"], b["parent"], b["org"], b["child"], b["sibling"]}
        self.scope = Scope(
            township_hex=a["township"].replace("-", ""),
            orgs=subtree,
            communities={a["community"]},
            foreign_orgs=foreign_orgs,
            foreign_ids={str(b[kind]) for kind in set(PATH_PARAMETER_KINDS.values())} | foreign_orgs,
        )


@pytest.fixture
async def fuzz_world(
    test_db: SuiteDatabase,
    tokens: Tokens,
    orgs_api: httpx.AsyncClient,
    members_client: httpx.AsyncClient,
    activities_client: httpx.AsyncClient,
    members_stub: MembersStub,
) -> FuzzWorld:
    a = await build_world(test_db, tokens, orgs_api, members_client, activities_client, members_stub.known)
    b = await build_world(test_db, tokens, orgs_api, members_client, activities_client, members_stub.known)
    return FuzzWorld(a, b, callers(tokens, a["township"], a["member"], {}))


@pytest.fixture
async def administrators(gateway_client: httpx.AsyncClient, fuzz_world: FuzzWorld) -> None:
    """The gateway's own routes ask for an active account: real ones for the administrative roles."""
    admin = await sysadmin(gateway_client)
    for role in ("sysadmin", "secadmin", "auditor"):
        account = await create_account(gateway_client, admin, roles=[role])
        headers = bearer((await token_of(gateway_client, account["username"]))["access_token"])
        fuzz_world.callers[role] = Caller(role, headers, scoped=False)


def load(app: FastAPI, world: FuzzWorld) -> BaseSchema:
    """The app's OpenAPI as a schemathesis schema sent to the app in process, with the worlds' ids
    offered for path parameters."""
    schema = schemathesis.openapi.from_dict(app.openapi())
    schema.app = app
    schema.config.generation.update(modes=MODES)

    @schema.hook
    def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
        # Each known parameter: the generated value, the caller's own object or another root's.
        choices = {
            name: st.sampled_from([value, str(world.a[PATH_PARAMETER_KINDS[name]]), str(world.b[PATH_PARAMETER_KINDS[name]])])
            for name, value in (path_parameters or {}).items()
            if name in PATH_PARAMETER_KINDS
        }
        return st.fixed_dictionaries(choices).map(lambda known: {**(path_parameters or {}), **known})

    return schema


@pytest.fixture
def served() -> Iterator[None]:
    yield
    shutdown_lifespans()


@pytest.fixture
def orgs_schema(test_db: SuiteDatabase, fuzz_world: FuzzWorld, members_stub: MembersStub, served: None) -> BaseSchema:
    settings = orgs_settings(test_db, run_scheduler=False, db_pool_size=FUZZ_POOL)
    return load(create_orgs(settings, peers=stubbed_peers(settings, members_stub)), fuzz_world)


def _common(test_db: SuiteDatabase, name: str) -> dict[str, Any]:
    return {
        "data_dir": test_db.data_dir,
        "database_url": test_db.urls[name],
        "json_logs": False,
        "run_scheduler": False,
        "db_pool_size": FUZZ_POOL,
    }


@pytest.fixture
def members_schema(test_db: SuiteDatabase, fuzz_world: FuzzWorld, served: None) -> BaseSchema:
    return load(create_members(MembersSettings(**_common(test_db, "members"), consume_feeds=False)), fuzz_world)


@pytest.fixture
def activities_schema(test_db: SuiteDatabase, fuzz_world: FuzzWorld, served: None) -> BaseSchema:
    return load(create_activities(ActivitiesSettings(**_common(test_db, "activities"), consume_feeds=False)), fuzz_world)


@pytest.fixture
def gateway_schema(test_db: SuiteDatabase, fuzz_world: FuzzWorld, administrators: None, served: None) -> BaseSchema:
    # No rate limits or login throttles: the fuzzer is one caller sending thousands of requests.
    unlimited = GatewayPolicy(
        rate_per_s=1e6,
        rate_burst=1_000_000,
        login_user_rate_per_minute=1e6,
        login_user_burst=1_000_000,
        login_ip_rate_per_minute=1e6,
        login_ip_burst=1_000_000,
        lockout_threshold=1_000_000,
    )
    settings = settings_for(
        test_db,
        policy=unlimited.model_dump(),
        consume_feeds=False,
        deliver_webhooks=False,
        run_scheduler=False,
        db_pool_size=FUZZ_POOL,
    )
    assert settings.admin_password == ADMIN_PASSWORD
    return load(create_gateway(settings), fuzz_world)
