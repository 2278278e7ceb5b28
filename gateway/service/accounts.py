"""Accounts: passwords (argon2id), the first administrator, the password grant with lockout and
TOTP, and the account administration behind `/api/v1/users`."""

import asyncio
import logging
import secrets
import sys
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.enums import AccountStatus, AuditAction, RoleCode
from gateway.errors import (
    CODE_MISMATCH,
    FORBIDDEN,
    LINK_REFUSED,
    MEMBER_LINKED,
    NOT_FOUND,
    ROLE_CONFLICT,
    TOTP_ENROLLED,
    USERNAME_TAKEN,
    WEAK_PASSWORD,
)
from gateway.models import Account, RefreshToken
from gateway.rules import GatewayPolicy
from gateway.rules.accounts import (
    ADMIN_ROLES,
    accepted_totp_step,
    is_locked,
    locks_now,
    may_create_with_roles,
    password_errors,
    role_errors,
)
from gateway.schemas.accounts import MemberLink, RoleAssignment, UserCreate, UserUpdate
from gateway.service.tokens import revoke_account_tokens
from gateway.settings import GatewaySettings
from services.kit.auth import USER_KIND, Caller
from services.kit.pagination import keyset_page, page_of
from services.kit.peers import PeerClient, PeerUnavailable
from services.kit.problems import field_error
from services.kit.versioning import Preconditions

logger = logging.getLogger("gateway.accounts")

# argon2id with RFC 9106's low-memory profile (t=3, m=64 MiB, p=4): above OWASP's minimum
# (m=19 MiB, t=2, p=1).
_hasher = PasswordHasher()
# Verified against when the username is unknown, so that the answer takes as long either way.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))

FIRST_ADMIN_ROLES = [RoleCode.sysadmin]
TOTP_ISSUER = "dangjian"


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_hasher.hash, password)


async def _password_matches(password_hash: str, password: str) -> bool:
    try:
        return await asyncio.to_thread(_hasher.verify, password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


async def ensure_first_admin(session: AsyncSession, settings: GatewaySettings) -> None:
    """Create the first administrator once (role sysadmin: accounts, no business data), and the
    configured business account (org_admin of the whole deployment) when no account has its name.
    A generated password is printed once, never logged."""
    await _ensure_org_admin(session, settings)
    if await session.scalar(select(Account.id).where(Account.username != (settings.admin_org_admin_username or "")).limit(1)):
        return
    password = settings.admin_password or secrets.token_urlsafe(12)
    session.add(Account(username=settings.admin_username, password_hash=await hash_password(password), roles=FIRST_ADMIN_ROLES))
    try:
        await session.commit()
    except IntegrityError:  # another gateway replica created it first
        await session.rollback()
        return
    if not settings.admin_password:
        print(
            f"First administrator created: username {settings.admin_username!r}, password {password!r} "
            "(generated, shown only this once; set ADMIN_PASSWORD to choose it)",
            file=sys.stderr,
            flush=True,
        )


async def _ensure_org_admin(session: AsyncSession, settings: GatewaySettings) -> None:
    username, password = settings.admin_org_admin_username, settings.admin_org_admin_password
    if not username or not password or await session.scalar(select(Account.id).where(Account.username == username)):
        await session.rollback()
        return
    session.add(Account(username=username, password_hash=await hash_password(password), roles=[RoleCode.org_admin]))
    try:
        await session.commit()
    except IntegrityError:  # another gateway replica created it first
        await session.rollback()


# --- the password grant --------------------------------------------------------------------


@dataclass(frozen=True)
class LoginOutcome:
    """What a password login came to. `account` is set only on success; `event` names the audit
    action (login, login_failure, login_locked, lockout)."""

    event: AuditAction
    account: Account | None = None
    amr: tuple[str, ...] = ()


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime | None) -> datetime | None:
    # SQLite gives stored times back without their zone; they were written in UTC.
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


async def password_matches(session: AsyncSession, username: str, password: str) -> bool:
    """The slow half of a login, outside any write transaction: one argon2 check, against a
    dummy hash when the username is unknown so that the answer takes as long either way."""
    stored = await session.scalar(select(Account.password_hash).where(Account.username == username))
    return await _password_matches(stored or _DUMMY_HASH, password) and stored is not None


