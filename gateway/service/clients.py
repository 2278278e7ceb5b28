"""Machine clients of other government systems: registration, changes and secret rotation.
A secret is returned once, when made; only its hash is kept."""

import secrets
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.errors import CLIENT_ID_TAKEN, NOT_FOUND
from gateway.models import Client
from gateway.rules import GatewayPolicy
from gateway.schemas.clients import ClientCreate, ClientUpdate
from gateway.service.tokens import revoke_client_tokens, secret_hash
from services.kit.pagination import keyset_page, page_of
from services.kit.versioning import Preconditions


def new_secret() -> str:
    return secrets.token_urlsafe(32)


async def create_client(session: AsyncSession, body: ClientCreate, reserved_ids: set[str]) -> tuple[Client, str]:
    client_id = body.client_id or f"cl-{secrets.token_hex(8)}"
    taken = await session.scalar(select(Client.id).where(Client.client_id == client_id))
    if taken or client_id in reserved_ids:
        raise CLIENT_ID_TAKEN(f"The client id {client_id} is taken")
    secret = new_secret()
    client = Client(
        client_id=client_id,
        name=body.name,
        secret_hash=secret_hash(secret),
        scopes=sorted({str(scope) for scope in body.scopes}),
        scope_org_id=body.scope_org_id,
        expires_at=body.expires_at,
    )
    session.add(client)
    await session.flush()
    return client, secret


async def list_clients(session: AsyncSession, *, cursor: str | None, limit: int) -> tuple[list[Client], str | None]:
    rows = (await session.scalars(keyset_page(select(Client), [Client.client_id], cursor, limit))).all()
    return page_of(rows, limit, lambda client: [client.client_id])


async def get_client(session: AsyncSession, client_key: uuid.UUID, *, for_update: bool = False) -> Client:
    client = await session.get(Client, client_key, with_for_update=for_update)
    if client is None:
        raise NOT_FOUND(f"Client {client_key} was not found")
    return client


async def update_client(
    session: AsyncSession, client_key: uuid.UUID, body: ClientUpdate, *, preconditions: Preconditions
) -> Client:
    client = await get_client(session, client_key, for_update=True)
    preconditions.check(client.version)
    changes = body.model_dump(exclude_unset=True)
    if "scopes" in changes:
        changes["scopes"] = sorted({str(scope) for scope in changes["scopes"]})
    for name, value in changes.items():
        if value is None and name in ("name", "scopes", "status"):
            continue  # these always have a value; null leaves them as they are
        setattr(client, name, value)
    client.version += 1
    await session.flush()
    # Disabled, other scopes or another organization: the tokens issued before end everywhere.
    await revoke_client_tokens(session, client)
    return client


async def rotate_secret(session: AsyncSession, policy: GatewayPolicy, client_key: uuid.UUID) -> tuple[Client, str]:
    """A new secret; the one before stays valid for the grace period so that the other system
    can switch without an outage."""
    client = await get_client(session, client_key)
    now = datetime.now(UTC)
    secret = new_secret()
    client.previous_secret_hash = client.secret_hash
    client.previous_valid_until = now + timedelta(seconds=policy.client_secret_grace_s)
    client.secret_hash = secret_hash(secret)
    client.rotated_at = now
    await session.flush()
    return client, secret
