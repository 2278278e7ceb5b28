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
