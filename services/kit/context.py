"""The operation contract: what every service function receives besides its session and its input.

Every service function is called `(session, ctx, data)`. `ctx` is an `OperationContext`: the
verified caller (and so its organization scope), the policy in force, *today* in the deployment's
time zone, and the request id. A route builds it once, through `operation_context`, from the same
dependency that decides who may call the route; domain code never asks the clock or the settings
for itself, so a rule sees one "today" whichever process it runs in.
"""

import os
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated, Any, Generic, Self, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import Depends, Request

from services.kit.auth import Caller, require_access, require_self
from services.kit.observability import request_id_var

# One time zone for the whole deployment (every service and the gateway): the day a rule calls
# "today", the day a default date takes. China keeps one zone; a deployment may set another.
TIMEZONE_VARIABLE = "DANGJIAN_TIMEZONE"
DEFAULT_TIMEZONE = "Asia/Shanghai"

PolicyT = TypeVar("PolicyT")


def deployment_timezone() -> str:
    name = os.environ.get(TIMEZONE_VARIABLE, "").strip() or DEFAULT_TIMEZONE
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{TIMEZONE_VARIABLE}={name!r} is not a time zone name") from None
    return name


def today_in(timezone: str, now: datetime | None = None) -> date:
    """The calendar day it is in `timezone` at `now` (default: this moment)."""
    moment = now or datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(timezone)).date()


@dataclass(frozen=True)
class OperationContext(Generic[PolicyT]):
    """Who asks, under which policy, on which day, in which request."""

    caller: Caller
    policy: PolicyT
    today: date
    request_id: str | None

    @property
    def scope(self) -> uuid.UUID | None:
        """The root of the caller's subtree (None: the whole deployment)."""
        return self.caller.scope_org_id

    @property
    def actor(self) -> str:
        """The name written into histories and audit rows."""
        return self.caller.name or self.caller.subject

    @classmethod
    def from_request(cls, request: Request, caller: Caller) -> Self:
        policy = request.app.state.settings.policy
        return cls(
            caller=caller,
            policy=policy,
            today=today_in(policy.timezone),
            request_id=request_id_var.get(),
            **cls.extras(request),
        )

    @classmethod
    def extras(cls, request: Request) -> dict[str, Any]:
        """What a service's own context adds from the application state (a cipher, a peer)."""
        return {}


ContextT = TypeVar("ContextT", bound=OperationContext[Any])


def operation_context(
    context_class: type[ContextT], resource: str, *roles: str, write: bool = False, own_record: bool = False
) -> Any:
    """A route dependency: admit the caller as `kit.auth.require_access` does, then hand the
    handler its `OperationContext` (declare it as `Annotated[Ctx, operation_context(...)]`)."""
    access = require_access(resource, *roles, write=write, own_record=own_record)

    async def dependency(request: Request, caller: Annotated[Caller, access]) -> ContextT:
        return context_class.from_request(request, caller)

    return Depends(dependency)


def self_context(context_class: type[ContextT]) -> Any:
    """A route dependency of the caller's own view (`kit.auth.require_self`): the handler gets its
    `OperationContext`, and answers for `ctx.caller.member_id` alone."""
    access = require_self()

    async def dependency(request: Request, caller: Annotated[Caller, access]) -> ContextT:
        return context_class.from_request(request, caller)

    return Depends(dependency)
