"""`/api/v1/users`: people's accounts. sysadmin creates, changes and disables them; secadmin
assigns roles and scope (separation of duties); nobody changes their own roles or status."""

import uuid

from fastapi import APIRouter, Response

from gateway.routes.deps import AccountAdmin, PolicyDep, SecAdmin, SysAdmin
from gateway.schemas import RoleAssignment, User, UserCreate, UserUpdate
from gateway.service import accounts
from gateway.settings import OWN_ROUTE_MAX_BODY_BYTES
from services.kit.db import ReadSessionDep, WriteSessionDep
from services.kit.idempotency import Idempotent
from services.kit.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery, Page
from services.kit.versioning import PreconditionsDep, set_etag

router = APIRouter(prefix="/api/v1/users", tags=["identity"], max_body_size=OWN_ROUTE_MAX_BODY_BYTES)


@router.get("", response_model=Page[User])
async def list_users(
    _caller: AccountAdmin, session: ReadSessionDep, cursor: CursorQuery = None, limit: LimitQuery = DEFAULT_LIMIT
) -> Page[User]:
    items, next_cursor = await accounts.list_accounts(session, cursor=cursor, limit=limit)
    return Page[User](items=[User.model_validate(a) for a in items], next_cursor=next_cursor)


@router.post("", response_model=User, status_code=201, dependencies=[Idempotent])
async def create_user(_caller: SysAdmin, session: WriteSessionDep, policy: PolicyDep, body: UserCreate) -> User:
    return User.model_validate(await accounts.create_account(session, policy, body))


@router.get("/{user_id}", response_model=User)
async def get_user(_caller: AccountAdmin, session: ReadSessionDep, user_id: uuid.UUID, response: Response) -> User:
    account = await accounts.get_account(session, user_id)
    set_etag(response, account.version)
    return User.model_validate(account)


@router.patch("/{user_id}", response_model=User)
async def update_user(
    caller: SysAdmin,
    session: WriteSessionDep,
    policy: PolicyDep,
    user_id: uuid.UUID,
    body: UserUpdate,
    response: Response,
    preconditions: PreconditionsDep,
) -> User:
    """Disable or enable (enabling also unlocks), reset the password or the second factor.

    `If-Match` with the account's ETag: 428 without, 412 if it changed since."""
    account = await accounts.update_account(session, policy, caller, user_id, body, preconditions=preconditions)
    set_etag(response, account.version)
    return User.model_validate(account)


@router.put("/{user_id}/roles", response_model=User)
async def assign_roles(
    caller: SecAdmin,
    session: WriteSessionDep,
    user_id: uuid.UUID,
    body: RoleAssignment,
    response: Response,
    preconditions: PreconditionsDep,
) -> User:
    """Roles, scope organization and member record of an account (replacing the ones before).

    `If-Match` with the account's ETag: 428 without, 412 if it changed since."""
    account = await accounts.assign_roles(session, caller, user_id, body, preconditions=preconditions)
    set_etag(response, account.version)
    return User.model_validate(account)
