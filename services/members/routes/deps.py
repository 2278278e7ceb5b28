"""Dependencies the members routes share: the operation context and the role sets."""

from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import Depends, Request

from services.kit.auth import Caller, require_roles
from services.members.service.common import Context
from services.members.settings import MembersSettings

READERS = ("org_admin", "viewer", "service")
WRITERS = ("org_admin",)


def today() -> date:
    return datetime.now(UTC).date()


def _context(roles: tuple[str, ...]) -> Any:
    async def dependency(request: Request, caller: Annotated[Caller, require_roles(*roles)]) -> Context:
        settings: MembersSettings = request.app.state.settings
        return Context(caller=caller, cipher=request.app.state.cipher, policy=settings.policy, today=today())

    return Depends(dependency)


ReaderContext = Annotated[Context, _context(READERS)]
WriterContext = Annotated[Context, _context(WRITERS)]
