"""Rules of accounts: which roles go together, which passwords are accepted, when an account
locks, which TOTP code counts."""

import hmac
from collections.abc import Iterable
from datetime import datetime
from functools import cache
from pathlib import Path

import pyotp

from gateway.enums import RoleCode
from gateway.rules import GatewayPolicy

ADMIN_ROLES = frozenset({RoleCode.sysadmin, RoleCode.secadmin, RoleCode.auditor})
BUSINESS_ROLES = frozenset({RoleCode.org_admin, RoleCode.viewer, RoleCode.member})
ROLES = ADMIN_ROLES | BUSINESS_ROLES

COMMON_PASSWORDS_FILE = Path(__file__).parents[1] / "data" / "common-passwords.txt"


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
    if RoleCode.member in held and member_id is None:
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
