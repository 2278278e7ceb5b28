"""What the orgs routes inject: the caller's roles, the policy, the members peer, the as-of date."""

from datetime import date
from typing import Annotated

from fastapi import Depends, Query, Request

from services.kit.auth import Caller, require_access
from services.kit.peers import PeerClient
from services.orgs.rules import OrgsPolicy

READERS = ("org_admin", "viewer", "service")
WRITERS = ("org_admin",)
# People by role, our services by the `service` role, other systems by the scopes `orgs:read` /
# `orgs:write` (kit.auth.admits); the administrative roles and `member` get 403 here.
Reader = Annotated[Caller, require_access("orgs", *READERS)]
Writer = Annotated[Caller, require_access("orgs", *WRITERS, write=True)]


def _policy(request: Request) -> OrgsPolicy:
    policy: OrgsPolicy = request.app.state.settings.policy
    return policy


def _members(request: Request) -> PeerClient:
    return request.app.state.peers["members"]  # type: ignore[no-any-return]


PolicyDep = Annotated[OrgsPolicy, Depends(_policy)]
MembersDep = Annotated[PeerClient, Depends(_members)]
AsOfQuery = Annotated[date | None, Query(description="The date the rules are applied on (default: today)")]
