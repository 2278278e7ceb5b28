"""People's accounts: `/api/v1/users` (sysadmin creates, changes and disables them; secadmin
assigns roles and scope, separation of duties; nobody changes their own roles or status), a
person's own second factor (`/api/v1/auth/totp`) and `/api/v1/me`."""

import uuid

from fastapi import APIRouter, Request, Response

from gateway.errors import (
    CODE_MISMATCH,
    FORBIDDEN,
    LINK_REFUSED,
    MEMBER_LINKED,
    NOT_FOUND,
    ROLE_CONFLICT,
    SERVICE_UNAVAILABLE,
    TOTP_ENROLLED,
    USERNAME_TAKEN,
    WEAK_PASSWORD,
)
from gateway.routes.deps import AccountAdmin, Person, PolicyDep, SecAdmin, SysAdmin
from gateway.schemas.accounts import (
    Me,
    MemberLink,
    MemberLinked,
    RoleAssignment,
    TotpConfirm,
    TotpEnrollment,
    User,
    UserCreate,
    UserUpdate,
)
from gateway.service import accounts
from gateway.settings import OWN_ROUTE_MAX_BODY_BYTES
from services.kit.auth import SERVICE_KIND, SERVICE_ROLE, CallerDep
from services.kit.db import ReadSessionDep, WriteSessionDep
from services.kit.idempotency import Idempotent
from services.kit.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery, Page
from services.kit.problems import answers
from services.kit.versioning import PreconditionsDep, set_etag

# The subject of the gateway's own token when it asks the members service to redeem a code.
LINK_SUBJECT = "service:gateway"

router = APIRouter(prefix="/api/v1", tags=["identity"], max_body_size=OWN_ROUTE_MAX_BODY_BYTES)


@router.post("/auth/totp", response_model=TotpEnrollment, status_code=201, responses=answers(FORBIDDEN, TOTP_ENROLLED))
async def enroll_totp(caller: Person, session: WriteSessionDep) -> TotpEnrollment:
    """A TOTP secret for the caller's own account, shown this once; confirm it with a code."""
    secret, uri = await accounts.start_totp(session, caller)
    return TotpEnrollment(secret=secret, otpauth_uri=uri)


@router.post("/auth/totp/confirm", status_code=204, responses=answers(FORBIDDEN, TOTP_ENROLLED, CODE_MISMATCH))
async def confirm_totp(caller: Person, session: WriteSessionDep, body: TotpConfirm) -> Response:
    """From now on this account logs in with password and TOTP code."""
    await accounts.confirm_totp(session, caller, body.code)
    return Response(status_code=204)


@router.post(
    "/auth/link-member",
    response_model=MemberLinked,
    responses=answers(FORBIDDEN, LINK_REFUSED, MEMBER_LINKED, SERVICE_UNAVAILABLE),
)
async def link_member(caller: Person, session: WriteSessionDep, body: MemberLink, request: Request) -> MemberLinked:
    """Link the caller's own account to their member record with their ID number and the
    one-time code the community issued (audited like every write). The tokens issued before end:
    log in again for a token carrying the member id, which opens `/api/v1/me/...`."""
    token = request.app.state.signer.access_token(subject=LINK_SUBJECT, kind=SERVICE_KIND, roles=[SERVICE_ROLE])
    account = await accounts.link_member(session, caller, body, members=request.app.state.peers["members"], service_token=token)
    assert account.member_id is not None
    return MemberLinked(member_id=account.member_id, roles=account.roles)


@router.get("/me", response_model=Me)
async def me(caller: CallerDep) -> Me:
    return Me(
        id=caller.subject,
        username=caller.name,
        roles=sorted(caller.roles),
        scope_org_id=caller.scope_org_id,
        member_id=caller.member_id,
    )


@router.get("/users", response_model=Page[User], responses=answers(FORBIDDEN))
async def list_users(
    _caller: AccountAdmin, session: ReadSessionDep, cursor: CursorQuery = None, limit: LimitQuery = DEFAULT_LIMIT
) -> Page[User]:
    items, next_cursor = await accounts.list_accounts(session, cursor=cursor, limit=limit)
    return Page[User](items=[User.model_validate(a) for a in items], next_cursor=next_cursor)


@router.post(
    "/users",
    response_model=User,
    status_code=201,
    dependencies=[Idempotent],
    responses=answers(FORBIDDEN, USERNAME_TAKEN, WEAK_PASSWORD, ROLE_CONFLICT),
)
async def create_user(_caller: SysAdmin, session: WriteSessionDep, policy: PolicyDep, body: UserCreate) -> User:
    return User.model_validate(await accounts.create_account(session, policy, body))


@router.get("/users/{user_id}", response_model=User, responses=answers(FORBIDDEN, NOT_FOUND))
async def get_user(_caller: AccountAdmin, session: ReadSessionDep, user_id: uuid.UUID, response: Response) -> User:
    account = await accounts.get_account(session, user_id)
    set_etag(response, account.version)
    return User.model_validate(account)


@router.patch("/users/{user_id}", response_model=User, responses=answers(FORBIDDEN, NOT_FOUND, WEAK_PASSWORD))
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


@router.put("/users/{user_id}/roles", response_model=User, responses=answers(FORBIDDEN, NOT_FOUND, ROLE_CONFLICT))
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
