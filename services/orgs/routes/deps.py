"""What the orgs routes inject: the caller's roles, the policy, the members peer, the as-of date."""

from datetime import date
from typing import Annotated

from fastapi import Depends, Query, Request

from services.kit.auth import Caller, require_roles
from services.kit.peers import PeerClient
from services.orgs.rules import OrgsPolicy

READERS = ("org_admin", "viewer", "service")
WRITERS = ("org_admin",)
Reader = Annotated[Caller, require_roles(*READERS)]
Writer = Annotated[Caller, require_roles(*WRITERS)]


def _policy(request: Request) -> OrgsPolicy:
    policy: OrgsPolicy = request.app.state.settings.policy
    return policy


def _members(request: Request) -> PeerClient:
    return request.app.state.peers["members"]  # type: ignore[no-any-return]


PolicyDep = Annotated[OrgsPolicy, Depends(_policy)]
MembersDep = Annotated[PeerClient, Depends(_members)]
AsOfQuery = Annotated[date | None, Query(description="The date the rules are applied on (default: today)")]
