"""`/api/v1/orgs`: the organization tree."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from services.kit.auth import Caller, require_roles
from services.kit.db import ReadSessionDep, WriteSessionDep
from services.kit.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery, Page
from services.orgs import service
from services.orgs.schemas import Org, OrgCreate, OrgMove

router = APIRouter(prefix="/api/v1/orgs", tags=["orgs"])

READERS = ("org_admin", "viewer", "service")
WRITERS = ("org_admin",)
Reader = Annotated[Caller, require_roles(*READERS)]
Writer = Annotated[Caller, require_roles(*WRITERS)]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=Org)
async def create_org(data: OrgCreate, session: WriteSessionDep, caller: Writer) -> Org:
    return Org.model_validate(await service.create_org(session, caller, data))


@router.get("", response_model=Page[Org])
async def list_orgs(
    session: ReadSessionDep,
    caller: Reader,
    within: Annotated[uuid.UUID | None, Query(description="Only this organization's subtree")] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
) -> Page[Org]:
    orgs, next_cursor = await service.list_orgs(session, caller, within=within, parent_id=None, cursor=cursor, limit=limit)
    return Page(items=[Org.model_validate(o) for o in orgs], next_cursor=next_cursor)


@router.get("/{org_id}", response_model=Org)
async def get_org(org_id: uuid.UUID, session: ReadSessionDep, caller: Reader) -> Org:
    return Org.model_validate(await service.get_visible(session, caller, org_id))


@router.get("/{org_id}/children", response_model=Page[Org])
async def list_children(
    org_id: uuid.UUID, session: ReadSessionDep, caller: Reader, cursor: CursorQuery = None, limit: LimitQuery = DEFAULT_LIMIT
) -> Page[Org]:
    await service.get_visible(session, caller, org_id)
    orgs, next_cursor = await service.list_orgs(session, caller, within=None, parent_id=org_id, cursor=cursor, limit=limit)
    return Page(items=[Org.model_validate(o) for o in orgs], next_cursor=next_cursor)


@router.post("/{org_id}/move", response_model=Org)
async def move_org(org_id: uuid.UUID, data: OrgMove, session: WriteSessionDep, caller: Writer) -> Org:
    return Org.model_validate(await service.move_org(session, caller, org_id, data))
