"""`/api/v1/auth/token` and `/api/v1/me`."""

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Request

from gateway import service
from gateway.schemas import Me, TokenResponse
from gateway.settings import OWN_ROUTE_MAX_BODY_BYTES, GatewaySettings
from services.kit.auth import CallerDep
from services.kit.db import ReadSessionDep
from services.kit.keys import TokenSigner
from services.kit.problems import Problem

router = APIRouter(prefix="/api/v1", tags=["identity"], max_body_size=OWN_ROUTE_MAX_BODY_BYTES)


@router.post("/auth/token", response_model=TokenResponse)
async def issue_token(
    request: Request,
    session: ReadSessionDep,
    grant_type: Annotated[Literal["password", "client_credentials"], Form()] = "password",
    username: Annotated[str | None, Form(max_length=64)] = None,
    password: Annotated[str | None, Form(max_length=256)] = None,
    client_id: Annotated[str | None, Form(max_length=64)] = None,
    client_secret: Annotated[str | None, Form(max_length=256)] = None,
) -> TokenResponse:
    signer: TokenSigner = request.app.state.signer
    if grant_type == "client_credentials":
        if not client_id or not client_secret:
            raise Problem(400, "client_id and client_secret are required", slug="invalid-request")
        settings: GatewaySettings = request.app.state.settings
        return service.client_credentials_grant(signer, settings, client_id, client_secret)
    if not username or not password:
        raise Problem(400, "username and password are required", slug="invalid-request")
    return await service.password_grant(session, signer, username, password)


@router.get("/me", response_model=Me)
async def me(caller: CallerDep) -> Me:
    return Me(id=caller.subject, username=caller.name, roles=sorted(caller.roles), scope_org_id=caller.scope_org_id)
