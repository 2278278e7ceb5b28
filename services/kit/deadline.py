"""The per-request deadline (`<P>_REQUEST_DEADLINE_S`): an answer that has not started when it
passes is given up on — the handler is cancelled (its transaction rolls back) and the caller gets
a 503 problem at once, instead of waiting for every timeout below (pool wait, connect, statement,
a retry) to run out one after the other.

An answer whose body is already flowing is left to finish: its status has gone out.
"""

import asyncio
import contextlib
import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.kit import messages
from services.kit.problems import send_problem

logger = logging.getLogger("kit.deadline")


class RequestDeadline:
    """ASGI middleware; `seconds` <= 0 turns it off."""

    def __init__(self, app: ASGIApp, *, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.seconds <= 0:
            await self.app(scope, receive, send)
            return
        started = False
        expired = False

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if expired:  # the deadline has answered; the cancelled handler's late messages go nowhere
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        handler = asyncio.ensure_future(self.app(scope, receive, guarded_send))
        try:
            done, _ = await asyncio.wait({handler}, timeout=self.seconds)
            if handler in done or started:
                await handler
                return
        except asyncio.CancelledError:  # the server gave up on this request: so does the handler
            handler.cancel()
            raise
        expired = True
        handler.cancel()
        logger.warning("request deadline passed", extra={"path": scope["path"], "deadline_s": self.seconds})
        detail = "The request did not finish within its deadline; try again shortly."
        await send_problem(
            send, 503, detail, slug="deadline-exceeded", retry_after="1", scope=scope, detail_zh=messages.DEADLINE_PASSED
        )
        # Let the handler unwind (roll back, close its session) before the connection moves on.
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await handler
