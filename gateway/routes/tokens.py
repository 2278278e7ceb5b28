"""`/api/v1/auth/token`, `/auth/refresh`, `/auth/logout`: the tokens of a login or a machine client.

The token endpoint is OAuth2 as off-the-shelf clients expect it (RFC 6749): the grants `password`
(people; `totp` once enrolled), `client_credentials` (machines) and `refresh_token`; a client
authenticates by HTTP Basic (§2.3.1, form-urlencoded id and secret) or in the body, never both;
errors carry §5.2's `error` and status, in a problem document (both shapes merged).

The password is checked (argon2, the slow part) in a read session before the write transaction
begins, so that on SQLite a login does not hold the database's write lock while it hashes.

A refused login is answered with the same body whatever the reason (unknown user, wrong
password or TOTP, locked or disabled account); the route returns it rather than raising it, so
that the failure count and the audit row are committed with the request.
"""

import base64
import binascii
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import unquote_plus

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import JSONResponse

from gateway.edge.limits import LoginLimits
from gateway.enums import AuditAction, ClientScope
from gateway.errors import (
    INVALID_CLIENT,
    INVALID_GRANT,
    INVALID_REQUEST,
    INVALID_SCOPE,
    OAUTH_INVALID_GRANT,
    TOO_MANY_REQUESTS,
    UNSUPPORTED_GRANT_TYPE,
)
from gateway.routes.deps import OriginDep, PolicyDep
from gateway.schemas.tokens import TokenResponse
from gateway.service import accounts, audit, tokens
from gateway.settings import OWN_ROUTE_MAX_BODY_BYTES, GatewaySettings
from services.kit.db import ReadSessionDep, WriteSessionDep
from services.kit.problems import PROBLEM_MEDIA_TYPE, Problem, ProblemKind, answers

router = APIRouter(prefix="/api/v1", tags=["identity"], max_body_size=OWN_ROUTE_MAX_BODY_BYTES)

TOKEN_PATH = "/api/v1/auth/token"  # noqa: S105 - a path, not a secret
GRANT_TYPES = ("password", "client_credentials", "refresh_token")
_MAX_FIELD = 256


# The fields' bound, documented (a string alternative's maxLength) but not validated by FastAPI: a
# longer field is OAuth2's `invalid_request` (checked in the handler), not a 422.
def _bounded(schema: dict[str, Any]) -> None:
    for alternative in schema.get("anyOf", [schema]):
        if alternative.get("type") == "string":
            alternative["maxLength"] = _MAX_FIELD


_NOT_VALID = "The credentials are not valid"


def _refused(request: Request) -> JSONResponse:
    problem = tokens.InvalidGrant()
    return JSONResponse(problem.body(request.url.path), status_code=401, media_type=PROBLEM_MEDIA_TYPE, headers=problem.headers)


class OAuthError(Problem):
    """RFC 6749 §5.2's `error` and `error_description` inside a problem document. Raised where
    nothing is to be written; returned (`answer`) where the failure's audit row must commit."""

    def __init__(self, kind: ProblemKind, description: str, *, basic: bool = False) -> None:
        headers = {"Cache-Control": "no-store", "Pragma": "no-cache"}
        if kind is INVALID_CLIENT and basic:
            headers["WWW-Authenticate"] = 'Basic realm="dangjian", charset="UTF-8"'
        error = kind.slug.replace("-", "_")
        super().__init__(kind.status, description, slug=kind.slug, headers=headers, error=error, error_description=description)

    def answer(self) -> JSONResponse:
        return JSONResponse(self.body(TOKEN_PATH), status_code=self.status, media_type=PROBLEM_MEDIA_TYPE, headers=self.headers)


@dataclass(frozen=True)
class ClientAuthentication:
    client_id: str | None
    client_secret: str | None
    basic: bool  # by the Authorization header (a failure then answers 401 with WWW-Authenticate)


