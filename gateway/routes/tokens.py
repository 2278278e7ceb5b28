"""`/api/v1/auth/token`, `/auth/refresh`, `/auth/logout`: the tokens of a login or a machine client.

The password is checked (argon2, the slow part) in a read session before the write transaction
begins, so that on SQLite a login does not hold the database's write lock while it hashes.

A refused login is answered with the same 401 body whatever the reason (unknown user, wrong
password or TOTP, locked or disabled account); the route returns it rather than raising it, so
that the failure count and the audit row are committed with the request.
"""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import JSONResponse

from gateway.edge.limits import LoginLimits
from gateway.enums import AuditAction
from gateway.errors import INVALID_GRANT, INVALID_REQUEST, TOO_MANY_REQUESTS
from gateway.routes.deps import OriginDep, PolicyDep
from gateway.schemas.tokens import TokenResponse
from gateway.service import accounts, audit, tokens
from gateway.settings import OWN_ROUTE_MAX_BODY_BYTES, GatewaySettings
from services.kit.db import ReadSessionDep, WriteSessionDep
from services.kit.keys import TokenSigner
from services.kit.problems import PROBLEM_MEDIA_TYPE, answers

router = APIRouter(prefix="/api/v1", tags=["identity"], max_body_size=OWN_ROUTE_MAX_BODY_BYTES)

TOKEN_PATH = "/api/v1/auth/token"  # noqa: S105 - a path, not a secret


def _refused(request: Request) -> JSONResponse:
    problem = tokens.InvalidGrant()
    return JSONResponse(problem.body(request.url.path), status_code=401, media_type=PROBLEM_MEDIA_TYPE, headers=problem.headers)


@router.post("/auth/token", response_model=TokenResponse, responses=answers(INVALID_REQUEST, INVALID_GRANT, TOO_MANY_REQUESTS))
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
            raise INVALID_REQUEST("client_id and client_secret are required")
        limits.check(origin.client_address, f"client:{client_id}")
        settings: GatewaySettings = request.app.state.settings
        outcome = await tokens.client_credentials(session, signer, settings, client_id, client_secret)
        actor = audit.Actor(sub=f"client:{client_id}", username=client_id)
        await audit.record(
            session,
            audit.trail_of(request.app),
            actor=actor,
            action=outcome.event,
            target=TOKEN_PATH,
            outcome=200 if outcome.tokens else 401,
            origin=origin,
        )
        return outcome.tokens or _refused(request)
    if not username or not password:
        raise INVALID_REQUEST("username and password are required")
    limits.check(origin.client_address, username)
    matches = await accounts.password_matches(read_session, username, password)
    login = await accounts.password_login(session, policy, username, matches, totp)
    account = login.account
    actor = audit.Actor(str(account.id), account.username, tuple(account.roles)) if account else audit.Actor(username=username)
    await audit.record(
        session,
        audit.trail_of(request.app),
        actor=actor,
        action=login.event,
        target=TOKEN_PATH,
        outcome=200 if account else 401,
        origin=origin,
    )
    if account is None:
        return _refused(request)
    return await tokens.start_session(session, signer, policy, account, list(login.amr))


@router.post("/auth/refresh", response_model=TokenResponse, responses=answers(INVALID_GRANT))
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
    await audit.record(
        session,
        audit.trail_of(request.app),
        actor=actor,
        action=outcome.event,
        target=request.url.path,
        outcome=status,
        origin=origin,
    )
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
    await audit.record(
        session,
        audit.trail_of(request.app),
        actor=actor,
        action=AuditAction.logout,
        target=request.url.path,
        outcome=204,
        origin=origin,
    )
    return Response(status_code=204)
