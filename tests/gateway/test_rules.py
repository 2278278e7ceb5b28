"""The gateway's pure rules: roles held together, the password policy, session timeouts, the
audit hash, and forged tokens at the gateway's own routes."""

import base64
import hashlib
import hmac
import json
import time
import uuid
from datetime import UTC, datetime, timedelta

import httpx

from gateway.rules import GatewayPolicy
from gateway.rules.accounts import accepted_totp_step, password_errors, role_errors
from gateway.rules.audit import GENESIS_HASH, audit_hash
from gateway.rules.tokens import refresh_refusal
from tests.support import AUDIENCE, ISSUER, SuiteDatabase, Tokens

POLICY = GatewayPolicy()


def test_roles_that_may_not_be_held_together() -> None:
    assert role_errors(["org_admin", "viewer"], member_id=None) == []
    assert role_errors(["sysadmin"], member_id=None) == []
    assert role_errors(["sysadmin", "secadmin"], member_id=None)
    assert role_errors(["secadmin", "auditor"], member_id=None)
    assert role_errors(["auditor", "viewer"], member_id=None)
    assert role_errors(["member"], member_id=None)
    assert role_errors(["member"], member_id=uuid.uuid4()) == []
    assert role_errors(["root"], member_id=None)


def test_the_password_policy() -> None:
    assert password_errors("Correct-horse-9", POLICY) == []
    assert password_errors("Sh0rt-pass", POLICY)  # 10 characters
    assert password_errors("lowercaseandlong", POLICY)  # one kind
    assert password_errors("lowercase-and-long", POLICY) == ["at least 3 of: lower case, upper case, digits, other characters"]
    assert password_errors("Lowercase-and-long", POLICY) == []
    assert password_errors("P@ssw0rd123", POLICY)  # common, with a tail
    assert password_errors("Zhangwei-2026x", POLICY, username="zhangwei")  # holds the username
    assert password_errors("Abcdefgh123!", POLICY.model_copy(update={"password_min_length": 20}))


def test_refresh_is_refused_when_idle_or_too_old() -> None:
    now = datetime.now(UTC)
    assert (
        refresh_refusal(
            issued_at=now - timedelta(minutes=29), family_started_at=now - timedelta(hours=11), now=now, policy=POLICY
        )
        is None
    )
    assert refresh_refusal(issued_at=now - timedelta(minutes=31), family_started_at=now, now=now, policy=POLICY) == "idle"
    assert refresh_refusal(issued_at=now, family_started_at=now - timedelta(hours=13), now=now, policy=POLICY) == "expired"


def test_the_audit_hash_covers_every_field_and_the_link() -> None:
    row = {
        "id": 7,
        "at": datetime(2026, 11, 27, 1, 2, 3, 456789, tzinfo=UTC),
        "actor_sub": "s",
        "actor_username": "u",
        "roles": ["viewer"],
        "action": "POST",
        "target": "/api/v1/orgs",
        "outcome": 201,
        "client_address": "10.0.0.1",
        "request_id": "r",
        "prev_hash": GENESIS_HASH,
    }
    base = audit_hash(row)
    for name, other in (
        ("outcome", 500),
        ("actor_username", "x"),
        ("prev_hash", "1" * 64),
        ("target", "/x"),
        ("roles", ["org_admin"]),
    ):
        assert audit_hash(row | {name: other}) != base, name
    # SQLite gives the time back without its zone: the same instant hashes the same.
    assert audit_hash(row | {"at": datetime(2026, 11, 27, 1, 2, 3, 456789)}) == base


def _b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


async def test_forged_and_expired_tokens_get_401_at_the_gateway(
    gateway_client: httpx.AsyncClient, test_db: SuiteDatabase, tokens: Tokens
) -> None:
    now = int(time.time())
    claims = {
        "sub": "x",
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": now,
        "exp": now + 600,
        "typ": "access",
        "kind": "user",
        "roles": ["sysadmin"],
    }
    unsigned = _b64({"alg": "none", "typ": "JWT"}) + "." + _b64(claims) + "."
    # The classic confusion attack: HS256 with the public key's PEM as the secret.
    public_pem = (test_db.data_dir / "keys" / "jwt-public.pem").read_bytes()
    signing_input = _b64({"alg": "HS256", "typ": "JWT"}) + "." + _b64(claims)
    mac = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    hmac_with_public_key = signing_input + "." + base64.urlsafe_b64encode(mac).decode().rstrip("=")
    expired = tokens.signer.access_token(subject="x", kind="user", roles=["sysadmin"], lifetime_s=-60)

    for token in (unsigned, hmac_with_public_key, expired):
        for path in ("/api/v1/me", "/api/v1/users", "/api/v1/audit"):
            response = await gateway_client.get(path, headers={"Authorization": f"Bearer {token}"})
            assert response.status_code == 401, (path, token[:20])


def test_a_totp_code_is_good_once_and_within_one_step_of_drift() -> None:
    import pyotp

    secret = pyotp.random_base32()
    totp = pyotp.TOTP(secret)
    now = datetime(2026, 11, 27, 1, 0, 15, tzinfo=UTC)
    step = totp.timecode(now)
    assert accepted_totp_step(secret, totp.at(now), now, None) == step
    assert accepted_totp_step(secret, totp.at(now), now, step) is None  # replayed
    assert accepted_totp_step(secret, totp.at(now - timedelta(seconds=30)), now, None) == step - 1
    assert accepted_totp_step(secret, totp.at(now + timedelta(seconds=30)), now, step) == step + 1
    assert accepted_totp_step(secret, totp.at(now + timedelta(seconds=90)), now, None) is None  # too far off
