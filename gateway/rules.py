"""Pure rules of identity and audit (no I/O): roles, passwords, the audit hash chain, token buckets.

Every number is a field of `GatewayPolicy` (served at `GET /api/v1/policy` under "gateway",
overridable as `GATEWAY_POLICY__LOCKOUT_THRESHOLD=…`); the rules take the policy as an argument.
"""

import hashlib
import hmac
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import orjson
import pyotp
from pydantic import Field

from services.kit.policy import Policy

ADMIN_ROLES = frozenset({"sysadmin", "secadmin", "auditor"})
BUSINESS_ROLES = frozenset({"org_admin", "viewer", "member"})
ROLES = ADMIN_ROLES | BUSINESS_ROLES

COMMON_PASSWORDS_FILE = Path(__file__).parent / "data" / "common-passwords.txt"
GENESIS_HASH = "0" * 64


class GatewayPolicy(Policy):
    """The numbers of identity, sessions, limits and audit."""

    # Passwords (OWASP ASVS 2.1; 等保 2.0 三級 身份鑒別).
    password_min_length: int = Field(12, description="Shortest password accepted")
    password_min_kinds: int = Field(3, description="Kinds of character needed out of lower, upper, digit, other")
    # Lockout (OWASP ASVS 2.2.1): counted per account in the database.
    lockout_threshold: int = Field(5, description="Failed logins in a row that lock an account")
    lockout_minutes: int = Field(15, description="How long a locked account stays locked")
    # Sessions.
    refresh_idle_timeout_s: int = Field(1800, description="A refresh token unused this long is refused")
    refresh_absolute_lifetime_s: int = Field(12 * 3600, description="A login lasts at most this long, refreshes included")
    admin_totp_required: bool = Field(
        False, description="sysadmin, secadmin and auditor must enroll TOTP before using their administration routes"
    )
    # Machine clients.
    client_secret_grace_s: int = Field(24 * 3600, description="After a rotation the old client secret still works this long")
    # Limits.
    rate_per_s: float = Field(50.0, description="Requests per second per caller (token subject, else address)")
    rate_burst: int = Field(100, description="Requests a caller may make at once above the rate")
    login_user_rate_per_minute: float = Field(10.0, description="Login attempts per minute per username")
    login_user_burst: int = Field(10, description="Login attempts at once per username")
    # An address may be a whole township office behind one NAT: more room than per username.
    login_ip_rate_per_minute: float = Field(60.0, description="Login attempts per minute per client address")
    login_ip_burst: int = Field(30, description="Login attempts at once per client address")
    # Audit (等保 2.0: logs kept at least six months).
    audit_retention_days: int = Field(184, description="Audit rows younger than this are never deleted")


# --- roles ---------------------------------------------------------------------------------


def role_errors(roles: Iterable[str], *, member_id: object | None) -> list[str]:
    """What is wrong with a set of roles (empty when it may be held by one account)."""
    held = set(roles)
    errors = [f"unknown role {role!r}" for role in sorted(held - ROLES)]
    admin = held & ADMIN_ROLES
    if len(admin) > 1:
        errors.append(f"separation of duties: one account may not hold {' and '.join(sorted(admin))}")
    if admin and held & BUSINESS_ROLES:
        errors.append("an administration role (sysadmin, secadmin, auditor) has no business data: no business role with it")
    if "member" in held and member_id is None:
        errors.append("the role member needs a member_id")
    return errors


def may_create_with_roles(roles: Iterable[str]) -> bool:
    """sysadmin creates accounts; at creation it may give only an administration role (so that the
    first sysadmin can appoint a secadmin), never a business role: those are the secadmin's."""
    return set(roles) <= ADMIN_ROLES


# --- passwords -----------------------------------------------------------------------------


@cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def character_kinds(password: str) -> int:
    kinds = (
        any(c.islower() for c in password),
        any(c.isupper() for c in password),
        any(c.isdigit() for c in password),
        any(not c.isalnum() for c in password),
    )
    return sum(kinds)


def password_errors(password: str, policy: GatewayPolicy, *, username: str | None = None) -> list[str]:
    """Why a new password is refused (empty when it is accepted)."""
    errors = []
    if len(password) < policy.password_min_length:
        errors.append(f"at least {policy.password_min_length} characters")
    if character_kinds(password) < policy.password_min_kinds:
        errors.append(f"at least {policy.password_min_kinds} of: lower case, upper case, digits, other characters")
    lowered = password.lower()
    # A common password with a digit or sign tacked on is as guessable as the password itself.
    if lowered in common_passwords() or lowered.rstrip("0123456789!@#$%^&*.?") in common_passwords():
        errors.append("not a commonly used password")
    if username and username.lower() in lowered:
        errors.append("not containing the username")
    return errors


# --- lockout -------------------------------------------------------------------------------


def is_locked(locked_until: datetime | None, now: datetime) -> bool:
    return locked_until is not None and locked_until > now


def locks_now(failed_logins: int, policy: GatewayPolicy) -> bool:
    return failed_logins >= policy.lockout_threshold


# --- the second factor --------------------------------------------------------------------


def accepted_totp_step(secret: str, code: str, now: datetime, last_step: int | None, *, drift_steps: int = 1) -> int | None:
    """The RFC 6238 time step (30 s) a code belongs to, allowing `drift_steps` of clock drift
    either way; None when it matches none, or only a step at or before `last_step`: a code is
    good once (a replayed code is refused)."""
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in range(current - drift_steps, current + drift_steps + 1):
        if (last_step is None or step > last_step) and hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


# --- sessions ------------------------------------------------------------------------------


def refresh_refusal(*, issued_at: datetime, family_started_at: datetime, now: datetime, policy: GatewayPolicy) -> str | None:
    """Why a refresh token that is otherwise current is refused (None: it may be used)."""
    if (now - issued_at).total_seconds() > policy.refresh_idle_timeout_s:
        return "idle"
    if (now - family_started_at).total_seconds() > policy.refresh_absolute_lifetime_s:
        return "expired"
    return None


# --- the audit hash chain ------------------------------------------------------------------


def canonical_audit_content(row: dict[str, Any]) -> bytes:
    """The bytes a row's hash covers: its fields in a fixed order and format, without `hash`."""
    fields = (
        "id",
        "at",
        "actor_sub",
        "actor_username",
        "roles",
        "action",
        "target",
        "outcome",
        "client_address",
        "request_id",
        "prev_hash",
    )
    content = {name: _canonical(row.get(name)) for name in fields}
    return orjson.dumps(content, option=orjson.OPT_SORT_KEYS)


def _canonical(value: Any) -> Any:
    if isinstance(value, datetime):
        # UTC to the microsecond: SQLite gives the stored time back without a zone, PostgreSQL with.
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.isoformat(timespec="microseconds")
    if isinstance(value, (list, tuple)):
        return sorted(str(v) for v in value)
    return value


def audit_hash(row: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_audit_content(row)).hexdigest()


# --- token buckets -------------------------------------------------------------------------


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
