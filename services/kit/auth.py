"""Token verification and the caller's organization scope.

Every service verifies the gateway's access tokens itself with the public key: one fixed
asymmetric algorithm (EdDSA), `iss`, `aud`, `exp` and `typ` required. A token with another
algorithm, `alg=none`, or an HMAC made with the public key as secret is refused, because the
algorithm is never read from the token.

`CallerDep` gives the verified caller; services pass `caller.scope_org_id` into their queries
(see `kit.tree.subtree_of`) so that an out-of-scope row is never fetched at all.

Who may use a business route is decided by `admits` (pure, unit-tested) through `require_access`:
the administrative roles (accounts, permissions, audit trail) see no business data; people and
our own services are admitted by role; machine clients of other systems by OAuth2 scopes
`<resource>:read` / `<resource>:write` and only with a scope organization; a `member` only on
the routes that serve their own record, which the query then restricts to `member_id`.
Every dependency that decides access is registered in `AUTHORIZATION_DEPENDENCIES`, so a test
can find any route that has none (deny by default).
"""

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any
from uuid import UUID

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from services.kit import messages
from services.kit.problems import Problem

ALGORITHM = "EdDSA"
ACCESS_TOKEN_TYPE = "access"  # noqa: S105 - the `typ` claim, not a secret

# Separation of duties: these manage accounts, permissions and the audit trail, never records.
ADMINISTRATIVE_ROLES = frozenset({"sysadmin", "secadmin", "auditor"})
SERVICE_ROLE = "service"
MEMBER_ROLE = "member"
# Roles that act on a subtree of records; a caller holding one is not limited to an own record.
SUBTREE_ROLES = frozenset({"org_admin", "viewer", SERVICE_ROLE})
USER_KIND = "user"
CLIENT_KIND = "client"
SERVICE_KIND = "service"

# The dependency callables that decide who may call a route (the deny-by-default test reads it).
AUTHORIZATION_DEPENDENCIES: set[Callable[..., Any]] = set()


@dataclass(frozen=True)
class Caller:
    subject: str
    kind: str  # "user", "client" (another system) or "service" (one of ours)
    roles: frozenset[str] = field(default_factory=frozenset)
    scopes: frozenset[str] = field(default_factory=frozenset)
    scope_org_id: UUID | None = None
    name: str | None = None
    member_id: UUID | None = None  # the member record of a `member` account
    # The subject's version when the token was issued (`ver`) and the login it belongs to (`sid`):
    # what a revocation names (kit/revocation.py).
    version: int = 0
    session_id: str | None = None

    def has_role(self, *roles: str) -> bool:
        # A machine client's token carries no roles, and `service` is only for the services' own
        # tokens: should either appear elsewhere, it counts for nothing.
        held = self.roles if self.kind == SERVICE_KIND else self.roles - {SERVICE_ROLE}
        return self.kind != CLIENT_KIND and bool(held.intersection(roles))

    @property
    def is_client(self) -> bool:
        return self.kind == CLIENT_KIND

    @property
    def own_record_only(self) -> bool:
        """A `member` account without a subtree role: it may see its own record and nothing else."""
        return not self.is_client and MEMBER_ROLE in self.roles and not self.roles & SUBTREE_ROLES


def lifetime_refusal(*, issued_at: float, expires_at: float, now: float, max_lifetime_s: int, skew_s: int) -> str | None:
    """Why a token is refused for its times alone (None: they are fine). A token that claims to
    live longer than the gateway ever issues, or to be issued in the future, was not made by
    the gateway as configured: only a leaked signing key makes such a token."""
    if issued_at > now + skew_s:
        return "it is issued in the future"
    if expires_at - issued_at > max_lifetime_s + skew_s:
        return "it lives longer than any token the gateway issues"
    return None


_MISSING_BEARER = "A valid bearer token is required"


class Unauthorized(Problem):
    def __init__(self, detail: str = _MISSING_BEARER) -> None:
        super().__init__(401, detail, slug="unauthorized", headers={"WWW-Authenticate": 'Bearer realm="dangjian"'})
        # In Chinese: no token, or one that is not valid (the English says which check failed).
        self.detail_zh = messages.LOGIN_REQUIRED if detail == _MISSING_BEARER else messages.LOGIN_NOT_VALID


