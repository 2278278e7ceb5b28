"""Dependencies the members routes share: the operation context and who may use which route.

`ReaderContext` / `WriterContext` admit people by role, our services by the `service` role and
other systems by the scopes `members:read` / `members:write` (kit.auth.admits); the
administrative roles and `member` accounts get 403. `OwnRecordContext` also admits a `member`
account, whose queries `service.common.visible` then confines to their own record.
"""

from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import Depends, Request

from services.kit.auth import Caller, require_access
from services.members.service.common import Context
from services.members.settings import MembersSettings

RESOURCE = "members"
READERS = ("org_admin", "viewer", "service")
WRITERS = ("org_admin",)


def today() -> date:
    return datetime.now(UTC).date()


def _context(roles: tuple[str, ...], *, write: bool = False, own_record: bool = False) -> Any:
    access = require_access(RESOURCE, *roles, write=write, own_record=own_record)

    async def dependency(request: Request, caller: Annotated[Caller, access]) -> Context:
        settings: MembersSettings = request.app.state.settings
        return Context(caller=caller, cipher=request.app.state.cipher, policy=settings.policy, today=today())

    return Depends(dependency)


ReaderContext = Annotated[Context, _context(READERS)]
WriterContext = Annotated[Context, _context(WRITERS, write=True)]
OwnRecordContext = Annotated[Context, _context(READERS, own_record=True)]
