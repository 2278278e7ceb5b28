"""`/api/v1/orgs`: the organization tree and its history."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from services.kit.db import ReadSessionDep, WriteSessionDep
from services.kit.idempotency import Idempotent
from services.kit.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery, Page
from services.kit.problems import answers
from services.kit.versioning import PreconditionsDep, set_etag
from services.orgs.enums import OrgKind, OrgStatus, OrgTier
from services.orgs.errors import (
    COMMUNITY_TAKEN,
    DUPLICATE_CODE,
    HAS_ACTIVE_CHILDREN,
    HAS_MEMBERS,
    INACTIVE_ORGANIZATION,
    INACTIVE_REFERENCE,
    INVALID_CURSOR,
    INVALID_MERGE,
    INVALID_PLACEMENT,
    INVALID_REQUEST,
    NOT_FOUND,
    PEER_UNAVAILABLE,
    RULE_VIOLATION,
    UNKNOWN_REFERENCE,
)
from services.orgs.routes.deps import AsOfQuery, MembersDep, Reader, Writer
from services.orgs.schemas.tree import Org, OrgCreate, OrgDissolve, OrgHistoryEntry, OrgMerge, OrgMove, OrgUpdate
from services.orgs.service import tree as service
from services.orgs.service.common import get_visible

router = APIRouter(prefix="/api/v1/orgs", tags=["orgs"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=Org,
    dependencies=[Idempotent],
    responses=answers(
        INVALID_REQUEST, UNKNOWN_REFERENCE, INACTIVE_REFERENCE, INVALID_PLACEMENT, DUPLICATE_CODE, COMMUNITY_TAKEN, RULE_VIOLATION
    ),
)
async def create_org(data: OrgCreate, session: WriteSessionDep, ctx: Writer) -> Org:
    return Org.model_validate(await service.create_org(session, ctx, data))


@router.get("", response_model=Page[Org], responses=answers(INVALID_CURSOR))
async def list_orgs(
    session: ReadSessionDep,
    ctx: Reader,
    within: Annotated[uuid.UUID | None, Query(description="Only this organization's subtree")] = None,
    tier: OrgTier | None = None,
    kind: OrgKind | None = None,
    status: OrgStatus | None = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
) -> Page[Org]:
    orgs, next_cursor = await service.list_orgs(
        session, ctx, within=within, parent_id=None, cursor=cursor, limit=limit, tier=tier, kind=kind, status=status
    )
    return Page(items=[Org.model_validate(o) for o in orgs], next_cursor=next_cursor)


@router.get("/{org_id}", response_model=Org, responses=answers(NOT_FOUND))
async def get_org(org_id: uuid.UUID, session: ReadSessionDep, ctx: Reader, response: Response) -> Org:
    org = await get_visible(session, ctx, org_id)
    set_etag(response, org.version)
    return Org.model_validate(org)


@router.patch(
    "/{org_id}",
    response_model=Org,
    description="`If-Match` with the ETag read last: 428 without, 412 if it changed since.",
    responses=answers(INVALID_REQUEST, NOT_FOUND, INACTIVE_ORGANIZATION, INVALID_PLACEMENT, DUPLICATE_CODE, RULE_VIOLATION),
)
async def update_org(
    org_id: uuid.UUID,
    data: OrgUpdate,
    session: WriteSessionDep,
    ctx: Writer,
    response: Response,
    preconditions: PreconditionsDep,
) -> Org:
    org = await service.update_org(session, ctx, org_id, data, preconditions=preconditions)
    set_etag(response, org.version)
    return Org.model_validate(org)


@router.get("/{org_id}/children", response_model=Page[Org], responses=answers(NOT_FOUND, INVALID_CURSOR))
async def list_children(
    org_id: uuid.UUID, session: ReadSessionDep, ctx: Reader, cursor: CursorQuery = None, limit: LimitQuery = DEFAULT_LIMIT
) -> Page[Org]:
    await get_visible(session, ctx, org_id)
    orgs, next_cursor = await service.list_orgs(session, ctx, within=None, parent_id=org_id, cursor=cursor, limit=limit)
    return Page(items=[Org.model_validate(o) for o in orgs], next_cursor=next_cursor)


@router.post(
    "/{org_id}/move",
    response_model=Org,
    dependencies=[Idempotent],
    responses=answers(
        INVALID_REQUEST, NOT_FOUND, INACTIVE_ORGANIZATION, UNKNOWN_REFERENCE, INACTIVE_REFERENCE, INVALID_PLACEMENT
    ),
)
async def move_org(org_id: uuid.UUID, data: OrgMove, session: WriteSessionDep, ctx: Writer) -> Org:
    return Org.model_validate(await service.move_org(session, ctx, org_id, data))


@router.post(
    "/{org_id}/merge",
    response_model=Org,
    description="Children move under `into_id`; this one stays as `merged`.",
    dependencies=[Idempotent],
    responses=answers(INVALID_REQUEST, NOT_FOUND, INACTIVE_ORGANIZATION, UNKNOWN_REFERENCE, INVALID_MERGE, INVALID_PLACEMENT),
)
async def merge_org(org_id: uuid.UUID, data: OrgMerge, session: WriteSessionDep, ctx: Writer, as_of: AsOfQuery = None) -> Org:
    return Org.model_validate(await service.merge_org(session, ctx, org_id, data, as_of=as_of))


@router.post(
    "/{org_id}/dissolve",
    response_model=Org,
    description="Refused (409) while active children or members remain; 503 when the members service cannot be asked.",
    dependencies=[Idempotent],
    responses=answers(NOT_FOUND, INACTIVE_ORGANIZATION, HAS_ACTIVE_CHILDREN, HAS_MEMBERS, PEER_UNAVAILABLE),
)
async def dissolve_org(
    org_id: uuid.UUID,
    session: WriteSessionDep,
    ctx: Writer,
    members: MembersDep,
    data: OrgDissolve | None = None,
    as_of: AsOfQuery = None,
) -> Org:
    dissolved = await service.dissolve_org(session, ctx, org_id, data or OrgDissolve(), members=members, as_of=as_of)
    return Org.model_validate(dissolved)


@router.get("/{org_id}/history", response_model=Page[OrgHistoryEntry], responses=answers(NOT_FOUND, INVALID_CURSOR))
async def org_history(
    org_id: uuid.UUID, session: ReadSessionDep, ctx: Reader, cursor: CursorQuery = None, limit: LimitQuery = DEFAULT_LIMIT
) -> Page[OrgHistoryEntry]:
    rows, next_cursor = await service.history(session, ctx, org_id, cursor=cursor, limit=limit)
    return Page(items=[OrgHistoryEntry.model_validate(r) for r in rows], next_cursor=next_cursor)
