"""`/api/v1/orgs`: the organization tree, its history and its diagnostics."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from services.kit.db import ReadSessionDep, WriteSessionDep
from services.kit.idempotency import Idempotent
from services.kit.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery, Page
from services.kit.versioning import PreconditionsDep, set_etag
from services.orgs import service
from services.orgs.routes.deps import AsOfQuery, MembersDep, PolicyDep, Reader, Writer
from services.orgs.schemas import (
    Diagnostics,
    Org,
    OrgCreate,
    OrgDissolve,
    OrgHistoryEntry,
    OrgKind,
    OrgMerge,
    OrgMove,
    OrgStatus,
    OrgTier,
    OrgUpdate,
)
from services.orgs.service import diagnostics

router = APIRouter(prefix="/api/v1/orgs", tags=["orgs"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=Org, dependencies=[Idempotent])
async def create_org(data: OrgCreate, session: WriteSessionDep, caller: Writer) -> Org:
    return Org.model_validate(await service.create_org(session, caller, data))


@router.get("", response_model=Page[Org])
async def list_orgs(
    session: ReadSessionDep,
    caller: Reader,
    within: Annotated[uuid.UUID | None, Query(description="Only this organization's subtree")] = None,
    tier: OrgTier | None = None,
    kind: OrgKind | None = None,
    status: OrgStatus | None = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
) -> Page[Org]:
    orgs, next_cursor = await service.list_orgs(
        session, caller, within=within, parent_id=None, cursor=cursor, limit=limit, tier=tier, kind=kind, status=status
    )
    return Page(items=[Org.model_validate(o) for o in orgs], next_cursor=next_cursor)


@router.get("/{org_id}", response_model=Org)
async def get_org(org_id: uuid.UUID, session: ReadSessionDep, caller: Reader, response: Response) -> Org:
    org = await service.get_visible(session, caller, org_id)
    set_etag(response, org.version)
    return Org.model_validate(org)


@router.patch(
    "/{org_id}", response_model=Org, description="`If-Match` with the ETag read last: 428 without, 412 if it changed since."
)
async def update_org(
    org_id: uuid.UUID,
    data: OrgUpdate,
    session: WriteSessionDep,
    caller: Writer,
    response: Response,
    preconditions: PreconditionsDep,
) -> Org:
    org = await service.update_org(session, caller, org_id, data, preconditions=preconditions)
    set_etag(response, org.version)
    return Org.model_validate(org)


@router.get("/{org_id}/children", response_model=Page[Org])
async def list_children(
    org_id: uuid.UUID, session: ReadSessionDep, caller: Reader, cursor: CursorQuery = None, limit: LimitQuery = DEFAULT_LIMIT
) -> Page[Org]:
    await service.get_visible(session, caller, org_id)
    orgs, next_cursor = await service.list_orgs(session, caller, within=None, parent_id=org_id, cursor=cursor, limit=limit)
    return Page(items=[Org.model_validate(o) for o in orgs], next_cursor=next_cursor)


@router.post("/{org_id}/move", response_model=Org, dependencies=[Idempotent])
async def move_org(org_id: uuid.UUID, data: OrgMove, session: WriteSessionDep, caller: Writer) -> Org:
    return Org.model_validate(await service.move_org(session, caller, org_id, data))


@router.post(
    "/{org_id}/merge",
    response_model=Org,
    description="Children move under `into_id`; this one stays as `merged`.",
    dependencies=[Idempotent],
)
async def merge_org(org_id: uuid.UUID, data: OrgMerge, session: WriteSessionDep, caller: Writer, as_of: AsOfQuery = None) -> Org:
    return Org.model_validate(await service.merge_org(session, caller, org_id, data, as_of=as_of))


@router.post(
    "/{org_id}/dissolve",
    response_model=Org,
    description="Refused (409) while active children or members remain; 503 when the members service cannot be asked.",
    dependencies=[Idempotent],
)
async def dissolve_org(
    org_id: uuid.UUID,
    session: WriteSessionDep,
    caller: Writer,
    members: MembersDep,
    data: OrgDissolve | None = None,
    as_of: AsOfQuery = None,
) -> Org:
    return Org.model_validate(await service.dissolve_org(session, caller, org_id, data or OrgDissolve(), members, as_of=as_of))


@router.get("/{org_id}/history", response_model=Page[OrgHistoryEntry])
async def org_history(
    org_id: uuid.UUID, session: ReadSessionDep, caller: Reader, cursor: CursorQuery = None, limit: LimitQuery = DEFAULT_LIMIT
) -> Page[OrgHistoryEntry]:
    rows, next_cursor = await service.history(session, caller, org_id, cursor=cursor, limit=limit)
    return Page(items=[OrgHistoryEntry.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.get(
    "/{org_id}/diagnostics",
    response_model=Diagnostics,
    description="Organization-setup problems in the subtree (form, team, secretary, terms, branch size, reserve cadres); "
    "503 when the members service cannot be asked for its counts.",
)
async def org_diagnostics(
    org_id: uuid.UUID, session: ReadSessionDep, caller: Reader, policy: PolicyDep, members: MembersDep, as_of: AsOfQuery = None
) -> Diagnostics:
    return await diagnostics.diagnose(session, caller, org_id, policy, members, as_of=as_of)