async def password_login(
    session: AsyncSession, policy: GatewayPolicy, username: str, matches: bool, totp: str | None
) -> LoginOutcome:
    """Record a login whose password was checked (`password_matches`): TOTP once enrolled; count
    failures in the account's row (shared by every replica) and lock it after `lockout_threshold`."""
    account = await session.scalar(select(Account).where(Account.username == username).with_for_update())
    if account is None:
        return LoginOutcome(AuditAction.login_failure)
    now = _now()
    if is_locked(_aware(account.locked_until), now):
        return LoginOutcome(AuditAction.login_locked)
    second_factor = True
    if account.totp_enabled and account.totp_secret:
        step = accepted_totp_step(account.totp_secret, totp or "", now, account.totp_last_step) if matches else None
        second_factor = step is not None
        if step is not None:
            account.totp_last_step = step
    if not matches or not second_factor or account.status != AccountStatus.active:
        account.failed_logins += 1
        if locks_now(account.failed_logins, policy):
            account.locked_until = now + timedelta(minutes=policy.lockout_minutes)
            account.failed_logins = 0
            await session.flush()
            return LoginOutcome(AuditAction.lockout)
        await session.flush()
        return LoginOutcome(AuditAction.login_failure)
    account.failed_logins = 0
    account.locked_until = None
    await session.flush()
    return LoginOutcome(AuditAction.login, account, ("pwd", "otp") if account.totp_enabled else ("pwd",))


# --- TOTP enrollment -----------------------------------------------------------------------


async def _own_account(session: AsyncSession, caller: Caller) -> Account:
    account = await _account_of(session, caller)
    if account is None:
        raise FORBIDDEN("Only a person's account can enroll a second factor")
    return account


async def _account_of(session: AsyncSession, caller: Caller) -> Account | None:
    if caller.kind != USER_KIND:
        return None
    try:
        account_id = uuid.UUID(caller.subject)
    except ValueError:
        return None
    return await session.scalar(select(Account).where(Account.id == account_id, Account.status == AccountStatus.active))


async def start_totp(session: AsyncSession, caller: Caller) -> tuple[str, str]:
    """A new TOTP secret for the caller (shown once); it counts after a code confirms it."""
    account = await _own_account(session, caller)
    if account.totp_enabled:
        raise TOTP_ENROLLED("A second factor is already enrolled for this account")
    account.totp_secret = pyotp.random_base32()
    await session.flush()
    uri = pyotp.TOTP(account.totp_secret).provisioning_uri(name=account.username, issuer_name=TOTP_ISSUER)
    return account.totp_secret, uri


async def confirm_totp(session: AsyncSession, caller: Caller, code: str) -> None:
    account = await _own_account(session, caller)
    if account.totp_enabled:
        raise TOTP_ENROLLED("A second factor is already enrolled for this account")
    step = accepted_totp_step(account.totp_secret, code, _now(), None) if account.totp_secret else None
    if step is None:
        raise CODE_MISMATCH.on("code", "not the current code", detail="The code does not match")
    account.totp_enabled = True
    account.totp_last_step = step
    await session.flush()


async def require_admin_account(session: AsyncSession, caller: Caller, policy: GatewayPolicy) -> Account:
    """The caller's own active account; with `admin_totp_required`, enrolled in TOTP."""
    account = await _account_of(session, caller)
    if account is None:
        raise FORBIDDEN("This needs an active administrator's account")
    if policy.admin_totp_required and set(account.roles) & ADMIN_ROLES and not account.totp_enabled:
        raise FORBIDDEN("Enroll a second factor (POST /api/v1/auth/totp) first")
    return account


# --- account administration ----------------------------------------------------------------


async def list_accounts(session: AsyncSession, *, cursor: str | None, limit: int) -> tuple[list[Account], str | None]:
    rows = (await session.scalars(keyset_page(select(Account), [Account.username], cursor, limit))).all()
    return page_of(rows, limit, lambda account: [account.username])


async def get_account(session: AsyncSession, account_id: uuid.UUID, *, for_update: bool = False) -> Account:
    account = await session.get(Account, account_id, with_for_update=for_update)
    if account is None:
        raise NOT_FOUND(f"User {account_id} was not found")
    return account


def _check_password(password: str, policy: GatewayPolicy, username: str) -> None:
    errors = password_errors(password, policy, username=username)
    if errors:
        raise WEAK_PASSWORD(
            "The password does not meet the password policy", errors=[field_error("password", message) for message in errors]
        )


def _check_roles(roles: Sequence[str], member_id: uuid.UUID | None) -> None:
    errors = role_errors(roles, member_id=member_id)
    if errors:
        raise ROLE_CONFLICT("These roles may not be held together", errors=[field_error("roles", m) for m in errors])


