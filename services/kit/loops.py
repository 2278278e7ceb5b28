"""The one shape of background work in a process: a task that ticks, pauses and ticks again.

The scheduler (`kit/scheduler.py`), the feed consumers (`kit/consumer.py`) and the gateway's
webhook worker (`gateway/events/delivery.py`) are each a `BackgroundLoop` around their own tick.
`start` makes the task, `stop` cancels it and waits for it (lifespan hooks call them).

A tick returns whether more work is waiting: then the next tick follows at once, otherwise after
`interval_s`. A tick that fails does not end the loop — the database or a peer is away and will
come back. By default the failure is logged and the loop pauses `interval_s` as after any tick;
with `backoff_max_s` the pause doubles with each failure in a row (up to that maximum, from twice
the interval) and only the first failure of a run is logged, then its recovery, so an outage of
a peer is one warning and not one per poll.
"""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

Tick = Callable[[], Awaitable[bool]]

# Failures in a row after which the pause stops doubling (2**5 intervals, under backoff_max_s).
_MAX_DOUBLINGS = 5


class BackgroundLoop:
    def __init__(
        self,
        name: str,
        tick: Tick,
        *,
        interval_s: float,
        logger: logging.Logger,
        failure: str,
        backoff_max_s: float | None = None,
        recovery: str | None = None,
        log_extra: dict[str, Any] | None = None,
    ) -> None:
        self.name = name
        self.interval_s = interval_s
        self._tick = tick
        self._logger = logger
        self._failure = failure
        self._backoff_max_s = backoff_max_s
        self._recovery = recovery
        self._extra = log_extra or {}
        self._task: asyncio.Task[None] | None = None

    async def run(self) -> None:
        failures = 0
        while True:
            try:
                more_waiting = await self._tick()
            except Exception as error:  # the database or a peer is away: pause and try again
                failures += 1
                if self._backoff_max_s is None or failures == 1:
                    # The exception's type only: its message may quote values that hold personal data.
                    self._logger.warning(self._failure, extra={**self._extra, "error": type(error).__name__})
                await asyncio.sleep(self._pause_after(failures))
                continue
            if failures and self._recovery:
                self._logger.info(self._recovery, extra=self._extra)
            failures = 0
            if not more_waiting:
                await asyncio.sleep(self.interval_s)

    def _pause_after(self, failures: int) -> float:
        if self._backoff_max_s is None:
            return self.interval_s
        return min(self._backoff_max_s, self.interval_s * 2.0 ** min(failures, _MAX_DOUBLINGS))

    def start(self) -> None:
        self._task = asyncio.create_task(self.run(), name=self.name)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
