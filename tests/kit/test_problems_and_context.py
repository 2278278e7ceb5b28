"""Errors are RFC 9457 problems without internals; request ids and trace context travel."""

import re

import httpx
import pytest
from fastapi import APIRouter

from services.kit.app import create_app
from services.kit.db import Database
from services.kit.settings import ProcessSettings
from tests.support import SuiteDatabase, in_process


@pytest.fixture
async def client(test_db: SuiteDatabase) -> httpx.AsyncClient:
    router = APIRouter()

    @router.get("/boom")
    async def boom() -> None:
        raise RuntimeError("SELECT secret FROM table WHERE id_number = '11010519491231002X'")

    settings = ProcessSettings(data_dir=test_db.data_dir, json_logs=False)
    app = create_app(name="t", title="t", settings=settings, db=Database(test_db.urls["orgs"], "orgs"), routers=[router])
    async with in_process(app) as c:
        yield c


async def test_an_unexpected_error_is_a_500_problem_without_internals(client: httpx.AsyncClient) -> None:
    transport = httpx.ASGITransport(app=client._transport.app, raise_app_exceptions=False)  # type: ignore[attr-defined]
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as raw:
        response = await raw.get("/boom")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert "SELECT" not in response.text
    assert "Traceback" not in response.text
    assert "11010519491231002X" not in response.text


async def test_an_unknown_route_is_a_404_problem(client: httpx.AsyncClient) -> None:
    response = await client.get("/nowhere")
    assert response.status_code == 404
    assert response.json()["type"] == "/problems/not-found"


async def test_the_request_id_and_trace_are_kept_and_returned(client: httpx.AsyncClient) -> None:
    trace = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    response = await client.get("/healthz", headers={"X-Request-ID": "req-123", "traceparent": trace})
    assert response.headers["x-request-id"] == "req-123"
    assert response.headers["traceparent"] == trace


async def test_a_malformed_trace_is_replaced_by_a_new_one(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz", headers={"traceparent": "garbage"})
    assert re.fullmatch(r"00-[0-9a-f]{32}-[0-9a-f]{16}-01", response.headers["traceparent"])
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["x-request-id"])


async def test_readyz_reports_the_database(client: httpx.AsyncClient) -> None:
    response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok"}


async def test_readyz_is_a_503_problem_when_the_database_is_gone(test_db: SuiteDatabase) -> None:
    settings = ProcessSettings(data_dir=test_db.data_dir, json_logs=False)
    broken = Database("postgresql+asyncpg://nobody@127.0.0.1:1/none", "orgs", statement_timeout_s=1)
    app = create_app(name="t", title="t", settings=settings, db=broken, routers=[])
    async with in_process(app) as c:
        response = await c.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"].startswith("failing")


async def test_the_openapi_description_documents_errors_as_problems(client: httpx.AsyncClient) -> None:
    # Found by the fuzzing (tests/fuzz): every error is sent as application/problem+json, but the
    # description named only FastAPI's 422 in application/json, in another shape.
    document = (await client.get("/openapi.json")).json()
    responses = document["paths"]["/boom"]["get"]["responses"]
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    assert responses["4XX"]["content"] == problem
    assert responses["5XX"]["content"] == problem
    assert set(document["components"]["schemas"]["Problem"]["required"]) == {"type", "title", "status", "detail"}
    validated = document["paths"]["/readyz"]["get"]["responses"]
    assert all(validated[code]["content"] == problem for code in validated if code[0] in "45")
