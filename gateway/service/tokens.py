"""Access and refresh tokens: issuing after a login, rotation on refresh (reuse revokes the
family), logout, and the client credentials grant for our services and other systems.

An access token names its login (`sid`, the refresh family) and the version of its account or
client (`ver`); ending a login or changing an account or client publishes a `token.revoked`
event (kit/revocation.py) that every process follows, so the access tokens end with it.
`KnownSubjects` is the gateway's own further check: a token's subject must be one it holds."""

import hashlib
import hmac
import secrets
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.enums import AccountStatus, AuditAction
from gateway.models import Account, Client, RefreshToken, outbox
from gateway.rules import GatewayPolicy
from gateway.rules.tokens import granted_scopes, refresh_refusal
from gateway.schemas.tokens import TokenResponse
from gateway.settings import GatewaySettings
from services.kit.auth import CLIENT_KIND, SERVICE_KIND, SERVICE_ROLE, USER_KIND, Caller, Unauthorized
from services.kit.db import Database
from services.kit.keys import TokenSigner
from services.kit.outbox import EVENTS_READ_SCOPE
from services.kit.revocation import publish_session_revoked, publish_subject_revoked

SERVICE_SCOPES = [EVENTS_READ_SCOPE]


class InvalidGrant(Unauthorized):
    """The one answer to every refused login or refresh: the same body whatever the reason
    (`errors.INVALID_GRANT`, with the OAuth2 `error` and the `WWW-Authenticate` header)."""

    def __init__(self) -> None:
        super().__init__("The credentials are not valid")
        self.extensions["error"] = "invalid_grant"


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def secret_hash(secret: str) -> str:
    # sha256 suffices for the secrets we generate ourselves (256 random bits); a slow hash is
    # for secrets people choose. Compared in constant time.
    return hashlib.sha256(secret.encode()).hexdigest()


def client_subject(client: Client) -> str:
    return f"client:{client.client_id}"


async def revoke_account_tokens(session: AsyncSession, account: Account) -> None:
    """End the account's access tokens issued before its current version (after a change)."""
    await publish_subject_revoked(session, outbox, subject=str(account.id), version=account.version)


async def revoke_client_tokens(session: AsyncSession, client: Client) -> None:
    await publish_subject_revoked(session, outbox, subject=client_subject(client), version=client.version)


def _access_token(signer: TokenSigner, account: Account, amr: list[str], family_id: uuid.UUID) -> str:
    return signer.access_token(
        subject=str(account.id),
        kind=USER_KIND,
        roles=account.roles,
        scope_org_id=account.scope_org_id,
        username=account.username,
        member_id=str(account.member_id) if account.member_id else None,
        amr=amr,
        ver=account.version,
        sid=str(family_id),
    )


async def start_session(
    session: AsyncSession, signer: TokenSigner, policy: GatewayPolicy, account: Account, amr: list[str]
) -> TokenResponse:
    """The tokens of a new login: an access token and the first refresh token of a new family."""
    now = _now()
    refresh = secrets.token_urlsafe(32)
    family_id = uuid.uuid4()
    session.add(
        RefreshToken(
            token_hash=secret_hash(refresh),
            family_id=family_id,
            account_id=account.id,
            issued_at=now,
            family_started_at=now,
            amr=amr,
        )
    )
    await session.flush()
    return TokenResponse(
        access_token=_access_token(signer, account, amr, family_id),
        expires_in=signer.lifetime_s,
        refresh_token=refresh,
        refresh_expires_in=policy.refresh_idle_timeout_s,
    )


@dataclass(frozen=True)
class RefreshOutcome:
    event: AuditAction  # refresh, refresh_refused, refresh_reuse
    account: Account | None = None
    tokens: TokenResponse | None = None


async def _revoke_family(session: AsyncSession, family_id: uuid.UUID) -> None:
    """End a login: its refresh tokens here, its access tokens wherever they are presented."""
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=_now())
    )
    await publish_session_revoked(session, outbox, session_id=family_id)


async def refresh(session: AsyncSession, signer: TokenSigner, policy: GatewayPolicy, token: str) -> RefreshOutcome:
    """Rotate: the presented token is used up and a new one of the same family issued. A token
    presented a second time means it was stolen (or raced): the whole family is revoked."""
    current = await session.scalar(select(RefreshToken).where(RefreshToken.token_hash == secret_hash(token)).with_for_update())
    if current is None or current.revoked_at is not None:
        return RefreshOutcome(AuditAction.refresh_refused)
    account = await session.get(Account, current.account_id)
    if current.used_at is not None:
        await _revoke_family(session, current.family_id)
        return RefreshOutcome(AuditAction.refresh_reuse, account)
    now = _now()
    refused = refresh_refusal(
        issued_at=_aware(current.issued_at), family_started_at=_aware(current.family_started_at), now=now, policy=policy
    )
    if refused or account is None or account.status != AccountStatus.active:
        await _revoke_family(session, current.family_id)
        return RefreshOutcome(AuditAction.refresh_refused, account)
    current.used_at = now
    new_token = secrets.token_urlsafe(32)
    session.add(
        RefreshToken(
            token_hash=secret_hash(new_token),
            family_id=current.family_id,
            account_id=account.id,
            issued_at=now,
            family_started_at=current.family_started_at,
            amr=current.amr,
        )
    )
    await session.flush()
    tokens = TokenResponse(
        access_token=_access_token(signer, account, list(current.amr), current.family_id),
        expires_in=signer.lifetime_s,
        refresh_token=new_token,
        refresh_expires_in=policy.refresh_idle_timeout_s,
    )
    return RefreshOutcome(AuditAction.refresh, account, tokens)