def _client_authentication(request: Request, client_id: str | None, client_secret: str | None) -> ClientAuthentication:
    """The client's id and secret from HTTP Basic or the body (an empty Basic header, which some
    UIs send, is no client)."""
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "basic":
        try:
            raw_id, colon, raw_secret = base64.b64decode(value.strip(), validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            colon = ""
        if not colon:
            raise OAuthError(INVALID_REQUEST, "The Basic credentials are not base64 of id:secret")
        basic_id, basic_secret = unquote_plus(raw_id), unquote_plus(raw_secret)
        if basic_id or basic_secret:
            if client_id or client_secret:
                raise OAuthError(INVALID_REQUEST, "A client authenticates one way only: HTTP Basic or the body, not both")
            return ClientAuthentication(basic_id, basic_secret, basic=True)
    return ClientAuthentication(client_id or None, client_secret or None, basic=False)


async def _authenticate_client(
    request: Request, session: WriteSessionDep, origin: OriginDep, client: ClientAuthentication, scope: str | None
) -> TokenResponse | OAuthError:
    """The client's own token, or why not. With the password and refresh grants the token is the
    person's: a client that authenticates all the same must be who it says (`scope` None)."""
    if not client.client_id or not client.client_secret:
        raise OAuthError(INVALID_REQUEST, "The client's id and secret are required (HTTP Basic or in the body)")
    login_limits: LoginLimits = request.app.state.login_limits
    login_limits.check(origin.client_address, f"client:{client.client_id}")
    settings: GatewaySettings = request.app.state.settings
    outcome = await tokens.client_credentials(
        session, request.app.state.signer, settings, client.client_id, client.client_secret, scope=scope
    )
    actor = audit.Actor(sub=f"client:{client.client_id}", username=client.client_id)
    failed = outcome.tokens is None and not outcome.invalid_scope
    await audit.record(
        session,
        audit.trail_of(request.app),
        actor=actor,
        action=outcome.event,
        target=TOKEN_PATH,
        outcome=401 if failed else 200,
        origin=origin,
    )
    if failed:
        return OAuthError(INVALID_CLIENT, "The client's id or secret is not valid", basic=client.basic)
    if outcome.tokens is None:
        return OAuthError(INVALID_SCOPE, "The client does not hold every scope asked for")
    return outcome.tokens


async def _refresh_grant(
    request: Request, session: WriteSessionDep, policy: PolicyDep, origin: OriginDep, refresh_token: str | None
) -> TokenResponse | OAuthError:
    if not refresh_token:
        raise OAuthError(INVALID_REQUEST, "refresh_token is required")
    outcome = await tokens.refresh(session, request.app.state.signer, policy, refresh_token)
    person = outcome.account
    actor = audit.Actor(str(person.id), person.username, tuple(person.roles)) if person else audit.Actor()
    status = 200 if outcome.tokens else 400
    await audit.record(
        session, audit.trail_of(request.app), actor=actor, action=outcome.event, target=TOKEN_PATH, outcome=status, origin=origin
    )
    return outcome.tokens or OAuthError(OAUTH_INVALID_GRANT, _NOT_VALID)


@router.post(
    "/auth/token",
    response_model=TokenResponse,
    responses=answers(
        INVALID_REQUEST, INVALID_CLIENT, OAUTH_INVALID_GRANT, UNSUPPORTED_GRANT_TYPE, INVALID_SCOPE, TOO_MANY_REQUESTS
    ),
)
async def issue_token(
    request: Request,
    session: WriteSessionDep,
    read_session: ReadSessionDep,
    policy: PolicyDep,
    origin: OriginDep,
    grant_type: Annotated[
        str, Form(json_schema_extra=_bounded, description=f"One of: {', '.join(GRANT_TYPES)}", examples=["password"])
    ] = "password",
    username: Annotated[str | None, Form(json_schema_extra=_bounded, examples=["district"])] = None,
    password: Annotated[str | None, Form(json_schema_extra=_bounded, examples=["Strong-pass-2026!x"])] = None,
    totp: Annotated[
        str | None, Form(json_schema_extra=_bounded, description="The current TOTP code, once enrolled", examples=["492039"])
    ] = None,
    refresh_token: Annotated[
        str | None,
        Form(
            json_schema_extra=_bounded,
            description="For grant_type=refresh_token",
            examples=["V4mNq7x0c1fJr2KwWb8sQe9dT3yHpLz5aG6uEoXiBnM"],
        ),
    ] = None,
    scope: Annotated[
        str | None,
        Form(
            json_schema_extra=_bounded,
            description="Client credentials: some of the client's scopes",
            examples=[ClientScope.orgs_read.value],
        ),
    ] = None,
    client_id: Annotated[
        str | None, Form(json_schema_extra=_bounded, description="Or HTTP Basic", examples=["county-archive"])
    ] = None,
    client_secret: Annotated[
        str | None, Form(json_schema_extra=_bounded, description="Or HTTP Basic", examples=["k3y-shown-once"])
    ] = None,
) -> Any:
    """OAuth2 token endpoint: `password` (people; `totp` once enrolled), `client_credentials`
    (machines; HTTP Basic or `client_id`/`client_secret` in the body) or `refresh_token`."""
    fields = (grant_type, username, password, totp, refresh_token, scope, client_id, client_secret)
    if any(value is not None and len(value) > _MAX_FIELD for value in fields):
        raise OAuthError(INVALID_REQUEST, f"A field is longer than {_MAX_FIELD} characters")
    if grant_type not in GRANT_TYPES:
        raise OAuthError(UNSUPPORTED_GRANT_TYPE, f"grant_type must be one of: {', '.join(GRANT_TYPES)}")
    client = _client_authentication(request, client_id, client_secret)
    # A public client (our web and mobile frontends) may name itself by `client_id` alone (§3.2.1):
    # only a secret, or HTTP Basic, is an authentication to check.
    if grant_type == "client_credentials" or client.client_secret or client.basic:
        own = await _authenticate_client(request, session, origin, client, scope if grant_type == "client_credentials" else None)
        if isinstance(own, OAuthError) or grant_type == "client_credentials":
            return own.answer() if isinstance(own, OAuthError) else own
    if grant_type == "refresh_token":
        refreshed = await _refresh_grant(request, session, policy, origin, refresh_token)
        return refreshed.answer() if isinstance(refreshed, OAuthError) else refreshed
    if not username or not password:
        raise OAuthError(INVALID_REQUEST, "username and password are required")
    login_limits: LoginLimits = request.app.state.login_limits
    login_limits.check(origin.client_address, username)
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
        outcome=200 if account else 400,
        origin=origin,
    )
    if account is None:
        return OAuthError(OAUTH_INVALID_GRANT, _NOT_VALID).answer()
    return await tokens.start_session(session, request.app.state.signer, policy, account, list(login.amr))


@router.post("/auth/refresh", response_model=TokenResponse, responses=answers(INVALID_GRANT))
async def refresh(
    request: Request,
    session: WriteSessionDep,
    policy: PolicyDep,
    origin: OriginDep,
    refresh_token: Annotated[str, Form(min_length=1, max_length=256, examples=["V4mNq7x0c1fJr2KwWb8sQe9dT3yHpLz5aG6uEoXiBnM"])],
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
    refresh_token: Annotated[str, Form(min_length=1, max_length=256, examples=["V4mNq7x0c1fJr2KwWb8sQe9dT3yHpLz5aG6uEoXiBnM"])],
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
