"""The circuit breaker on peer calls: it opens after repeated failures (calls then fail at once,
without reaching the peer), lets one trial call through after its pause, and closes on success."""

import httpx
import pytest

from services.kit.peers import CircuitBreaker, PeerClient, PeerUnavailable


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_breaker_opens_after_the_threshold_and_closes_after_a_good_trial() -> None:
    clock = Clock()
    breaker = CircuitBreaker(failure_threshold=3, reset_after_s=10, clock=clock)
    for _ in range(2):
        assert breaker.allow()
        breaker.failed()
    assert breaker.state == "closed"
    assert breaker.allow()
    breaker.failed()

    assert breaker.state == "open"
    assert not breaker.allow()
    clock.now += 10
    assert breaker.state == "half_open"
    assert breaker.allow()  # the one trial call
    assert not breaker.allow()  # and no other while it runs
    breaker.succeeded()
    assert breaker.state == "closed"
    assert breaker.allow()


def test_a_failed_trial_opens_the_breaker_again() -> None:
    clock = Clock()
    breaker = CircuitBreaker(failure_threshold=1, reset_after_s=5, clock=clock)
    breaker.failed()
    clock.now += 5
    assert breaker.allow()
    breaker.failed()

    assert breaker.state == "open"
    clock.now += 4
    assert not breaker.allow()


def test_a_success_resets_the_count_of_failures() -> None:
    breaker = CircuitBreaker(failure_threshold=2, reset_after_s=5, clock=Clock())
    breaker.failed()
    breaker.succeeded()
    breaker.failed()

    assert breaker.state == "closed"


async def test_an_open_breaker_fails_calls_fast_without_reaching_the_peer() -> None:
    clock = Clock()
    reached = {"calls": 0, "up": False}

    def peer(request: httpx.Request) -> httpx.Response:
        reached["calls"] += 1
        if not reached["up"]:
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(200, json={"ok": True})

    client = PeerClient(
        "orgs",
        "http://orgs.test",
        retries=0,
        transport=httpx.MockTransport(peer),
        breaker=CircuitBreaker(failure_threshold=3, reset_after_s=10, clock=clock),
    )
    for _ in range(3):
        with pytest.raises(PeerUnavailable):
            await client.get_json("/x")
    assert reached["calls"] == 3

    with pytest.raises(PeerUnavailable) as refused:
        await client.get_json("/x")
    assert refused.value.reason == "circuit open"
    assert reached["calls"] == 3  # not even tried

    reached["up"] = True
    clock.now += 10
    assert await client.get_json("/x") == {"ok": True}
    assert client.breaker.state == "closed"
    await client.aclose()