async def logout(session: AsyncSession, token: str) -> Account | None:
    """Revoke the login the refresh token belongs to; an unknown token changes nothing."""
    current = await session.scalar(select(RefreshToken).where(RefreshToken.token_hash == secret_hash(token)))
    if current is None:
        return None
    await _revoke_family(session, current.family_id)
    await session.flush()
    return await session.get(Account, current.account_id)


# --- client credentials --------------------------------------------------------------------


@dataclass(frozen=True)
class ClientOutcome:
    event: AuditAction  # client_login, client_login_failure
    tokens: TokenResponse | None = None
    invalid_scope: bool = False  # the client is who it says, but asked for a scope it does not hold


_DUMMY = secret_hash(secrets.token_urlsafe(32))


async def client_credentials(
    session: AsyncSession,
    signer: TokenSigner,
    settings: GatewaySettings,
    client_id: str,
    client_secret: str,
    *,
    scope: str | None = None,
) -> ClientOutcome:
    """Our own services (GATEWAY_SERVICE_CLIENTS, kind service) first, then registered clients
    of other systems (kind client: no roles, their scopes and scope organization). `scope` (OAuth2,
    space-separated) narrows the token to some of the scopes held."""
    expected = settings.service_clients.get(client_id)
    if expected is not None:
        if not hmac.compare_digest(expected.encode(), client_secret.encode()):
            return ClientOutcome(AuditAction.client_login_failure)
        scopes = granted_scopes(SERVICE_SCOPES, scope)
        if scopes is None:
            return ClientOutcome(AuditAction.client_login_failure, invalid_scope=True)
        token = signer.access_token(subject=f"service:{client_id}", kind=SERVICE_KIND, roles=[SERVICE_ROLE], scopes=scopes)
        return ClientOutcome(
            AuditAction.client_login, TokenResponse(access_token=token, expires_in=signer.lifetime_s, scope=" ".join(scopes))
        )
    client = await session.scalar(select(Client).where(Client.client_id == client_id))
    presented = secret_hash(client_secret)
    now = _now()
    matches = hmac.compare_digest(client.secret_hash if client else _DUMMY, presented)
    if client is not None and not matches and client.previous_secret_hash and client.previous_valid_until:
        matches = _aware(client.previous_valid_until) > now and hmac.compare_digest(client.previous_secret_hash, presented)
    expired = client is not None and client.expires_at is not None and _aware(client.expires_at) <= now
    if client is None or not matches or client.status != AccountStatus.active or expired:
        return ClientOutcome(AuditAction.client_login_failure)
    scopes = granted_scopes(client.scopes, scope)
    if scopes is None:
        return ClientOutcome(AuditAction.client_login_failure, invalid_scope=True)
    token = signer.access_token(
        subject=client_subject(client),
        kind=CLIENT_KIND,
        roles=[],
        scopes=scopes,
        scope_org_id=client.scope_org_id,
        ver=client.version,
    )
    return ClientOutcome(
        AuditAction.client_login, TokenResponse(access_token=token, expires_in=signer.lifetime_s, scope=" ".join(scopes))
    )


# --- the subject of a token ----------------------------------------------------------------


async def subject_refusal(session: AsyncSession, caller: Caller) -> str | None:
    """Why the account or client a person's or client's token names is not current (None: it is)."""
    if caller.kind == USER_KIND:
        try:
            account_id = uuid.UUID(caller.subject)
        except ValueError:
            return "it names no account"
        status = await session.scalar(select(Account.status).where(Account.id == account_id))
        return None if status == AccountStatus.active else "its account is gone or disabled"
    client_id = caller.subject.removeprefix("client:")
    row = (await session.execute(select(Client.status, Client.expires_at).where(Client.client_id == client_id))).first()
    if row is None or row.status != AccountStatus.active:
        return "its client is gone or disabled"
    if row.expires_at is not None and _aware(row.expires_at) <= _now():
        return "its client has expired"
    return None


class KnownSubjects:
    """The gateway's check that a verified token names an account or client it holds (a leaked
    signing key cannot mint tokens for a deleted account) or one of our services. A subject
    found current is remembered for `remember_s`: ending tokens quickly is the revocation
    feed's job; this check is against tokens the gateway never issued."""

    def __init__(self, db: Database, service_subjects: set[str], *, remember_s: float = 30.0, size: int = 10_000) -> None:
        self._db = db
        self._service_subjects = frozenset(service_subjects)
        self._remember_s = remember_s
        self._size = size
        self._current: OrderedDict[tuple[str, str], float] = OrderedDict()

    async def check(self, caller: Caller) -> None:
        if caller.kind == SERVICE_KIND:
            if caller.subject not in self._service_subjects:
                raise Unauthorized("The bearer token is not valid (it names no service)")
            return
        key = (caller.kind, caller.subject)
        until = self._current.get(key)
        if until is not None and until > time.monotonic():
            return
        async with self._db.read_sessions() as session:
            refused = await subject_refusal(session, caller)
        if refused is not None:
            self._current.pop(key, None)
            raise Unauthorized(f"The bearer token is not valid ({refused})")
        self._current[key] = time.monotonic() + self._remember_s
        self._current.move_to_end(key)
        if len(self._current) > self._size:
            self._current.popitem(last=False)
