"""RFC 9457 problem responses for every error: stable `type`, human `detail`, never a traceback.

Raise `Problem` (or one of its named subclasses) anywhere; `install_problem_handlers` turns it,
FastAPI's validation errors, Starlette's HTTP errors and anything unexpected into
`application/problem+json`.

People read problems in Chinese, in their script (`services.kit.script`): the title is the kind's
Chinese title (or the status's), the detail the Chinese one the code gave (`kind("…", zh="…")`),
else the title; the English detail stays in `detail_en` for developers, and a client that asks
for English (`Accept-Language: en`) gets the English as before. `type` and `errors[].field` are
the same in every language: clients rely on them.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.body_limit import MAX_BODY_SIZE_SCOPE_KEY

from services.kit import messages
from services.kit.db import DATABASE_ERRORS, database_unavailable
from services.kit.script import Script, deployment_script, in_script, request_script, script_of

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_BASE = "/problems/"

logger = logging.getLogger("kit.problems")

_TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    412: "Precondition failed",
    413: "Content too large",
    415: "Unsupported media type",
    422: "Validation error",
    428: "Precondition required",
    429: "Too many requests",
    500: "Internal server error",
    502: "Bad gateway",
    503: "Service unavailable",
    504: "Gateway timeout",
}

_SLUGS = {
    400: "bad-request",
    401: "unauthorized",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    409: "conflict",
    412: "precondition-failed",
    413: "content-too-large",
    415: "unsupported-media-type",
    422: "validation-error",
    428: "precondition-required",
    429: "too-many-requests",
    500: "internal-error",
    502: "bad-gateway",
    503: "service-unavailable",
    504: "gateway-timeout",
}


class Problem(Exception):
    """An error that is answered as a problem document; `slug` names its stable type."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        slug: str | None = None,
        title: str | None = None,
        headers: dict[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.slug = slug or _SLUGS.get(status, "error")
        self.title = title or _TITLES.get(status, "Error")
        self.headers = headers or {}
        self.extensions = extensions
        # The Chinese title and detail, in Traditional script (set by `ProblemKind`, or by the code).
        self.title_zh: str | None = None
        self.detail_zh: str | None = None

    def body(self, instance: str | None = None, script: Script = Script.en) -> dict[str, Any]:
        return problem_body(
            self.status,
            self.detail,
            slug=self.slug,
            title=self.title,
            instance=instance,
            script=script,
            title_zh=self.title_zh,
            detail_zh=self.detail_zh,
            **self.extensions,
        )


class NotFound(Problem):
    def __init__(self, what: str, identifier: object) -> None:
        super().__init__(404, f"{what} {identifier} was not found", slug="not-found")


class Conflict(Problem):
    def __init__(self, detail: str, *, slug: str = "conflict", **extensions: Any) -> None:
        super().__init__(409, detail, slug=slug, **extensions)


class Unprocessable(Problem):
    """A well-formed request that breaks a domain rule; `errors` name the fields at fault."""

    def __init__(
        self, detail: str, *, slug: str = "rule-violation", errors: list[dict[str, Any]] | None = None, **extensions: Any
    ) -> None:
        super().__init__(422, detail, slug=slug, errors=errors or [], **extensions)


@dataclass(frozen=True)
class ProblemKind:
    """One kind of error a service answers with: its status and its stable `type` slug.

    A service declares its kinds once (its `errors.py`); code raises them (`kind("detail")`, or
    `kind.on("field", "message")` for a rule broken by one input field) and routes list them in
    their OpenAPI answers with `answers(...)`, so the document says which problems an operation
    can give, and the slug is never typed twice.
    """

    status: int
    slug: str
    meaning: str  # one line for the API documentation
    zh: str = ""  # the title people read, in Traditional script (default: the status's title)

    def __call__(self, detail: str, *, zh: str | None = None, **extensions: Any) -> Problem:
        """The problem, with `detail` in English and `zh` the Chinese detail (Traditional)."""
        if self.status == 422:
            problem: Problem = Unprocessable(detail, slug=self.slug, errors=extensions.pop("errors", None), **extensions)
        else:
            problem = Problem(self.status, detail, slug=self.slug, **extensions)
        problem.title_zh = self.zh or None
        problem.detail_zh = zh
        return problem

    def on(
        self,
        field: str,
        message: str,
        *,
        detail: str | None = None,
        location: str | None = None,
        zh: str | None = None,
        detail_zh: str | None = None,
    ) -> Problem:
        """The problem of one input field (`errors: [{"field", "message"}]`, `in` where not the body);
        `zh` is the message in Chinese."""
        return self(
            detail or f"{field}: {message}",
            zh=detail_zh or (f"{field}：{zh}" if zh else None),  # noqa: RUF001 - full-width colon
            errors=[field_error(field, message, location=location, zh=zh)],
        )


def field_error(field: str, message: str, *, location: str | None = None, zh: str | None = None) -> dict[str, Any]:
    """One entry of a problem's `errors` list: which field, and what is wrong with it (`zh`: in
    Chinese, Traditional script; the answer carries the reader's language)."""
    error: dict[str, Any] = {"field": field, "message": message}
    if location is not None:
        error["in"] = location
    if zh is not None:
        error[_MESSAGE_ZH] = zh
    return error


_MESSAGE_ZH = "message_zh"  # a field error's Chinese message until the answer is written


def answers(*kinds: ProblemKind | Iterable[ProblemKind]) -> dict[int | str, dict[str, Any]]:
    """The `responses=` of a route: one entry per status, naming every kind it may answer with."""
    flat: list[ProblemKind] = []
    for item in kinds:
        flat.extend([item] if isinstance(item, ProblemKind) else item)
    by_status: dict[int, list[ProblemKind]] = {}
    for kind in flat:
        if kind not in by_status.setdefault(kind.status, []):
            by_status[kind.status].append(kind)
    return {
        status: {
            "description": "; ".join(f"`{PROBLEM_BASE}{kind.slug}`: {kind.meaning}" for kind in listed),
        }
        for status, listed in sorted(by_status.items())
    }


def problem_body(
    status: int,
    detail: str,
    *,
    slug: str | None = None,
    title: str | None = None,
    instance: str | None = None,
    script: Script = Script.en,
    title_zh: str | None = None,
    detail_zh: str | None = None,
    **extensions: Any,
) -> dict[str, Any]:
    """The problem document in the reader's `script`: Chinese title and detail (the English
    detail in `detail_en`), or the English ones for an English reader."""
    if script is Script.en:
        shown_title, shown_detail = title or _TITLES.get(status, "Error"), detail
    else:
        chinese_title = title_zh or messages.STATUS_TITLES.get(status, messages.GENERIC_TITLE)
        shown_title, shown_detail = in_script(chinese_title, script), in_script(detail_zh or chinese_title, script)
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + (slug or _SLUGS.get(status, "error")),
        "title": shown_title,
        "status": status,
        "detail": shown_detail,
    }
    if script is not Script.en:
        body["detail_en"] = detail
    if instance:
        body["instance"] = instance
    body.update(extensions)
    if isinstance(body.get("errors"), list):
        body["errors"] = [_field_error_in(error, script) for error in body["errors"]]
    return body


