"""`/api/v1/auth/*` (tokens, refresh, logout, TOTP enrollment) and `/api/v1/me`.

The password is checked (argon2, the slow part) in a read session before the write transaction
begins, so that on SQLite a login does not hold the database's write lock while it hashes.

A refused login is answered with the same 401 body whatever the reason (unknown user, wrong
password or TOTP, locked or disabled account); the route returns it rather than raising it, so
that the failure count and the audit row are committed with the request.
"""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import JSONResponse

from gateway.guard import Buckets
from gateway.routes.deps import OriginDep, Person, PolicyDep
from gateway.rules import GatewayPolicy, retry_after_header
from gateway.schemas import Me, TokenResponse, TotpConfirm, TotpEnrollment
from gateway.service import accounts, audit, tokens
from gateway.settings import OWN_ROUTE_MAX_BODY_BYTES, GatewaySettings
from services.kit.auth import CallerDep
from services.kit.db import ReadSessionDep, WriteSessionDep
from services.kit.keys import TokenSigner
from services.kit.problems import PROBLEM_MEDIA_TYPE, Problem

router = APIRouter(prefix="/api/v1", tags=["identity"], max_body_size=OWN_ROUTE_MAX_BODY_BYTES)

TOKEN_PATH = "/api/v1/auth/token"  # noqa: S105 - a path, not a secret


class LoginLimits:
    """Login attempts per client address and per username (in this process)."""

    def __init__(self, policy: GatewayPolicy) -> None:
        self.by_address = Buckets(policy.login_ip_rate_per_minute / 60, policy.login_ip_burst)
        self.by_username = Buckets(policy.login_user_rate_per_minute / 60, policy.login_user_burst)

    def check(self, address: str | None, username: str | None) -> None:
        wait = self.by_address.wait_for(f"ip:{address}")
        if username:
            wait = max(wait, self.by_username.wait_for(f"user:{username.lower()}"))
        if wait > 0:
            raise Problem(429, "Too many login attempts; retry later", headers={"Retry-After": retry_after_header(wait)})


def _refused(request: Request) -> JSONResponse:
    problem = tokens.InvalidGrant()
    return JSONResponse(problem.body(request.url.path), status_code=401, media_type=PROBLEM_MEDIA_TYPE, headers=problem.headers)


@router.post("/auth/token", response_model=TokenResponse)
async def issue_token(
    request: Request,
    session: WriteSessionDep,
    read_session: ReadSessionDep,
    policy: PolicyDep,
    origin: OriginDep,
    grant_type: Annotated[Literal["password", "client_credentials"], Form()] = "password",
    username: Annotated[str | None, Form(max_length=64)] = None,
    password: Annotated[str | None, Form(max_length=256)] = None,
    totp: Annotated[str | None, Form(max_length=10)] = None,
    client_id: Annotated[str | None, Form(max_length=64)] = None,
    client_secret: Annotated[str | None, Form(max_length=256)] = None,
) -> Any:
    """OAuth2 password grant (people; `totp` once enrolled) or client credentials (machines)."""
    signer: TokenSigner = request.app.state.signer
    limits: LoginLimits = request.app.state.login_limits
    if grant_type == "client_credentials":
        if not client_id or not client_secret:
            raise Problem(400, "client_id and client_secret are required", slug="invalid-request")
        limits.check(origin.client_address, f"client:{client_id}")
        settings: GatewaySettings = request.app.state.settings
        outcome = await tokens.client_credentials(session, signer, settings, client_id, client_secret)
        actor = audit.Actor(sub=f"client:{client_id}", username=client_id)
        await audit.record(
            session, actor=actor, action=outcome.event, target=TOKEN_PATH, outcome=200 if outcome.tokens else 401, origin=origin
        )
        return outcome.tokens or _refused(request)
    if not username or not password:
        raise Problem(400, "username and password are required", slug="invalid-request")
    limits.check(origin.client_address, username)
    matches = await accounts.password_matches(read_session, username, password)
    login = await accounts.password_login(session, policy, username, matches, totp)
    account = login.account
    actor = audit.Actor(str(account.id), account.username, tuple(account.roles)) if account else audit.Actor(username=username)
    await audit.record(
        session, actor=actor, action=login.event, target=TOKEN_PATH, outcome=200 if account else 401, origin=origin
    )
    if account is None:
        return _refused(request)
    return await tokens.start_session(session, signer, policy, account, list(login.amr))


@router.post("/auth/refresh", response_model=TokenResponse)
async def refresh(
    request: Request,
    session: WriteSessionDep,
    policy: PolicyDep,
    origin: OriginDep,
    refresh_token: Annotated[str, Form(min_length=1, max_length=256)],
) -> Any:
    """A new access token and a new refresh token for a current refresh token (used up)."""
    outcome = await tokens.refresh(session, request.app.state.signer, policy, refresh_token)
    account = outcome.account
    actor = audit.Actor(str(account.id), account.username, tuple(account.roles)) if account else audit.Actor()
    status = 200 if outcome.tokens else 401
    await audit.record(session, actor=actor, action=outcome.event, target=request.url.path, outcome=status, origin=origin)
    return outcome.tokens or _refused(request)


@router.post("/auth/logout", status_code=204)
async def logout(
    request: Request,
    session: WriteSessionDep,
    origin: OriginDep,
    refresh_token: Annotated[str, Form(min_length=1, max_length=256)],
) -> Response:
    """Revoke the login of this refresh token (every refresh token of it). Always 204."""
    account = await tokens.logout(session, refresh_token)
    actor = audit.Actor(str(account.id), account.username, tuple(account.roles)) if account else audit.Actor()
    await audit.record(session, actor=actor, action="logout", target=request.url.path, outcome=204, origin=origin)
    return Response(status_code=204)


@router.post("/auth/totp", response_model=TotpEnrollment, status_code=201)
async def enroll_totp(caller: Person, session: WriteSessionDep) -> TotpEnrollment:
    """A TOTP secret for the caller's own account, shown this once; confirm it with a code."""
    secret, uri = await accounts.start_totp(session, caller)
    return TotpEnrollment(secret=secret, otpauth_uri=uri)


@router.post("/auth/totp/confirm", status_code=204)
async def confirm_totp(caller: Person, session: WriteSessionDep, body: TotpConfirm) -> Response:
    """From now on this account logs in with password and TOTP code."""
    await accounts.confirm_totp(session, caller, body.code)
    return Response(status_code=204)


@router.get("/me", response_model=Me)
async def me(caller: CallerDep) -> Me:
    return Me(id=caller.subject, username=caller.name, roles=sorted(caller.roles), scope_org_id=caller.scope_org_id)
