"""`create_app` for every process: the same middleware, errors, health, tokens and lifespan.

A service passes its routers, the `Database` of its schema, and optional start/stop hooks (for
its feed consumers and peer clients). Nothing here depends on which service it is.
"""

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI
from sqlalchemy import Table
from starlette.middleware import Middleware
from starlette.types import ASGIApp

from services.kit.audit import PersonalDataMiddleware
from services.kit.auth import TokenVerifier
from services.kit.db import Database
from services.kit.deadline import RequestDeadline
from services.kit.docs import install_docs
from services.kit.headers import SecurityHeaders
from services.kit.health import Check, health_router
from services.kit.idempotency import AnswerCipher, install_idempotency
from services.kit.metrics import MetricsMiddleware, metrics_router, watch_pool
from services.kit.observability import RequestContextMiddleware, configure_logging
from services.kit.problems import BodyLimitProblems, RefuseNulInUrl, install_problem_handlers
from services.kit.revocation import RevocationWatch
from services.kit.settings import ProcessSettings
from services.kit.tracing import configure_tracing
from services.kit.versioning import document_preconditions

logger = logging.getLogger("kit.app")

Hook = Callable[[FastAPI], Awaitable[None]]


class _App(FastAPI):
    def build_middleware_stack(self) -> ASGIApp:
        # Outside FastAPI's own stack, where Starlette's body limit answers (kit.problems).
        return BodyLimitProblems(super().build_middleware_stack())


MAX_BODY_BYTES = 10 * 1024 * 1024


def create_app(
    *,
    name: str,
    title: str,
    settings: ProcessSettings,
    db: Database,
    routers: Sequence[APIRouter],
    on_start: Sequence[Hook] = (),
    on_stop: Sequence[Hook] = (),
    reported_checks: dict[str, Check] | None = None,
    middleware: Sequence[Middleware] = (),
    serve_own_docs: bool = True,
    max_body_bytes: int = MAX_BODY_BYTES,
    idempotency_keys: Table | None = None,
    answer_cipher: AnswerCipher | None = None,
    revocations: RevocationWatch | None = None,
) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.json_logs:
            configure_logging(name, settings.log_level)
        configure_tracing(name)  # only when OTEL_EXPORTER_OTLP_ENDPOINT is set
        for hook in on_start:
            await hook(app)
        if revocations is not None:
            await revocations.start()
        app.state.verifier = _load_verifier(settings)
        try:
            yield
        finally:
            if revocations is not None:
                await revocations.stop()
            for hook in reversed(on_stop):
                await hook(app)
            await db.dispose()

    app = _App(
        title=title,
        version="1.0.0",
        lifespan=lifespan,
        max_body_size=max_body_bytes,
        docs_url=None,
        redoc_url=None,
    )
    app.state.db = db
    app.state.settings = settings
    app.state.revocations = revocations
    app.state.caller_checks = [revocations.check] if revocations is not None else []
    install_problem_handlers(app)
    app.include_router(health_router(required={"database": db.ping}, reported=reported_checks))
    app.include_router(metrics_router(settings.metrics_allowed_networks))
    if serve_own_docs:
        install_docs(app, title=title, openapi_url="/openapi.json", assets_path="/docs-assets")
    watch_pool(name, db.engine.pool)
    for router in routers:
        app.include_router(router)
    _document_write_headers(app)
    # Starlette wraps in reverse order of adding. Idempotency keys innermost, right outside the
    # routes: the gateway's proxy (an extra) answers proxied paths before they get here.
    if idempotency_keys is not None:
        install_idempotency(app, table=idempotency_keys, max_body_bytes=max_body_bytes, answer_cipher=answer_cipher)
    # The request context is outermost, so that everything inside (the gateway's proxy
    # included) sees the request id and trace.
    for extra in reversed(middleware):
        app.add_middleware(extra.cls, *extra.args, **extra.kwargs)
    app.add_middleware(RefuseNulInUrl)
    app.add_middleware(RequestDeadline, seconds=settings.request_deadline_s)
    app.add_middleware(PersonalDataMiddleware)
    # Outside every layer that answers (the deadline, the gateway's guard and proxy included).
    app.add_middleware(SecurityHeaders)
    app.add_middleware(RequestContextMiddleware, service=name)
    # Outermost, so that its clock includes everything and it sees the route the router chose.
    app.add_middleware(MetricsMiddleware, service=name)
    return app


def _document_write_headers(app: FastAPI) -> None:
    """The OpenAPI names the 409/412/422/428 answers of every route that reads the write headers."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document_preconditions(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _load_verifier(settings: ProcessSettings) -> TokenVerifier | None:
    path = settings.public_key_path
    if not path.exists():
        logger.error("no token public key; protected routes answer 503", extra={"path": str(path)})
        return None
    return TokenVerifier.from_file(
        path,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        max_lifetime_s=settings.access_token_max_lifetime_s,
        skew_s=settings.token_clock_skew_s,
    )
