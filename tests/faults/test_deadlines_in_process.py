"""The two answers a hung database gets, on an app in process (fast, both databases): the
per-request deadline (kit.deadline) and a database timeout as a 503 problem (kit.problems)."""

import asyncio
import time

import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from services.kit.db import Database, database_unavailable
from services.kit.deadline import RequestDeadline
from services.kit.problems import install_problem_handlers
from tests.support import SuiteDatabase, in_process, on_postgres


def app_with_deadline(seconds: float) -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)
    app.add_middleware(RequestDeadline, seconds=seconds)
    finished: list[str] = []
    app.state.finished = finished

    @app.get("/slow")
    async def slow() -> dict[str, str]:
        await asyncio.sleep(5)
        finished.append("slow")
        return {"status": "late"}

    @app.get("/fast")
    async def fast() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/database-timeout")
    async def database_timeout() -> None:
        raise TimeoutError  # what asyncpg raises when its connect or command timeout passes

    return app


async def test_an_answer_not_started_by_the_deadline_is_a_503_problem_and_the_handler_is_cancelled() -> None:
    app = app_with_deadline(0.3)
    async with in_process(app) as client:
        started = time.monotonic()
        slow = await client.get("/slow")
        elapsed = time.monotonic() - started
        fast = await client.get("/fast")

    assert slow.status_code == 503
    assert slow.headers["content-type"] == "application/problem+json"
    assert slow.headers["retry-after"] == "1"
    assert slow.json()["type"] == "/problems/deadline-exceeded"
    assert elapsed < 2.0
    assert app.state.finished == []  # cancelled, not left running
    assert fast.status_code == 200


async def test_no_deadline_when_it_is_zero() -> None:
    app = app_with_deadline(0)
    async with in_process(app) as client:
        assert (await client.get("/fast")).status_code == 200


async def test_a_database_timeout_is_a_503_problem() -> None:
    async with in_process(app_with_deadline(0)) as client:
        timeout = await client.get("/database-timeout")

    assert timeout.status_code == 503
    assert timeout.json()["type"] == "/problems/database-unavailable"
    assert timeout.headers["retry-after"] == "1"


@pytest.mark.skipif(not on_postgres(), reason="PostgreSQL's statement_timeout")
async def test_a_statement_stopped_by_the_server_counts_as_the_database_unavailable(test_db: SuiteDatabase) -> None:
    db = Database(test_db.urls["orgs"], "orgs", statement_timeout_s=0.3)
    try:
        async with db.engine.connect() as connection:
            with pytest.raises(DBAPIError) as stopped:
                await connection.execute(text("SELECT pg_sleep(2)"))
    finally:
        await db.dispose()
    assert database_unavailable(stopped.value)
    assert not database_unavailable(ValueError("a fault in the code"))