def _field_error_in(error: Any, script: Script) -> Any:
    """A field error with its message in the reader's language (the English in `message_en`)."""
    if not isinstance(error, dict) or _MESSAGE_ZH not in error:
        return error
    shown = {key: value for key, value in error.items() if key != _MESSAGE_ZH}
    if script is not Script.en:
        shown["message"] = in_script(error[_MESSAGE_ZH], script)
        shown["message_en"] = error["message"]
    return shown


def problem_response(
    status: int, detail: str, *, headers: dict[str, str] | None = None, script: Script = Script.en, **kwargs: Any
) -> JSONResponse:
    return JSONResponse(
        problem_body(status, detail, script=script, **kwargs),
        status_code=status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers={**(headers or {}), "Content-Language": script.value},
    )


def _field_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    errors = []
    for error in exc.errors():
        location = [str(part) for part in error.get("loc", ())]
        errors.append(
            {
                "field": ".".join(location[1:]) if len(location) > 1 else ".".join(location),
                "in": location[0] if location else "body",
                "message": error.get("msg", ""),
                "code": error.get("type", ""),
                _MESSAGE_ZH: messages.validation_message(error),
            }
        )
    return errors


async def _on_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, Problem)
    script = request_script(request)
    return JSONResponse(
        exc.body(request.url.path, script),
        status_code=exc.status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers={**exc.headers, "Content-Language": script.value},
    )


async def _on_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = _field_errors(exc)
    fields = ", ".join(sorted({e["field"] for e in errors if e["field"]}))
    return problem_response(
        422,
        f"The request is not valid: {fields or 'body'}",
        slug="validation-error",
        instance=request.url.path,
        errors=errors,
        script=request_script(request),
        detail_zh=messages.request_not_valid(fields),
    )


async def _on_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 413:  # Starlette's body limit, met inside a route
        return problem_response(413, **_body_limit(request.scope), instance=request.url.path, script=request_script(request))
    detail = exc.detail if isinstance(exc.detail, str) else _TITLES.get(exc.status_code, "Error")
    return problem_response(
        exc.status_code, detail, instance=request.url.path, headers=dict(exc.headers or {}), script=request_script(request)
    )


def _body_limit(scope: Any) -> dict[str, Any]:
    """The detail and extension of a 413 from the body limit in force for the request."""
    limit = scope.get(MAX_BODY_SIZE_SCOPE_KEY)
    if not isinstance(limit, int):
        return {"detail": "The request body is too large", "detail_zh": messages.BODY_TOO_LARGE}
    return {
        "detail": f"The request body is larger than {limit} bytes",
        "detail_zh": messages.body_larger_than(limit),
        "max_bytes": limit,
    }


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    logger.exception("unhandled error", extra={"path": request.url.path})
    return problem_response(
        500,
        "An unexpected error occurred; it has been logged.",
        instance=request.url.path,
        script=request_script(request),
        detail_zh=messages.UNEXPECTED,
    )


