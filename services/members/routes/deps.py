"""Dependencies the members routes share: the operation context and who may use which route.

`ReaderContext` / `WriterContext` admit people by role, our services by the `service` role and
other systems by the scopes `members:read` / `members:write` (kit.auth.admits); the
administrative roles and `member` accounts get 403. `OwnRecordContext` also admits a `member`
account, whose queries `service.common.visible` then confines to their own record.
"""

from typing import Annotated

from services.kit.context import operation_context, self_context
from services.members.service.common import MembersContext

RESOURCE = "members"
READERS = ("org_admin", "viewer", "service")
WRITERS = ("org_admin",)

ReaderContext = Annotated[MembersContext, operation_context(MembersContext, RESOURCE, *READERS)]
WriterContext = Annotated[MembersContext, operation_context(MembersContext, RESOURCE, *WRITERS, write=True)]
OwnRecordContext = Annotated[MembersContext, operation_context(MembersContext, RESOURCE, *READERS, own_record=True)]
# A member's own view (`/api/v1/me/...`): a `member` account linked to a member record, answered
# for exactly that record (kit.auth.admits_self).
SelfContext = Annotated[MembersContext, self_context(MembersContext)]
