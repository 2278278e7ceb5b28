"""Fixtures shared by the whole suite. The database under test is chosen by TEST_DATABASE."""

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from gateway.app import create_app as create_gateway
from gateway.settings import GatewaySettings
from services.activities.app import create_app as create_activities
from services.activities.settings import ActivitiesSettings
from services.members.app import create_app as create_members
from services.members.settings import MembersSettings
from services.orgs.app import create_app as create_orgs
from services.orgs.settings import OrgsSettings
from tests.support import BACKEND, LiveStack, SuiteDatabase, Tokens, create_test_database, drop_test_database, in_process

ADMIN_PASSWORD = "Test-admin-password-1"


def pytest_report_header() -> str:
    return f"database under test: {BACKEND}"


@pytest.fixture(scope="session")
def test_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SuiteDatabase]:
    db = create_test_database(tmp_path_factory.mktemp("data"))
    yield db
    drop_test_database(db)


@pytest.fixture(scope="session")
def tokens(test_db: SuiteDatabase) -> Tokens:
    return Tokens(test_db.data_dir)


def _common(test_db: SuiteDatabase, name: str) -> dict[str, object]:
    # Background work (scheduled jobs, the gateway's feeds and webhooks) is driven by hand in tests.
    return {"data_dir": test_db.data_dir, "database_url": test_db.urls[name], "json_logs": False, "run_scheduler": False}


@pytest.fixture
async def orgs_client(test_db: SuiteDatabase) -> AsyncIterator[httpx.AsyncClient]:
    async with in_process(create_orgs(OrgsSettings(**_common(test_db, "orgs")))) as client:
        yield client


@pytest.fixture
async def members_client(test_db: SuiteDatabase) -> AsyncIterator[httpx.AsyncClient]:
    settings = MembersSettings(**_common(test_db, "members"), consume_feeds=False)
    async with in_process(create_members(settings)) as client:
        yield client


@pytest.fixture
async def activities_client(test_db: SuiteDatabase) -> AsyncIterator[httpx.AsyncClient]:
    settings = ActivitiesSettings(**_common(test_db, "activities"), consume_feeds=False)
    async with in_process(create_activities(settings)) as client:
        yield client


@pytest.fixture
async def gateway_client(test_db: SuiteDatabase) -> AsyncIterator[httpx.AsyncClient]:
    settings = GatewaySettings(
        **_common(test_db, "gateway"),
        admin_password=ADMIN_PASSWORD,
        service_clients={"svc-test": "s3cret-value"},
        consume_feeds=False,
        deliver_webhooks=False,
    )
    async with in_process(create_gateway(settings)) as client:
        yield client


@pytest.fixture(scope="session")
def live(test_db: SuiteDatabase, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveStack]:
    """The four real processes (own SQLite files, or the test PostgreSQL database)."""
    data_dir: Path = tmp_path_factory.mktemp("live")
    stack = LiveStack(test_db, data_dir, ADMIN_PASSWORD)
    stack.migrate()
    try:
        stack.start("gateway", "orgs", "members", "activities")
        yield stack
    finally:
        stack.stop_all()
