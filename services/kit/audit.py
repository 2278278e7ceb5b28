"""Reads of personal data in clear, announced to the gateway; and no caching of any answer.

A service that returns a raw ID number or phone notes whose (`note_unmasked`) or how many rows an
export carried (`note_export`). `PersonalDataMiddleware` puts that on the response as
`X-Audit-Unmasked: <ids, comma-separated>` or `export:<rows>`; the gateway turns it into an audit
row and strips it. Every response without its own `Cache-Control` gets `no-store`: answers carry
personal data, and a shared or browser cache must not keep them.
"""

from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

UNMASKED_HEADER = "X-Audit-Unmasked"


@dataclass
class _Reads:
    ids: dict[str, None] = field(default_factory=dict)  # insertion-ordered set
    export_rows: int | None = None

    def header(self) -> str | None:
        if self.export_rows is not None:
            return f"export:{self.export_rows}"
        return ",".join(self.ids) if self.ids else None


_reads: ContextVar[_Reads | None] = ContextVar("unmasked_reads", default=None)


def note_unmasked(ids: Iterable[Any]) -> None:
    """Records whose personal data this response shows in clear."""
    reads = _reads.get()
    if reads is not None:
        reads.ids.update(dict.fromkeys(str(i) for i in ids))


def note_export(rows: int) -> None:
    """An export that shows personal data in clear, of `rows` rows."""
    reads = _reads.get()
    if reads is not None:
        reads.export_rows = rows


class PersonalDataMiddleware:
    """Pure ASGI: the audit header of the reads noted during the request, and `no-store`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        reads = _Reads()
        token = _reads.set(reads)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                # An upstream's audit header (the gateway forwards one) passes untouched.
                headers = list(message.get("headers", []))
                # An answer that chose its own caching (a proxied one) keeps it; every other: no-store.
                if not any(name.lower() == b"cache-control" for name, _ in headers):
                    headers.append((b"cache-control", b"no-store"))
                announced = reads.header()
                if announced:
                    headers.append((UNMASKED_HEADER.lower().encode(), announced.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            _reads.reset(token)
