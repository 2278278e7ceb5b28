"""`/healthz` (the process answers) and `/readyz` (its database answers; peers reported).

Readiness fails only on the process's own database: a peer being down degrades some routes
but must not take this process out of a load balancer, or one outage would cascade.
"""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from services.kit.problems import PROBLEM_MEDIA_TYPE, problem_body

Check = Callable[[], Awaitable[None]]


async def _run(check: Check, timeout_s: float) -> str:
    try:
        await asyncio.wait_for(check(), timeout_s)
    except Exception as error:
        return f"failing: {type(error).__name__}"
    return "ok"


def health_router(*, required: dict[str, Check], reported: dict[str, Check] | None = None, timeout_s: float = 2.0) -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz", response_model=None)
    async def readyz() -> dict[str, Any] | JSONResponse:
        names = list(required) + list(reported or {})
        checks = [*required.values(), *(reported or {}).values()]
        results = dict(zip(names, await asyncio.gather(*(_run(c, timeout_s) for c in checks)), strict=True))
        failing = [name for name in required if results[name] != "ok"]
        if failing:
            body = problem_body(503, f"Not ready: {', '.join(failing)}", slug="not-ready", checks=results)
            return JSONResponse(body, status_code=503, media_type=PROBLEM_MEDIA_TYPE)
        return {"status": "ready", "checks": results}

    return router