class Forbidden(Problem):
    def __init__(self, detail: str = "The caller may not do this", *, zh: str = messages.NOT_ALLOWED) -> None:
        super().__init__(403, detail, slug="forbidden")
        self.detail_zh = zh


class TokenVerifier:
    """Verifies an access token's signature and claims. `max_lifetime_s` caps `exp - iat` (with
    `skew_s` of clock difference allowed): the gateway never issues a longer-lived token, so
    only a leaked signing key could make one."""

    def __init__(
        self, public_key_pem: str | bytes, *, issuer: str, audience: str, max_lifetime_s: int = 900, skew_s: int = 60
    ) -> None:
        key = serialization.load_pem_public_key(public_key_pem.encode() if isinstance(public_key_pem, str) else public_key_pem)
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("the token public key must be an Ed25519 key")
        self._key = key
        self.issuer = issuer
        self.audience = audience
        self.max_lifetime_s = max_lifetime_s
        self.skew_s = skew_s

    @classmethod
    def from_file(cls, path: Path, *, issuer: str, audience: str, max_lifetime_s: int = 900, skew_s: int = 60) -> "TokenVerifier":
        return cls(path.read_bytes(), issuer=issuer, audience=audience, max_lifetime_s=max_lifetime_s, skew_s=skew_s)

    def verify(self, token: str) -> Caller:
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                self._key,
                algorithms=[ALGORITHM],
                issuer=self.issuer,
                audience=self.audience,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.PyJWTError as error:
            raise Unauthorized(f"The bearer token is not valid ({type(error).__name__})") from None
        if claims.get("typ") != ACCESS_TOKEN_TYPE:
            raise Unauthorized("The bearer token is not an access token")
        issued_at, expires_at, version = claims["iat"], claims["exp"], claims.get("ver", 0)
        if not all(isinstance(value, int | float) and not isinstance(value, bool) for value in (issued_at, expires_at)):
            raise Unauthorized("The bearer token has malformed times")
        refused = lifetime_refusal(
            issued_at=issued_at, expires_at=expires_at, now=time.time(), max_lifetime_s=self.max_lifetime_s, skew_s=self.skew_s
        )
        if refused is not None:
            raise Unauthorized(f"The bearer token is not valid ({refused})")
        session_id = claims.get("sid")
        if not isinstance(version, int) or isinstance(version, bool) or not isinstance(session_id, str | None):
            raise Unauthorized("The bearer token has a malformed version or session")
        scope_org = claims.get("scope_org_id")
        member = claims.get("member_id")
        try:
            scope_org_id = UUID(scope_org) if scope_org else None
            member_id = UUID(member) if member else None
        except (ValueError, TypeError, AttributeError):
            raise Unauthorized("The bearer token has a malformed scope") from None
        kind = str(claims.get("kind", USER_KIND))
        if kind not in (USER_KIND, CLIENT_KIND, SERVICE_KIND):
            raise Unauthorized("The bearer token names no known kind of caller")
        roles = claims.get("roles") or []
        if not isinstance(roles, list) or not all(isinstance(role, str) for role in roles):
            raise Unauthorized("The bearer token has malformed roles")
        return Caller(
            subject=str(claims["sub"]),
            kind=kind,
            roles=frozenset(roles),
            scopes=frozenset(str(claims.get("scope") or "").split()),
            scope_org_id=scope_org_id,
            name=claims.get("username"),
            member_id=member_id,
            version=version,
            session_id=session_id,
        )


