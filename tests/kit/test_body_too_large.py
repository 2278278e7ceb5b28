"""A body over a service's size limit is refused with a problem document (413,
`application/problem+json`, naming the limit in `max_bytes`), whether the limit is met in a route
or in the idempotency layer, with a declared length or a streamed body. The gateway's side is in
tests/gateway/test_body_too_large.py."""

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.support import Tokens

MB = 1024 * 1024


def streamed(size: int) -> AsyncIterator[bytes]:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(size // (64 * 1024)):
            yield b"a" * (64 * 1024)

    return chunks()


def assert_problem(response: httpx.Response, limit: int) -> None:
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == "/problems/content-too-large"
    assert problem["status"] == 413
    assert problem["max_bytes"] == limit
    assert str(limit) in problem["detail"]


@pytest.mark.parametrize("declared", [True, False], ids=["declared", "streamed"])
@pytest.mark.parametrize("idempotent", [False, True], ids=["plain", "idempotency-key"])
async def test_a_service_answers_a_body_over_its_limit_with_a_problem(
    members_client: httpx.AsyncClient, tokens: Tokens, declared: bool, idempotent: bool
) -> None:
    headers = tokens.headers() | {"content-type": "application/json"}
    if idempotent:
        headers["Idempotency-Key"] = "body-too-large-1"
    size = 11 * MB
    response = await members_client.post("/api/v1/members", content=b"a" * size if declared else streamed(size), headers=headers)

    assert_problem(response, 10 * MB)
