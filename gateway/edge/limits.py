"""Rate limits at the edge: a token bucket per caller (the guard) and per login address and
username (the token route). Buckets live in the process, so the limits are per replica."""

import math
import time
from collections import OrderedDict
from dataclasses import dataclass

from gateway.errors import TOO_MANY_REQUESTS
from gateway.rules import GatewayPolicy

_MAX_BUCKETS = 100_000


@dataclass
class Bucket:
    tokens: float
    at: float


def take(bucket: Bucket | None, now: float, *, rate_per_s: float, burst: int) -> tuple[Bucket, float]:
    """Take one token; returns the bucket after and the seconds to wait (0.0: allowed)."""
    if bucket is None:
        bucket = Bucket(tokens=float(burst), at=now)
    tokens = min(float(burst), bucket.tokens + (now - bucket.at) * rate_per_s)
    if tokens >= 1.0:
        return Bucket(tokens=tokens - 1.0, at=now), 0.0
    return Bucket(tokens=tokens, at=now), (1.0 - tokens) / rate_per_s


def retry_after_header(wait_s: float) -> str:
    return str(max(1, math.ceil(wait_s)))


class Buckets:
    """Token buckets by key, the oldest forgotten first when there are too many."""

    def __init__(self, rate_per_s: float, burst: int) -> None:
        self.rate_per_s = rate_per_s
        self.burst = burst
        self._buckets: OrderedDict[str, Bucket] = OrderedDict()

    def wait_for(self, key: str, now: float | None = None) -> float:
        """0.0 when the request may go, else the seconds until it could."""
        bucket, wait = take(
            self._buckets.pop(key, None), time.monotonic() if now is None else now, rate_per_s=self.rate_per_s, burst=self.burst
        )
        self._buckets[key] = bucket
        if len(self._buckets) > _MAX_BUCKETS:
            self._buckets.popitem(last=False)
        return wait


class LoginLimits:
    """Login attempts per client address and per username (in this process)."""

    def __init__(self, policy: GatewayPolicy) -> None:
        self.by_address = Buckets(policy.login_ip_rate_per_minute / 60, policy.login_ip_burst)
        self.by_username = Buckets(policy.login_user_rate_per_minute / 60, policy.login_user_burst)

    def check(self, address: str | None, username: str | None) -> None:
        wait = self.by_address.wait_for(f"ip:{address}")
        if username:
            wait = max(wait, self.by_username.wait_for(f"user:{username.lower()}"))
        if wait > 0:
            raise TOO_MANY_REQUESTS("Too many login attempts; retry later", headers={"Retry-After": retry_after_header(wait)})
