"""Token verification: one fixed asymmetric algorithm; iss, aud, exp and typ checked."""

import base64
import json
import time
import uuid

import httpx
import jwt
import pytest

from services.kit.auth import Caller, TokenVerifier, Unauthorized, admits
from services.kit.keys import TokenSigner, generate_keypair
from tests.support import AUDIENCE, ISSUER, Tokens


@pytest.fixture(scope="module")
def keypair() -> tuple[bytes, bytes]:
    return generate_keypair()


@pytest.fixture
def verifier(keypair: tuple[bytes, bytes]) -> TokenVerifier:
    return TokenVerifier(keypair[1], issuer=ISSUER, audience=AUDIENCE)


def _b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def _claims(**overrides: object) -> dict[str, object]:
    now = int(time.time())
    return {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "u1",
        "iat": now,
        "exp": now + 60,
        "typ": "access",
        "roles": ["viewer"],
    } | overrides


class TestVerify:
    def test_a_valid_token_gives_the_caller(self, keypair: tuple[bytes, bytes], verifier: TokenVerifier) -> None:
        scope = uuid.uuid4()
        signer = TokenSigner(keypair[0], issuer=ISSUER, audience=AUDIENCE)
        caller = verifier.verify(signer.access_token(subject="u1", kind="user", roles=["viewer"], scope_org_id=scope))
        assert caller.roles == frozenset({"viewer"})
        assert caller.scope_org_id == scope

    def test_alg_none_is_refused(self, verifier: TokenVerifier) -> None:
        token = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(_claims())}."
        with pytest.raises(Unauthorized):
            verifier.verify(token)

    def test_an_hmac_signed_with_the_public_key_is_refused(self, keypair: tuple[bytes, bytes], verifier: TokenVerifier) -> None:
        header = _b64({"alg": "HS256", "typ": "JWT"})
        payload = _b64(_claims())
        import hashlib
        import hmac

        signature = hmac.new(keypair[1], f"{header}.{payload}".encode(), hashlib.sha256).digest()
        token = f"{header}.{payload}.{base64.urlsafe_b64encode(signature).decode().rstrip('=')}"
        with pytest.raises(Unauthorized):
            verifier.verify(token)

    @pytest.mark.parametrize(
        "overrides",
        [
            {"exp": int(time.time()) - 10},
            {"aud": "someone-else"},
            {"iss": "someone-else"},
            {"typ": "refresh"},
        ],
        ids=["expired", "wrong-audience", "wrong-issuer", "not-an-access-token"],
    )
    def test_bad_claims_are_refused(
        self, keypair: tuple[bytes, bytes], verifier: TokenVerifier, overrides: dict[str, object]
    ) -> None:
        from cryptography.hazmat.primitives.serialization import load_pem_private_key

        token = jwt.encode(_claims(**overrides), load_pem_private_key(keypair[0], None), algorithm="EdDSA")  # type: ignore[arg-type]
        with pytest.raises(Unauthorized):
            verifier.verify(token)

    def test_another_key_is_refused(self, verifier: TokenVerifier) -> None:
        other = TokenSigner(generate_keypair()[0], issuer=ISSUER, audience=AUDIENCE)
        with pytest.raises(Unauthorized):
            verifier.verify(other.access_token(subject="u1", kind="user"))


class TestOverHttp:
    async def test_an_expired_token_is_401(self, orgs_client: httpx.AsyncClient, tokens: Tokens) -> None:
        token = tokens.signer.access_token(subject="u", kind="user", roles=["viewer"], lifetime_s=-30)
        response = await orgs_client.get("/api/v1/orgs", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401

    async def test_a_non_bearer_scheme_is_401(self, orgs_client: httpx.AsyncClient) -> None:
        response = await orgs_client.get("/api/v1/orgs", headers={"Authorization": "Basic YWRtaW46YWRtaW4="})
        assert response.status_code == 401


class TestAdmits:
    """kit.auth.admits: who may use a business route (the pure rule behind require_access)."""

    SCOPE = uuid.uuid4()

    @pytest.mark.parametrize(
        ("caller", "write", "own_record", "admitted"),
        [
            (Caller("a", "user", frozenset({"org_admin"}), scope_org_id=SCOPE), True, False, True),
            (Caller("a", "user", frozenset({"viewer"})), False, False, True),
            (Caller("a", "user", frozenset({"viewer"})), True, False, False),
            (Caller("a", "user", frozenset({"sysadmin"})), False, False, False),
            (Caller("a", "user", frozenset({"auditor", "org_admin"})), False, False, False),
            (Caller("a", "user", frozenset({"secadmin"})), False, True, False),
            (Caller("a", "user", frozenset({"member"}), member_id=uuid.uuid4()), False, False, False),
            (Caller("a", "user", frozenset({"member"}), member_id=uuid.uuid4()), False, True, True),
            (Caller("a", "user", frozenset({"member"})), False, True, False),
            (Caller("a", "service", frozenset({"service"})), False, False, True),
            (Caller("a", "service", frozenset({"service"})), True, False, False),
            (Caller("a", "user", frozenset({"service"})), False, False, False),
            (Caller("c", "client", scopes=frozenset({"members:read"}), scope_org_id=SCOPE), False, False, True),
            (Caller("c", "client", scopes=frozenset({"members:read"}), scope_org_id=SCOPE), True, False, False),
            (Caller("c", "client", scopes=frozenset({"members:write"}), scope_org_id=SCOPE), True, False, True),
            (Caller("c", "client", scopes=frozenset({"members:write"}), scope_org_id=SCOPE), False, False, True),
            (Caller("c", "client", scopes=frozenset({"orgs:write"}), scope_org_id=SCOPE), False, False, False),
            (Caller("c", "client", scopes=frozenset({"members:read"})), False, False, False),
            (Caller("c", "client", frozenset({"org_admin"}), scope_org_id=SCOPE), False, False, False),
        ],
    )
    def test_the_rule(self, caller: Caller, write: bool, own_record: bool, admitted: bool) -> None:
        roles = ("org_admin", "service") if write else ("org_admin", "viewer", "service")
        reason = admits(caller, resource="members", roles=roles[:1] if write else roles, write=write, own_record=own_record)
        assert (reason is None) == admitted, reason

    def test_the_member_id_claim_reaches_the_caller(self, keypair: tuple[bytes, bytes], verifier: TokenVerifier) -> None:
        member_id = uuid.uuid4()
        signer = TokenSigner(keypair[0], issuer=ISSUER, audience=AUDIENCE)
        caller = verifier.verify(signer.access_token(subject="u", kind="user", roles=["member"], member_id=str(member_id)))
        assert caller.member_id == member_id
        assert caller.own_record_only
