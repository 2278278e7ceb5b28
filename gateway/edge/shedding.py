"""Load shedding: at most `max_in_flight` API requests are inside this process at once; one more
is answered at once with a 503 problem and `Retry-After`, before any other work (no token
verification, no upstream call, no audit row). Beyond saturation callers thus get a fast,
retryable refusal instead of joining a queue whose wait ends in their own timeout. When the
requests that complete take longer than `target_latency_s` (median), the bound shrinks to what
the system behind it finishes in that time (Little's law: completions per second x target), so
that admitted requests wait about that long and not until the caller gives up; it grows back
as latency falls. The bound is per process (per replica); `/healthz` and `/metrics` are outside
it, so that an overloaded replica still answers its orchestrator.
"""

import time


class Admission:
    """How many API requests may be inside the process at once (see the module docstring).

    Completed requests are judged per window of at least `WINDOW_S` and `MIN_SAMPLES` answers (a
    window of a few slow reports on a quiet gateway says nothing about saturation); a window with
    fewer answers after `IDLE_WINDOW_S` counts as quiet and lets the bound grow back.
    """

    WINDOW_S = 1.0
    MIN_SAMPLES = 16
    IDLE_WINDOW_S = 10.0

    def __init__(self, *, max_in_flight: int, min_in_flight: int, target_latency_s: float, now: float | None = None) -> None:
        self.max_in_flight = max_in_flight
        self.min_in_flight = min(min_in_flight, max_in_flight)
        self.target_latency_s = target_latency_s
        self.limit = max_in_flight
        self.in_flight = 0
        self._window_start = time.monotonic() if now is None else now
        self._latencies: list[float] = []

    def admit(self, now: float) -> bool:
        if self.target_latency_s > 0:
            self._judge(now)
        if self.in_flight >= self.limit:
            return False
        self.in_flight += 1
        return True

    def done(self, latency_s: float) -> None:
        self.in_flight -= 1
        if self.target_latency_s > 0:
            self._latencies.append(latency_s)

    def _judge(self, now: float) -> None:
        elapsed = now - self._window_start
        samples = len(self._latencies)
        if elapsed < self.WINDOW_S or (samples < self.MIN_SAMPLES and elapsed < self.IDLE_WINDOW_S):
            return
        if samples >= self.MIN_SAMPLES and sorted(self._latencies)[samples // 2] > self.target_latency_s:
            # Saturated: admit what completes within the target (Little's law).
            fits = int(samples / elapsed * self.target_latency_s)
            self.limit = max(self.min_in_flight, min(self.max_in_flight, fits))
        else:
            self.limit = min(self.max_in_flight, max(self.min_in_flight, self.limit * 2))
        self._window_start = now
        self._latencies = []
