"""Accounts and token issuing. Functions take a session and never commit."""

import asyncio
import hmac
import logging
import secrets
import sys

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.models import Account
from gateway.schemas import TokenResponse
from gateway.settings import GatewaySettings
from services.kit.auth import Unauthorized
from services.kit.keys import TokenSigner

logger = logging.getLogger("gateway.accounts")

# argon2id with RFC 9106's low-memory profile (t=3, m=64 MiB, p=4): above OWASP's minimum.
_hasher = PasswordHasher()
# Verified against when the username is unknown, so that the answer takes as long either way.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))

FIRST_ADMIN_ROLES = ["sysadmin", "org_admin"]
SERVICE_SCOPES = ["events:read"]


class InvalidGrant(Unauthorized):
    def __init__(self) -> None:
        super().__init__("The credentials are not valid")
        self.extensions["error"] = "invalid_grant"


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_hasher.hash, password)


async def _password_matches(password_hash: str, password: str) -> bool:
    try:
        return await asyncio.to_thread(_hasher.verify, password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


async def ensure_first_admin(session: AsyncSession, settings: GatewaySettings) -> None:
    """Create the first administrator once; a generated password is printed once, never logged."""
    if await session.scalar(select(Account.id).limit(1)):
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


async def password_grant(session: AsyncSession, signer: TokenSigner, username: str, password: str) -> TokenResponse:
    account = await session.scalar(select(Account).where(Account.username == username))
    if not await _password_matches(account.password_hash if account else _DUMMY_HASH, password) or account is None:
        raise InvalidGrant()
    token = signer.access_token(
        subject=str(account.id), kind="user", roles=account.roles, scope_org_id=account.scope_org_id, username=account.username
    )
    return TokenResponse(access_token=token, expires_in=signer.lifetime_s)


def client_credentials_grant(signer: TokenSigner, settings: GatewaySettings, client_id: str, client_secret: str) -> TokenResponse:
    expected = settings.service_clients.get(client_id)
    # compare_digest on a value of the same type whether or not the client exists.
    if not hmac.compare_digest((expected or "\0").encode(), client_secret.encode()) or expected is None:
        raise InvalidGrant()
    token = signer.access_token(subject=f"service:{client_id}", kind="service", roles=["service"], scopes=SERVICE_SCOPES)
    return TokenResponse(access_token=token, expires_in=signer.lifetime_s)
