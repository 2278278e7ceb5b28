"""A half-open breaker's trial call that is cancelled (its caller gave up: a request deadline, a
client that went away) must not leave the breaker waiting for that trial forever."""

import asyncio

import httpx
import pytest

from services.kit.peers import CircuitBreaker, PeerClient, PeerUnavailable


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_a_cancelled_trial_call_counts_as_failed_and_a_later_trial_may_go_through() -> None:
    clock = Clock()
    breaker = CircuitBreaker(failure_threshold=1, reset_after_s=10, clock=clock)
    hang = asyncio.Event()

    async def peer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/hang":
            await hang.wait()  # never set: a peer that does not answer
        return httpx.Response(503 if request.url.path == "/down" else 200)

    client = PeerClient("peer", "http://peer", transport=httpx.MockTransport(peer), breaker=breaker, retries=0)
    try:
        await client.request("GET", "/down")  # one failure opens it
        assert breaker.state == "open"
        clock.now += 10
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(client.request("GET", "/hang"), 0.1)  # the trial, cancelled
        assert breaker.state == "open"  # the trial failed: open again, for another pause
        with pytest.raises(PeerUnavailable):
            await client.request("GET", "/ok")
        clock.now += 10
        assert (await client.request("GET", "/ok")).status_code == 200  # a new trial went through
        assert breaker.state == "closed"
    finally:
        await client.aclose()
