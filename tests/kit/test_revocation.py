"""Revocation of access tokens in a process (kit/revocation.py) and the cap on a token's lifetime."""

import asyncio
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from services.kit.auth import Caller, TokenVerifier, Unauthorized, lifetime_refusal
from services.kit.keys import TokenSigner, generate_keypair
from services.kit.outbox import FeedEvent, FeedPage
from services.kit.revocation import TOKEN_REVOKED, RevocationsUnknown, RevocationWatch, revocation_refusal

ISSUER, AUDIENCE = "dangjian-gateway", "dangjian"


def person(subject: str = "a", *, version: int = 0, session_id: str | None = None, kind: str = "user") -> Caller:
    return Caller(subject=subject, kind=kind, roles=frozenset({"viewer"}), version=version, session_id=session_id)


class TestLifetime:
    def test_a_token_as_the_gateway_issues_it_passes(self) -> None:
        assert lifetime_refusal(issued_at=1000, expires_at=1900, now=1000, max_lifetime_s=900, skew_s=60) is None

    def test_a_token_living_longer_than_the_cap_is_refused(self) -> None:
        assert lifetime_refusal(issued_at=1000, expires_at=1000 + 961, now=1000, max_lifetime_s=900, skew_s=60)

    def test_a_token_issued_in_the_future_is_refused(self) -> None:
        assert lifetime_refusal(issued_at=1061, expires_at=1100, now=1000, max_lifetime_s=900, skew_s=60)
        assert lifetime_refusal(issued_at=1060, expires_at=1100, now=1000, max_lifetime_s=900, skew_s=60) is None


class TestVerifierCapsLifetime:
    @pytest.fixture
    def pair(self) -> tuple[TokenSigner, TokenVerifier]:
        private, public = generate_keypair()
        signer = TokenSigner(private, issuer=ISSUER, audience=AUDIENCE)
        return signer, TokenVerifier(public, issuer=ISSUER, audience=AUDIENCE, max_lifetime_s=900, skew_s=60)

    def test_a_far_exp_is_refused_though_the_signature_is_good(self, pair: tuple[TokenSigner, TokenVerifier]) -> None:
        signer, verifier = pair
        with pytest.raises(Unauthorized, match="longer"):
            verifier.verify(signer.access_token(subject="x", kind="user", roles=["viewer"], lifetime_s=30 * 86400))

    def test_a_future_iat_is_refused(self, pair: tuple[TokenSigner, TokenVerifier]) -> None:
        signer, verifier = pair
        token = signer.access_token(subject="x", kind="user", roles=["viewer"], iat=int(time.time()) + 3600)
        with pytest.raises(Unauthorized):
            verifier.verify(token)

    def test_version_and_session_are_read(self, pair: tuple[TokenSigner, TokenVerifier]) -> None:
        signer, verifier = pair
        caller = verifier.verify(signer.access_token(subject="x", kind="user", ver=3, sid="s-1"))
        assert (caller.version, caller.session_id) == (3, "s-1")
        with pytest.raises(Unauthorized, match="malformed"):
            verifier.verify(signer.access_token(subject="x", kind="user", ver="3"))


class TestRevocationRefusal:
    def test_a_subject_s_tokens_below_the_version_are_refused(self) -> None:
        assert revocation_refusal(person(version=1), versions={"a": 2}, sessions={})
        assert revocation_refusal(person(version=2), versions={"a": 2}, sessions={}) is None
        assert revocation_refusal(person("b", version=0), versions={"a": 2}, sessions={}) is None

    def test_a_login_that_ended_is_refused(self) -> None:
        assert revocation_refusal(person(session_id="s"), versions={}, sessions={"s": 1.0})
        assert revocation_refusal(person(session_id="t"), versions={}, sessions={"s": 1.0}) is None


def revoked(cursor: int, **payload: Any) -> FeedEvent:
    body = {"revoked_at": datetime.now(UTC).isoformat(), **payload}
    return FeedEvent(
        cursor=str(cursor),
        id=uuid.uuid4(),
        type=TOKEN_REVOKED,
        aggregate_id=uuid.uuid4(),
        payload=body,
        occurred_at=datetime.now(UTC),
    )


class FakeFeed:
    def __init__(self) -> None:
        self.events: list[FeedEvent] = []
        self.down = False

    async def __call__(self, after: str, limit: int) -> FeedPage:
        if self.down:
            raise ConnectionError("gateway away")
        events = [event for event in self.events if int(event.cursor) > int(after)][:limit]
        return FeedPage(events=events, next_cursor=events[-1].cursor if events else after)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class TestRevocationWatch:
    async def test_it_refuses_what_the_feed_revoked_and_nothing_else(self) -> None:
        feed = FakeFeed()
        watch = RevocationWatch(feed, poll_interval_s=0.2, max_lag_s=4, retention_s=1020)
        await watch.catch_up()
        await watch.check(person(version=1, session_id="s"))
        feed.events += [revoked(1, subject="a", version=2), revoked(2, session="s")]
        await watch.catch_up()
        with pytest.raises(Unauthorized):
            await watch.check(person(version=1))
        with pytest.raises(Unauthorized):
            await watch.check(person("b", session_id="s"))
        await watch.check(person(version=2, session_id="new"))

    async def test_it_fails_closed_when_the_feed_was_not_read_lately_but_not_for_services(self) -> None:
        feed, clock = FakeFeed(), Clock()
        watch = RevocationWatch(feed, poll_interval_s=0.2, max_lag_s=4, retention_s=1020, clock=clock)
        with pytest.raises(RevocationsUnknown):  # never read
            await watch.check(person())
        await watch.catch_up()
        clock.now += 3.9
        await watch.check(person())
        clock.now += 0.2
        with pytest.raises(RevocationsUnknown) as refused:
            await watch.check(person())
        assert refused.value.status == 503
        await watch.check(person("service:svc-orgs", kind="service"))

    async def test_an_ended_login_is_forgotten_after_the_retention(self) -> None:
        feed = FakeFeed()
        watch = RevocationWatch(feed, poll_interval_s=0.2, max_lag_s=4, retention_s=60)
        long_ago = (datetime.now(UTC) - timedelta(seconds=61)).isoformat()
        feed.events += [revoked(1, session="old", revoked_at=long_ago), revoked(2, session="new")]
        await watch.catch_up()
        assert set(watch.sessions) == {"new"}

    async def test_on_demand_it_reads_before_deciding(self) -> None:
        feed, clock = FakeFeed(), Clock()
        watch = RevocationWatch(feed, poll_interval_s=0.2, max_lag_s=4, retention_s=1020, read_on_demand=True, clock=clock)
        await watch.check(person(version=1))
        feed.events.append(revoked(1, subject="a", version=2))
        clock.now += 0.3
        with pytest.raises(Unauthorized):
            await watch.check(person(version=1))

    async def test_start_waits_for_the_feed_then_gives_up_and_fails_closed(self) -> None:
        feed = FakeFeed()
        feed.down = True
        watch = RevocationWatch(feed, poll_interval_s=0.05, max_lag_s=4, retention_s=1020, startup_wait_s=0.2)
        await watch.start()
        try:
            with pytest.raises(RevocationsUnknown):
                await watch.check(person())
            feed.down = False
            deadline = time.monotonic() + 3
            while watch.lag_s is None and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            await watch.check(person())
        finally:
            await watch.stop()
