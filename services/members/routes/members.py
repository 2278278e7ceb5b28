"""`/api/v1/members`: member records."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from services.kit.auth import Caller, require_roles
from services.kit.db import ReadSessionDep, WriteSessionDep
from services.kit.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery, Page
from services.members import service
from services.members.schemas import Member, MemberCreate

router = APIRouter(prefix="/api/v1/members", tags=["members"])

Reader = Annotated[Caller, require_roles("org_admin", "viewer")]
Writer = Annotated[Caller, require_roles("org_admin")]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=Member)
async def create_member(data: MemberCreate, session: WriteSessionDep, caller: Writer) -> Member:
    return Member.model_validate(await service.create_member(session, caller, data))


@router.get("", response_model=Page[Member])
async def list_members(
    session: ReadSessionDep,
    caller: Reader,
    within: Annotated[uuid.UUID | None, Query(description="Only members of this organization's subtree")] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
) -> Page[Member]:
    members, next_cursor = await service.list_members(session, caller, within=within, cursor=cursor, limit=limit)
    return Page(items=[Member.model_validate(m) for m in members], next_cursor=next_cursor)