async def create_account(session: AsyncSession, policy: GatewayPolicy, body: UserCreate) -> Account:
    if not may_create_with_roles(body.roles):
        raise ROLE_CONFLICT.on(
            "roles",
            "only sysadmin, secadmin or auditor at creation",
            detail="A new account may get only an administration role; business roles are assigned by a secadmin",
        )
    _check_roles(body.roles, None)
    _check_password(body.password, policy, body.username)
    if await session.scalar(select(Account.id).where(Account.username == body.username)):
        raise USERNAME_TAKEN(f"The username {body.username} is taken")
    account = Account(
        username=body.username, password_hash=await hash_password(body.password), roles=[str(role) for role in body.roles]
    )
    session.add(account)
    await session.flush()
    return account


def _not_self(caller: Caller, account: Account, what: str) -> None:
    if caller.subject == str(account.id):
        raise FORBIDDEN(f"Nobody may {what} their own account")


async def update_account(
    session: AsyncSession,
    policy: GatewayPolicy,
    caller: Caller,
    account_id: uuid.UUID,
    body: UserUpdate,
    *,
    preconditions: Preconditions,
) -> Account:
    account = await get_account(session, account_id, for_update=True)
    preconditions.check(account.version)
    if body.status is not None:
        _not_self(caller, account, "change the status of")
        account.status = body.status
        if body.status == AccountStatus.active:
            account.failed_logins = 0
            account.locked_until = None
        else:
            await revoke_all_refresh_tokens(session, account.id)
    if body.password is not None:
        _check_password(body.password, policy, account.username)
        account.password_hash = await hash_password(body.password)
        await revoke_all_refresh_tokens(session, account.id)
    if body.reset_totp:
        _not_self(caller, account, "reset the second factor of")
        account.totp_secret = None
        account.totp_enabled = False
        account.totp_last_step = None
    account.version += 1
    await session.flush()
    # Disabled, a new password, a reset second factor: the tokens issued before end everywhere.
    await revoke_account_tokens(session, account)
    return account


async def assign_roles(
    session: AsyncSession, caller: Caller, account_id: uuid.UUID, body: RoleAssignment, *, preconditions: Preconditions
) -> Account:
    account = await get_account(session, account_id, for_update=True)
    preconditions.check(account.version)
    _not_self(caller, account, "assign roles to")
    _check_roles(body.roles, body.member_id)
    account.roles = sorted({str(role) for role in body.roles})
    account.scope_org_id = body.scope_org_id
    account.member_id = body.member_id
    account.version += 1
    await session.flush()
    # The tokens issued with the old roles end everywhere; a refresh issues one with the new roles.
    await revoke_account_tokens(session, account)
    return account


async def revoke_all_refresh_tokens(session: AsyncSession, account_id: uuid.UUID) -> None:
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.account_id == account_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=_now())
    )


# --- a member linking their own account ------------------------------------------------------


async def link_member(
    session: AsyncSession, caller: Caller, body: MemberLink, *, members: PeerClient, service_token: str
) -> Account:
    """Link the caller's own account to the member record whose ID number and one-time code the
    members service confirms (the code is used up there); the account gets the role `member`,
    and its earlier tokens end. An administration account is never linked; a record is linked to
    one account."""
    account = await _account_of(session, caller)
    if account is None:
        raise FORBIDDEN("Only a person's active account can be linked to a member record")
    if set(account.roles) & ADMIN_ROLES:
        raise FORBIDDEN("An administration account has no business data: it is not linked to a member record")
    if account.member_id is not None:
        raise MEMBER_LINKED("This account is already linked to a member record")
    response = await members.request(
        "POST",
        "/internal/link-codes/redeem",
        json={"id_number": body.id_number, "code": body.code},
        headers={"authorization": f"Bearer {service_token}"},
    )
    if response.status_code != 200:
        raise PeerUnavailable("members", f"status {response.status_code}")
    member = response.json().get("member_id")
    if not member:
        raise LINK_REFUSED("The ID number and the code do not match an open code")
    member_id = uuid.UUID(member)
    if await session.scalar(select(Account.id).where(Account.member_id == member_id)):
        raise MEMBER_LINKED("Another account is already linked to this member record")
    locked = await session.get(Account, account.id, with_for_update=True)
    assert locked is not None
    locked.member_id = member_id
    locked.roles = sorted({*locked.roles, RoleCode.member.value})
    locked.version += 1
    await session.flush()
    await revoke_account_tokens(session, locked)
    return locked
