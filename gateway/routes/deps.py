"""What the gateway's own routes inject: the policy, the administrators, the request's origin."""

from typing import Annotated, Any

from fastapi import Depends, Request

from gateway.rules import GatewayPolicy
from gateway.service import accounts
from gateway.service.audit import Origin
from services.kit.auth import Caller, CallerDep, Forbidden
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
        if caller.kind != "user" or not caller.has_role(*roles):
            raise Forbidden(f"This needs one of the roles: {', '.join(roles)}")
        await accounts.require_admin_account(session, caller, policy)
        return caller

    return Depends(dependency)


SysAdmin = Annotated[Caller, administrator("sysadmin")]
SecAdmin = Annotated[Caller, administrator("secadmin")]
AccountAdmin = Annotated[Caller, administrator("sysadmin", "secadmin")]
Auditor = Annotated[Caller, administrator("auditor")]
