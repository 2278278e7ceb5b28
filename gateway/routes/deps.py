"""What the gateway's own routes inject: the policy, the guards of its own routes (administrators,
a person's own account, event readers, subscribers), the request's origin.

Each guard registers its dependency in `kit.auth.AUTHORIZATION_DEPENDENCIES`, so the
deny-by-default test knows the routes it guards."""

from typing import Annotated, Any

from fastapi import Depends, Request

from gateway.events import rules as event_rules
from gateway.rules import GatewayPolicy
from gateway.service import accounts
from gateway.service.audit import Origin
from services.kit.auth import AUTHORIZATION_DEPENDENCIES, USER_KIND, Caller, CallerDep, Forbidden
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

    AUTHORIZATION_DEPENDENCIES.add(dependency)
    return Depends(dependency)


SysAdmin = Annotated[Caller, administrator("sysadmin")]
SecAdmin = Annotated[Caller, administrator("secadmin")]
AccountAdmin = Annotated[Caller, administrator("sysadmin", "secadmin")]
Auditor = Annotated[Caller, administrator("auditor")]


async def _person(caller: CallerDep) -> Caller:
    # A second factor belongs to a person's account; machine clients and services have none.
    if caller.kind != USER_KIND:
        raise Forbidden("Only a person's account can enroll a second factor")
    return caller


async def _event_reader(caller: CallerDep) -> Caller:
    if not event_rules.readable_scopes(caller):
        raise Forbidden("Reading events needs a read scope (orgs:read, members:read, activities:read) or a reader role")
    return caller


async def _subscriber(caller: CallerDep) -> Caller:
    if not event_rules.may_subscribe(caller):
        raise Forbidden("Subscriptions belong to machine clients with a read scope and organization administrators")
    return caller


AUTHORIZATION_DEPENDENCIES.update({_person, _event_reader, _subscriber})
Person = Annotated[Caller, Depends(_person)]
EventReader = Annotated[Caller, Depends(_event_reader)]
Subscriber = Annotated[Caller, Depends(_subscriber)]
