"""Security headers on every answer of every process.

Each answer gets `X-Content-Type-Options: nosniff` (a browser never guesses a type: an uploaded
file is not run as HTML or script), `X-Frame-Options: DENY` and a CSP `frame-ancestors 'none'`
(no page of ours inside another site's frame), `Referrer-Policy: no-referrer` (ids in our URLs
never leak to other sites), and a `Content-Security-Policy` of `default-src 'none'` — JSON, CSV,
workbooks and attachments load nothing. An answer that sets its own CSP (the printable report,
the API documentation pages) keeps it, and a header already present (a service's answer the
gateway forwards) is not repeated.

The documentation pages (`/docs`, `/redoc`, services.kit.docs) load Swagger UI / ReDoc from this
origin and have no inline script: their policy allows scripts and styles from this origin alone.
"""

from starlette.types import ASGIApp, Message, Receive, Scope, Send

STRICT_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
DOCS_PATHS = frozenset({"/docs", "/redoc"})
DOCS_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; worker-src 'self' blob:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)

FIXED = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
)


def _with_defaults(headers: list[tuple[bytes, bytes]], csp: bytes) -> list[tuple[bytes, bytes]]:
    present = {name.lower() for name, _ in headers}
    added = [(name, value) for name, value in FIXED if name not in present]
    if b"content-security-policy" not in present:
        added.append((b"content-security-policy", csp))
    return headers + added


class SecurityHeaders:
    """Pure ASGI: the headers above on every HTTP answer, unless the answer has them already."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        csp = (DOCS_CSP if scope["path"] in DOCS_PATHS else STRICT_CSP).encode()

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": _with_defaults(list(message.get("headers", [])), csp)}
            await send(message)

        await self.app(scope, receive, send_with_headers)
