"""Problems sent by the edge's ASGI layers (the guard, the proxy): the gateway's declared kinds
(`gateway/errors.py`), in the reader's script like a route's."""

from typing import Any

from services.kit.problems import ProblemKind, send_problem


async def send_kind(
    send: Any,
    scope: Any,
    kind: ProblemKind,
    detail: str,
    *,
    zh: str | None = None,
    retry_after: str | None = None,
    headers: tuple[tuple[bytes, bytes], ...] = (),
    **extensions: Any,
) -> None:
    """Send a declared kind of problem from ASGI middleware, as a route would raise it
    (`kind(detail, zh=…)`): its Chinese title, the Chinese detail `zh`, in the request's script."""
    await send_problem(
        send,
        kind.status,
        detail,
        slug=kind.slug,
        retry_after=retry_after,
        headers=headers,
        scope=scope,
        title_zh=kind.zh or None,
        detail_zh=zh,
        instance=scope.get("path"),
        **extensions,
    )
