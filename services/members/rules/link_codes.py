"""Rules of the one-time codes that link a member's account to their record: how a code looks,
and whether one may still be tried."""

import secrets
from datetime import datetime

CODE_DIGITS = 8


def new_code() -> str:
    """Eight random digits (10^8 values; with a few tries allowed before the code dies)."""
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def normalized(code: str) -> str:
    """As read aloud or typed: spaces and dashes between the digit groups do not count."""
    return "".join(ch for ch in code if ch not in " -")


def may_be_tried(
    *, expires_at: datetime, used_at: datetime | None, failed_attempts: int, max_attempts: int, now: datetime
) -> bool:
    return used_at is None and expires_at > now and failed_attempts < max_attempts
