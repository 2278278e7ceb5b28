"""Forged and stale tokens against each service directly (not through the gateway): all 401.

The in-process client connects from 127.0.0.1, so these also show that being local earns
nothing: a service trusts a token, never an address.
"""

import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from tests.support import AUDIENCE, ISSUER, SuiteDatabase, Tokens

PATHS = {"orgs": "/api/v1/orgs", "members": "/api/v1/members", "activities": "/api/v1/activities"}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": "u1", "iat": now, "exp": now + 300, "typ": "access"}
    return claims | {"kind": "user", "roles": ["org_admin"], "scope": ""} | overrides


def _signed(test_db: SuiteDatabase, **overrides: Any) -> str:
    key = load_pem_private_key((test_db.data_dir / "keys" / "jwt-private.pem").read_bytes(), None)
    return jwt.encode(_claims(**overrides), key, algorithm="EdDSA")  # type: ignore[arg-type]


def _alg_none(_test_db: SuiteDatabase) -> str:
    header = _b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    return f"{header}.{_b64(json.dumps(_claims()).encode())}."


def _hmac_with_public_key(test_db: SuiteDatabase) -> str:
    public_pem = (test_db.data_dir / "keys" / "jwt-public.pem").read_bytes()
    signing_input = f"{_b64(json.dumps({'alg': 'HS256', 'typ': 'JWT'}).encode())}.{_b64(json.dumps(_claims()).encode())}"
    return f"{signing_input}.{_b64(hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest())}"


ATTACKS: dict[str, Callable[[SuiteDatabase], str]] = {
    "alg-none": _alg_none,
    "hs256-with-the-public-key": _hmac_with_public_key,
    "expired": lambda db: _signed(db, exp=int(time.time()) - 5),
    "wrong-issuer": lambda db: _signed(db, iss="someone-else"),
    "wrong-audience": lambda db: _signed(db, aud="someone-else"),
    "refresh-token-type": lambda db: _signed(db, typ="refresh"),
    "no-type": lambda db: _signed(db, typ=None),
    "tampered-roles": lambda db: _tampered(_signed(db, roles=["viewer"])),
    "malformed-member-id": lambda db: _signed(db, member_id="not-a-uuid"),
    "unknown-kind": lambda db: _signed(db, kind="superuser"),
}


def _tampered(token: str) -> str:
    header, _payload, signature = token.split(".")
    return f"{header}.{_b64(json.dumps(_claims(roles=['org_admin'])).encode())}.{signature}"


@pytest.fixture
def clients(
    orgs_client: httpx.AsyncClient, members_client: httpx.AsyncClient, activities_client: httpx.AsyncClient
) -> dict[str, httpx.AsyncClient]:
    return {"orgs": orgs_client, "members": members_client, "activities": activities_client}


@pytest.mark.parametrize("attack", sorted(ATTACKS))
async def test_a_forged_or_stale_token_is_401_at_every_service(
    clients: dict[str, httpx.AsyncClient], test_db: SuiteDatabase, attack: str
) -> None:
    token = ATTACKS[attack](test_db)
    for name, client in clients.items():
        response = await client.get(PATHS[name], headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, (name, response.text)
        assert response.headers["www-authenticate"].startswith("Bearer")


async def test_no_token_is_401_even_from_localhost(clients: dict[str, httpx.AsyncClient]) -> None:
    for name, client in clients.items():
        response = await client.get(PATHS[name])
        assert response.status_code == 401, name


async def test_the_genuine_token_is_let_in(clients: dict[str, httpx.AsyncClient], test_db: SuiteDatabase, tokens: Tokens) -> None:
    for name, client in clients.items():
        # Scoped to an organization of its own: the lists are empty whatever else the suite wrote.
        token = _signed(test_db, scope_org_id=str(uuid.uuid4()))
        response = await client.get(PATHS[name], headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200, name