def bearer_token(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized()
    return token.strip()


# A further check of a verified caller, raising a Problem to refuse it: the revocation list
# (kit/revocation.py), at the gateway also that the subject exists. `app.state.caller_checks`.
CallerCheck = Callable[[Caller], Awaitable[None]]


async def current_caller(request: Request) -> Caller:
    verifier: TokenVerifier | None = getattr(request.app.state, "verifier", None)
    if verifier is None:
        raise Problem(503, "The service has no public key to verify tokens with", slug="not-ready")
    caller = verifier.verify(bearer_token(request))
    checks: list[CallerCheck] = getattr(request.app.state, "caller_checks", [])
    for check in checks:
        await check(caller)
    return caller


# Documents, never checks: every operation that needs a caller gets `security: [{"bearer": []}]` and
# the scheme in the OpenAPI components (the gateway adds its OAuth2 flows beside it). The check is
# `current_caller`'s.
BEARER_SCHEME = HTTPBearer(auto_error=False, scheme_name="bearer", description="An access token from /api/v1/auth/token")


async def _documented_caller(
    caller: Annotated[Caller, Depends(current_caller)],
    _scheme: Annotated[HTTPAuthorizationCredentials | None, Security(BEARER_SCHEME)],
) -> Caller:
    return caller


CallerDep = Annotated[Caller, Depends(_documented_caller)]


def admits(caller: Caller, *, resource: str, roles: tuple[str, ...], write: bool, own_record: bool = False) -> str | None:
    """Why `caller` may not use a route of `resource` open to `roles`, or None if it may.

    A client is judged by its scopes alone (`<resource>:write` also reads) and must be confined
    to a scope organization; a person holding an administrative role is refused business data
    whatever else the token says; `own_record` routes also admit a `member` with a member id.
    """
    if caller.is_client:
        return _client_refusal(caller, resource=resource, write=write)
    if caller.roles & ADMINISTRATIVE_ROLES:
        return "Administrative roles have no access to business data"
    if caller.has_role(*roles) or (own_record and caller.own_record_only and caller.member_id is not None):
        return None
    return f"This needs one of the roles: {', '.join(roles)}"


def _client_refusal(caller: Caller, *, resource: str, write: bool) -> str | None:
    wanted = (f"{resource}:write",) if write else (f"{resource}:read", f"{resource}:write")
    if not caller.scopes.intersection(wanted):
        return f"This needs the scope {wanted[0]}"
    if caller.scope_org_id is None:
        return "A client needs a scope organization"
    return None


def require_access(resource: str, *roles: str, write: bool = False, own_record: bool = False) -> Any:
    """A dependency for a business route of `resource` (deny by default; see `admits`)."""

    async def dependency(caller: CallerDep) -> Caller:
        reason = admits(caller, resource=resource, roles=roles, write=write, own_record=own_record)
        if reason is not None:
            raise Forbidden(reason)
        return caller

    AUTHORIZATION_DEPENDENCIES.add(dependency)
    return Depends(dependency)


def admits_self(caller: Caller) -> str | None:
    """Why `caller` may not use a route of its own view (`/api/v1/me/...`), or None if it may: a
    person's account holding the role `member` and linked to a member record (`member_id`).
    Such a route answers for exactly `caller.member_id`, whatever the caller's scope."""
    if caller.kind != USER_KIND:
        return "Only a person's account has an own view"
    if caller.roles & ADMINISTRATIVE_ROLES:
        return "Administrative roles have no access to business data"
    if MEMBER_ROLE not in caller.roles or caller.member_id is None:
        return "This account is not linked to a member record"
    return None


def require_self() -> Any:
    """A dependency for a route of the caller's own view (deny by default; see `admits_self`)."""

    async def dependency(caller: CallerDep) -> Caller:
        reason = admits_self(caller)
        if reason is not None:
            raise Forbidden(reason)
        return caller

    AUTHORIZATION_DEPENDENCIES.add(dependency)
    return Depends(dependency)


def require_roles(*roles: str) -> Any:
    """A dependency that admits callers holding any of `roles` (deny by default)."""

    async def dependency(caller: CallerDep) -> Caller:
        if not caller.has_role(*roles):
            raise Forbidden(f"This needs one of the roles: {', '.join(roles)}", zh=messages.needs_roles(", ".join(roles)))
        return caller

    AUTHORIZATION_DEPENDENCIES.add(dependency)
    return Depends(dependency)


def require_scope(scope: str) -> Any:
    """A dependency for machine-facing routes: the token must carry the OAuth2 scope."""

    async def dependency(caller: CallerDep) -> Caller:
        if scope not in caller.scopes:
            raise Forbidden(f"This needs the scope {scope}")
        return caller

    AUTHORIZATION_DEPENDENCIES.add(dependency)
    return Depends(dependency)
