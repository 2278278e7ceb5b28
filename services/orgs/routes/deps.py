"""What the orgs routes inject: the operation context (who may call), the members and activities peers, the as-of date."""

from datetime import date
from typing import Annotated

from fastapi import Depends, Query, Request

from services.kit.context import operation_context
from services.kit.peers import PeerClient
from services.orgs.service.common import OrgsContext

READERS = ("org_admin", "viewer", "service")
WRITERS = ("org_admin",)
# People by role, our services by the `service` role, other systems by the scopes `orgs:read` /
# `orgs:write` (kit.auth.admits); the administrative roles and `member` get 403 here.
Reader = Annotated[OrgsContext, operation_context(OrgsContext, "orgs", *READERS)]
Writer = Annotated[OrgsContext, operation_context(OrgsContext, "orgs", *WRITERS, write=True)]


def _members(request: Request) -> PeerClient:
    return request.app.state.peers["members"]  # type: ignore[no-any-return]


def _activities(request: Request) -> PeerClient:
    return request.app.state.peers["activities"]  # type: ignore[no-any-return]


MembersDep = Annotated[PeerClient, Depends(_members)]
ActivitiesDep = Annotated[PeerClient, Depends(_activities)]
AsOfQuery = Annotated[date | None, Query(description="The date the rules are applied on (default: today)")]
