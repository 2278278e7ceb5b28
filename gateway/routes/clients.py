"""`/api/v1/clients`: machine clients of other government systems (sysadmin or secadmin)."""

import uuid

from fastapi import APIRouter, Request, Response

from gateway.errors import CLIENT_ID_TAKEN, FORBIDDEN, NOT_FOUND
from gateway.routes.deps import AccountAdmin, PolicyDep
from gateway.schemas.clients import ClientCreate, ClientUpdate, MachineClient, MachineClientWithSecret
from gateway.service import clients
from gateway.settings import OWN_ROUTE_MAX_BODY_BYTES, GatewaySettings
from services.kit.db import ReadSessionDep, WriteSessionDep
from services.kit.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery, Page
from services.kit.problems import answers
from services.kit.versioning import PreconditionsDep, set_etag

router = APIRouter(prefix="/api/v1/clients", tags=["identity"], max_body_size=OWN_ROUTE_MAX_BODY_BYTES)


@router.get("", response_model=Page[MachineClient], responses=answers(FORBIDDEN))
async def list_clients(
    _caller: AccountAdmin, session: ReadSessionDep, cursor: CursorQuery = None, limit: LimitQuery = DEFAULT_LIMIT
) -> Page[MachineClient]:
    items, next_cursor = await clients.list_clients(session, cursor=cursor, limit=limit)
    return Page[MachineClient](items=[MachineClient.model_validate(c) for c in items], next_cursor=next_cursor)


@router.post("", response_model=MachineClientWithSecret, status_code=201, responses=answers(FORBIDDEN, CLIENT_ID_TAKEN))
async def create_client(
    request: Request, _caller: AccountAdmin, session: WriteSessionDep, body: ClientCreate
) -> MachineClientWithSecret:
    """Register a client; its secret is in this answer only."""
    settings: GatewaySettings = request.app.state.settings
    client, secret = await clients.create_client(session, body, set(settings.service_clients))
    return MachineClientWithSecret(**MachineClient.model_validate(client).model_dump(), client_secret=secret)


@router.get("/{client_key}", response_model=MachineClient, responses=answers(FORBIDDEN, NOT_FOUND))
async def get_client(_caller: AccountAdmin, session: ReadSessionDep, client_key: uuid.UUID, response: Response) -> MachineClient:
    client = await clients.get_client(session, client_key)
    set_etag(response, client.version)
    return MachineClient.model_validate(client)


@router.patch(
    "/{client_key}",
    response_model=MachineClient,
    description="`If-Match` with the client's ETag: 428 without, 412 if stale.",
    responses=answers(FORBIDDEN, NOT_FOUND),
)
async def update_client(
    _caller: AccountAdmin,
    session: WriteSessionDep,
    client_key: uuid.UUID,
    body: ClientUpdate,
    response: Response,
    preconditions: PreconditionsDep,
) -> MachineClient:
    client = await clients.update_client(session, client_key, body, preconditions=preconditions)
    set_etag(response, client.version)
    return MachineClient.model_validate(client)


@router.post("/{client_key}/rotate", response_model=MachineClientWithSecret, responses=answers(FORBIDDEN, NOT_FOUND))
async def rotate_secret(
    _caller: AccountAdmin, session: WriteSessionDep, policy: PolicyDep, client_key: uuid.UUID
) -> MachineClientWithSecret:
    """A new secret, in this answer only; the previous one works for the grace period."""
    client, secret = await clients.rotate_secret(session, policy, client_key)
    return MachineClientWithSecret(**MachineClient.model_validate(client).model_dump(), client_secret=secret)
