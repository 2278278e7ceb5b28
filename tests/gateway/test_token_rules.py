"""The pure rule of the token endpoint's `scope` (RFC 6749 §3.3)."""

from gateway.rules.tokens import granted_scopes

HELD = ["orgs:read", "members:read", "events:read"]


def test_no_scope_asked_grants_all_held() -> None:
    assert granted_scopes(HELD, None) == HELD
    assert granted_scopes(HELD, "  ") == HELD


def test_a_subset_is_granted_in_the_held_order() -> None:
    assert granted_scopes(HELD, "events:read orgs:read") == ["orgs:read", "events:read"]


def test_a_scope_not_held_refuses_the_whole_request() -> None:
    assert granted_scopes(HELD, "orgs:read members:pii") is None