async def _on_database_error(request: Request, exc: Exception) -> JSONResponse:
    if not database_unavailable(exc):
        return await _on_unexpected(request, exc)
    # The database is down, paused or overloaded: the request failed within its deadline and
    # wrote nothing, so the client may retry (no stack trace: the cause is outside the code).
    logger.warning("database unavailable", extra={"path": request.url.path, "error": type(exc).__name__})
    return problem_response(
        503,
        "The database did not answer in time; try again shortly.",
        slug="database-unavailable",
        instance=request.url.path,
        headers={"Retry-After": "1"},
        script=request_script(request),
        detail_zh=messages.DATABASE_UNAVAILABLE,
    )


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(Problem, _on_problem)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    for error_class in DATABASE_ERRORS:
        app.add_exception_handler(error_class, _on_database_error)
    app.add_exception_handler(Exception, _on_unexpected)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document_problems(FastAPI.openapi(app))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "An RFC 9457 problem document; extensions (`errors`, `report` …) may follow",
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object"}},
    },
}
_OPERATIONS = ("get", "put", "post", "delete", "patch")


def document_problems(document: dict[str, Any]) -> dict[str, Any]:
    """Describe every error answer as what the handlers above send: a problem document in
    `application/problem+json`, for any 4xx or 5xx of any operation (FastAPI alone documents a 422
    in `application/json` with its own shape, and no other error)."""
    document.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    content = {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for item in document.get("paths", {}).values():
        for method, operation in item.items():
            if method not in _OPERATIONS:
                continue
            responses = operation.setdefault("responses", {})
            for code, response in responses.items():
                if code[0] in "45":
                    response["content"] = content
                    response.setdefault("description", _TITLES.get(int(code), "Error") if code.isdigit() else "Error")
            responses.setdefault("4XX", {"description": "A problem (RFC 9457)", "content": content})
            responses.setdefault("5XX", {"description": "A problem (RFC 9457)", "content": content})
    return document


class RefuseNulInUrl:
    """ASGI middleware: a NUL character in the path or the query string is a 422 problem before any
    route sees it. PostgreSQL's text holds none (a NUL reaching a query was a 500 there, found by the
    fuzzing in a query parameter); the request bodies are checked by `InputSchema`."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and ("\x00" in scope["path"] or b"%00" in scope["query_string"]):
            detail = "A NUL character (U+0000) is not allowed in the address"
            await send_problem(
                send, 422, detail, instance=scope["path"].replace("\x00", ""), scope=scope, detail_zh=messages.NUL_IN_ADDRESS
            )
            return
        await self.app(scope, receive, send)


class BodyLimitProblems:
    """ASGI wrapper around the whole app: Starlette's body limit (which FastAPI puts outside every
    middleware of ours) answers a body over it with a plain-text 413 — when the body is read in
    a middleware (the proxy, the idempotency keys) or a declared length is over the limit. Its
    answer becomes a problem like every other, naming the limit in `max_bytes`."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        replaced = False

        async def send_as_problem(message: Any) -> None:
            nonlocal replaced
            if message["type"] == "http.response.start" and message["status"] == 413 and _plain_text(message):
                replaced = True
                await send_problem(send, 413, **_body_limit(scope), instance=scope["path"], scope=scope)
            elif not replaced:  # the plain text's body is dropped
                await send(message)

        await self.app(scope, receive, send_as_problem)


def _plain_text(start: Any) -> bool:
    return any(name.lower() == b"content-type" and value.startswith(b"text/plain") for name, value in start["headers"])


async def send_problem(
    send: Any,
    status: int,
    detail: str,
    *,
    slug: str | None = None,
    instance: str | None = None,
    retry_after: str | None = None,
    headers: tuple[tuple[bytes, bytes], ...] = (),
    scope: Any = None,
    title_zh: str | None = None,
    detail_zh: str | None = None,
    **extensions: Any,
) -> None:
    """Send a whole problem answer from ASGI middleware, where no route and no handler is in play
    (the proxy, the guard, the deadline, the address check); in the script of the request whose
    ASGI `scope` is given (`title_zh` and `detail_zh` in Traditional, as a `ProblemKind` has
    them), else in English."""
    script = Script.en if scope is None else scope_script(scope)
    body = orjson.dumps(
        problem_body(
            status, detail, slug=slug, instance=instance, script=script, title_zh=title_zh, detail_zh=detail_zh, **extensions
        )
    )
    sent = [
        (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
        (b"content-length", str(len(body)).encode()),
        (b"content-language", script.value.encode()),
    ]
    if retry_after is not None:
        sent.append((b"retry-after", retry_after.encode()))
    await send({"type": "http.response.start", "status": status, "headers": [*sent, *headers]})
    await send({"type": "http.response.body", "body": body})


def scope_script(scope: Any) -> Script:
    """The script of an ASGI request (`services.kit.script.request_script` for middleware)."""
    accept = next((value.decode("latin-1") for name, value in scope.get("headers", ()) if name == b"accept-language"), None)
    return script_of(accept, deployment_script())
