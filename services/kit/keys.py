"""Signing keys and access-token minting (the gateway signs; services only verify)."""

import time
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from uuid import UUID

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from services.kit.auth import ACCESS_TOKEN_TYPE, ALGORITHM


def generate_keypair() -> tuple[bytes, bytes]:
    """A new Ed25519 key pair as (private PEM, public PEM)."""
    private = Ed25519PrivateKey.generate()
    private_pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public_pem = private.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return private_pem, public_pem


def ensure_keypair(private_path: Path, public_path: Path) -> None:
    """Create the development key pair once; an existing pair is kept (tokens stay valid)."""
    if private_path.exists() and public_path.exists():
        return
    private_pem, public_pem = generate_keypair()
    private_path.parent.mkdir(parents=True, exist_ok=True)
    private_path.write_bytes(private_pem)
    private_path.chmod(0o600)
    public_path.write_bytes(public_pem)


class TokenSigner:
    def __init__(self, private_key_pem: bytes, *, issuer: str, audience: str, lifetime_s: int = 900) -> None:
        key = serialization.load_pem_private_key(private_key_pem, password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("the token signing key must be an Ed25519 key")
        self._key = key
        self.issuer = issuer
        self.audience = audience
        self.lifetime_s = lifetime_s

    def access_token(
        self,
        *,
        subject: str,
        kind: str,
        roles: Iterable[str] = (),
        scopes: Iterable[str] = (),
        scope_org_id: UUID | None = None,
        lifetime_s: int | None = None,
        **claims: Any,
    ) -> str:
        now = int(time.time())
        payload: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": subject,
            "iat": now,
            "nbf": now,
            "exp": now + (lifetime_s or self.lifetime_s),
            "jti": uuid.uuid4().hex,
            "typ": ACCESS_TOKEN_TYPE,
            "kind": kind,
            "roles": sorted(roles),
            "scope": " ".join(sorted(scopes)),
            "scope_org_id": str(scope_org_id) if scope_org_id else None,
            **claims,
        }
        return jwt.encode(payload, self._key, algorithm=ALGORITHM)
