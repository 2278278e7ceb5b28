"""Token verification and the caller's organization scope.

Every service verifies the gateway's access tokens itself with the public key: one fixed
asymmetric algorithm (EdDSA), `iss`, `aud`, `exp` and `typ` required. A token with another
algorithm, `alg=none`, or an HMAC made with the public key as secret is refused, because the
algorithm is never read from the token.

`CallerDep` gives the verified caller; services pass `caller.scope_org_id` into their queries
(see `kit.tree.subtree_of`) so that an out-of-scope row is never fetched at all.
"""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any
from uuid import UUID

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from fastapi import Depends, Request

from services.kit.problems import Problem

ALGORITHM = "EdDSA"
ACCESS_TOKEN_TYPE = "access"  # noqa: S105 - the `typ` claim, not a secret


@dataclass(frozen=True)
class Caller:
    subject: str
    kind: str  # "user", "client" (another system) or "service" (one of ours)
    roles: frozenset[str] = field(default_factory=frozenset)
    scopes: frozenset[str] = field(default_factory=frozenset)
    scope_org_id: UUID | None = None
    name: str | None = None

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))


class Unauthorized(Problem):
    def __init__(self, detail: str = "A valid bearer token is required") -> None:
        super().__init__(401, detail, slug="unauthorized", headers={"WWW-Authenticate": 'Bearer realm="dangjian"'})


class Forbidden(Problem):
    def __init__(self, detail: str = "The caller may not do this") -> None:
        super().__init__(403, detail, slug="forbidden")


class TokenVerifier:
    def __init__(self, public_key_pem: str | bytes, *, issuer: str, audience: str) -> None:
        key = serialization.load_pem_public_key(public_key_pem.encode() if isinstance(public_key_pem, str) else public_key_pem)
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("the token public key must be an Ed25519 key")
        self._key = key
        self.issuer = issuer
        self.audience = audience

    @classmethod
    def from_file(cls, path: Path, *, issuer: str, audience: str) -> "TokenVerifier":
        return cls(path.read_bytes(), issuer=issuer, audience=audience)

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
        scope_org = claims.get("scope_org_id")
        try:
            scope_org_id = UUID(scope_org) if scope_org else None
        except (ValueError, TypeError):
            raise Unauthorized("The bearer token has a malformed scope") from None
        return Caller(
            subject=str(claims["sub"]),
            kind=str(claims.get("kind", "user")),
            roles=frozenset(claims.get("roles", [])),
            scopes=frozenset(str(claims.get("scope", "")).split()),
            scope_org_id=scope_org_id,
            name=claims.get("username"),
        )


def bearer_token(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized()
    return token.strip()


async def current_caller(request: Request) -> Caller:
    verifier: TokenVerifier | None = getattr(request.app.state, "verifier", None)
    if verifier is None:
        raise Problem(503, "The service has no public key to verify tokens with", slug="not-ready")
    return verifier.verify(bearer_token(request))


CallerDep = Annotated[Caller, Depends(current_caller)]


def require_roles(*roles: str) -> Any:
    """A dependency that admits callers holding any of `roles` (deny by default)."""

    async def dependency(caller: CallerDep) -> Caller:
        if not caller.has_role(*roles):
            raise Forbidden(f"This needs one of the roles: {', '.join(roles)}")
        return caller

    return Depends(dependency)


def require_scope(scope: str) -> Any:
    """A dependency for machine-facing routes: the token must carry the OAuth2 scope."""

    async def dependency(caller: CallerDep) -> Caller:
        if scope not in caller.scopes:
            raise Forbidden(f"This needs the scope {scope}")
        return caller

    return Depends(dependency)
