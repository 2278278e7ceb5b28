"""Rules of tokens: when a refresh token that is otherwise current is refused."""

from datetime import datetime

from gateway.rules import GatewayPolicy


def refresh_refusal(*, issued_at: datetime, family_started_at: datetime, now: datetime, policy: GatewayPolicy) -> str | None:
    """Why a refresh token that is otherwise current is refused (None: it may be used)."""
    if (now - issued_at).total_seconds() > policy.refresh_idle_timeout_s:
        return "idle"
    if (now - family_started_at).total_seconds() > policy.refresh_absolute_lifetime_s:
        return "expired"
    return None


def granted_scopes(held: list[str], requested: str | None) -> list[str] | None:
    """The scopes a client's token gets for the `scope` it asked (RFC 6749 §3.3: space-separated;
    none asked, all it holds); None when it asked for one it does not hold (`invalid_scope`)."""
    wanted = set((requested or "").split())
    if not wanted:
        return list(held)
    if not wanted <= set(held):
        return None
    return [scope for scope in held if scope in wanted]
