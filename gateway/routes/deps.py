"""What the gateway's own routes inject: the policy, the guards of its own routes (administrators,
a person's own account), the request's origin.

Each guard registers its dependency in `kit.auth.AUTHORIZATION_DEPENDENCIES`, so the
deny-by-default test knows the routes it guards."""

from typing import Annotated, Any

from fastapi import Depends, Request

from gateway.enums import RoleCode
from gateway.errors import FORBIDDEN
from gateway.rules import GatewayPolicy
from gateway.service import accounts
from gateway.service.audit import Origin
from services.kit.auth import AUTHORIZATION_DEPENDENCIES, USER_KIND, Caller, CallerDep
from services.kit.db import ReadSessionDep
from services.kit.observability import request_id_var


def _policy(request: Request) -> GatewayPolicy:
    policy: GatewayPolicy = request.app.state.settings.policy
    return policy


PolicyDep = Annotated[GatewayPolicy, Depends(_policy)]


def _origin(request: Request) -> Origin:
    return Origin(request.client.host if request.client else None, request_id_var.get())


OriginDep = Annotated[Origin, Depends(_origin)]


def administrator(*roles: str) -> Any:
    """A person holding one of `roles`, with an active account (and TOTP when the policy says)."""

    async def dependency(caller: CallerDep, session: ReadSessionDep, policy: PolicyDep) -> Caller:
        if caller.kind != USER_KIND or not caller.has_role(*roles):
            raise FORBIDDEN(f"This needs one of the roles: {', '.join(roles)}")
        await accounts.require_admin_account(session, caller, policy)
        return caller

    AUTHORIZATION_DEPENDENCIES.add(dependency)
    return Depends(dependency)


SysAdmin = Annotated[Caller, administrator(RoleCode.sysadmin)]
SecAdmin = Annotated[Caller, administrator(RoleCode.secadmin)]
AccountAdmin = Annotated[Caller, administrator(RoleCode.sysadmin, RoleCode.secadmin)]
Auditor = Annotated[Caller, administrator(RoleCode.auditor)]


async def _person(caller: CallerDep) -> Caller:
    # A second factor belongs to a person's account; machine clients and services have none.
    if caller.kind != USER_KIND:
        raise FORBIDDEN("Only a person's account can enroll a second factor")
    return caller


AUTHORIZATION_DEPENDENCIES.add(_person)
Person = Annotated[Caller, Depends(_person)]
