"""The pure rules of events for other systems: refused addresses, backoff, retry window,
signatures, readers."""

from datetime import UTC, datetime

import pytest

from gateway.events import rules
from gateway.events.rules import DeliveryPolicy

# ---------------------------------------------------------------- pure rules


class TestRules:
    @pytest.mark.parametrize(
        ("address", "reason"),
        [
            ("127.0.0.1", "loopback"),
            ("::1", "loopback"),
            ("10.0.0.1", "private"),
            ("100.100.1.1", "cgnat"),
            ("169.254.169.254", "metadata"),
            ("fd00:ec2::254", "metadata"),
            ("169.254.1.1", "link-local"),
            ("ff02::1", "multicast"),
            ("0.0.0.0", "unspecified"),
            ("::ffff:10.0.0.1", "private"),
            ("93.184.215.14", None),
            ("2606:4700::1111", None),
        ],
    )
    def test_address_refusal(self, address: str, reason: str | None) -> None:
        assert rules.address_refusal(address) == reason

    def test_backoff_doubles_up_to_the_maximum(self) -> None:
        policy = DeliveryPolicy(backoff_base_s=5, backoff_max_s=60)
        assert [rules.backoff(n, policy).total_seconds() for n in range(1, 6)] == [5, 10, 20, 40, 60]

    def test_retries_run_out_after_the_window(self) -> None:
        policy = DeliveryPolicy()
        first = datetime(2026, 1, 1, tzinfo=UTC)
        assert not rules.retries_exhausted(first, datetime(2026, 1, 1, 23, 59, tzinfo=UTC), policy)
        assert rules.retries_exhausted(first, datetime(2026, 1, 2, tzinfo=UTC), policy)

    def test_the_signature_is_hmac_sha256_over_timestamp_dot_body(self) -> None:
        # Computed independently: printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac whsec_test
        expected = "sha256=" + __import__("hmac").new(b"whsec_test", b'1700000000.{"a":1}', "sha256").hexdigest()
        assert rules.signature("whsec_test", "1700000000", b'{"a":1}') == expected
        assert rules.signature("whsec_other", "1700000000", b'{"a":1}') != expected

    def test_readers_by_kind(self) -> None:
        from services.kit.auth import Caller

        assert rules.readable_scopes(Caller("c", "client", scopes=frozenset({"members:read", "x"}))) == {"members:read"}
        assert rules.readable_scopes(Caller("u", "user", roles=frozenset({"sysadmin"}))) == frozenset()
        assert rules.readable_scopes(Caller("u", "user", roles=frozenset({"viewer"}))) == rules.ALL_READ_SCOPES
