"""Security headers on every answer of every process.

Each answer gets `X-Content-Type-Options: nosniff` (a browser never guesses a type: an uploaded
file is not run as HTML or script), `X-Frame-Options: DENY` and a CSP `frame-ancestors 'none'`
(no page of ours inside another site's frame), `Referrer-Policy: no-referrer` (ids in our URLs
never leak to other sites), and a `Content-Security-Policy` of `default-src 'none'` — JSON, CSV,
workbooks and attachments load nothing. An answer that sets its own CSP (the printable report,
the API documentation pages) keeps it, and a header already present (a service's answer the
gateway forwards) is not repeated.

The documentation pages (`/docs`, `/redoc`) load Swagger UI / ReDoc: their policy allows scripts
and styles from this origin (and the CDN FastAPI's pages take them from), and their one inline
initializing script by its hash, computed from the page itself.
"""

import base64
import hashlib
import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

STRICT_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
DOCS_PATHS = frozenset({"/docs", "/redoc"})
DOCS_SOURCES = "'self' https://cdn.jsdelivr.net"
_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)

FIXED = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
)


def docs_csp(page: bytes) -> str:
    """The policy of a documentation page: its assets from this origin (or the CDN), its inline
    scripts by hash, nothing else."""
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(script).digest()).decode()}'" for script in _INLINE_SCRIPT.findall(page)
    )
    return (
        f"default-src 'none'; script-src {DOCS_SOURCES} {hashes}; style-src {DOCS_SOURCES} 'unsafe-inline'; "
        "img-src 'self' data: https://fastapi.tiangolo.com; connect-src 'self'; worker-src 'self' blob:; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
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
        if scope["path"] in DOCS_PATHS:
            await self._docs_page(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": _with_defaults(list(message.get("headers", [])), STRICT_CSP.encode())}
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _docs_page(self, scope: Scope, receive: Receive, send: Send) -> None:
        # A small HTML page: held until its body is complete, so that its policy names its scripts.
        start: Message | None = None
        body = b""

        async def hold(message: Message) -> None:
            nonlocal start, body
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] == "http.response.body" and start is not None:
                body += message.get("body", b"")
                if message.get("more_body", False):
                    return
                headers = [(n, v) for n, v in start.get("headers", []) if n.lower() != b"content-length"]
                headers.append((b"content-length", str(len(body)).encode()))
                await send({**start, "headers": _with_defaults(headers, docs_csp(body).encode())})
                await send({"type": "http.response.body", "body": body})
                return
            await send(message)

        await self.app(scope, receive, hold)
