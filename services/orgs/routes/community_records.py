"""`/api/v1/cooperatives`, `/api/v1/community-workers`, `/api/v1/community-venues`: a community's small
records the diagnostics judge."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from services.kit.db import ReadSessionDep, WriteSessionDep
from services.kit.idempotency import Idempotent
from services.kit.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery, Page
from services.kit.problems import answers
from services.kit.versioning import PreconditionsDep, set_etag
from services.orgs.errors import INACTIVE_REFERENCE, INVALID_CURSOR, INVALID_REQUEST, NOT_FOUND, RULE_VIOLATION, UNKNOWN_REFERENCE
from services.orgs.routes.deps import Reader, Writer
from services.orgs.schemas.community_records import (
    CommunityWorker,
    CommunityWorkerCreate,
    CommunityWorkerUpdate,
    Cooperative,
    CooperativeCreate,
    CooperativeUpdate,
    Venue,
    VenueCreate,
    VenueUpdate,
)
from services.orgs.service import community_records as service

router = APIRouter(prefix="/api/v1", tags=["community records"])
WithinQuery = Annotated[uuid.UUID | None, Query(description="Only communities in this organization's subtree")]
IF_MATCH = "`If-Match` with the ETag read last: 428 without, 412 if stale."


@router.post(
    "/cooperatives",
    status_code=status.HTTP_201_CREATED,
    response_model=Cooperative,
    description="`party_org_id`, if given, is an organization of the cooperative's community (its top one "
    "included: the merged case the diagnostics call out).",
    dependencies=[Idempotent],
    responses=answers(INVALID_REQUEST, UNKNOWN_REFERENCE, INACTIVE_REFERENCE, RULE_VIOLATION),
)
async def create_cooperative(data: CooperativeCreate, session: WriteSessionDep, ctx: Writer) -> Cooperative:
    return Cooperative.model_validate(await service.create_cooperative(session, ctx, data))


@router.get("/cooperatives", response_model=Page[Cooperative], responses=answers(INVALID_CURSOR))
async def list_cooperatives(
    session: ReadSessionDep,
    ctx: Reader,
    community_id: uuid.UUID | None = None,
    within: WithinQuery = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
) -> Page[Cooperative]:
    rows, next_cursor = await service.list_cooperatives(
        session, ctx, community_id=community_id, within=within, cursor=cursor, limit=limit
    )
    return Page(items=[Cooperative.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.get("/cooperatives/{cooperative_id}", response_model=Cooperative, responses=answers(NOT_FOUND))
async def get_cooperative(cooperative_id: uuid.UUID, session: ReadSessionDep, ctx: Reader, response: Response) -> Cooperative:
    cooperative = await service.get_cooperative(session, ctx, cooperative_id)
    set_etag(response, cooperative.version)
    return Cooperative.model_validate(cooperative)


@router.patch(
    "/cooperatives/{cooperative_id}",
    response_model=Cooperative,
    description=IF_MATCH,
    responses=answers(INVALID_REQUEST, NOT_FOUND, UNKNOWN_REFERENCE, INACTIVE_REFERENCE, RULE_VIOLATION),
)
async def update_cooperative(
    cooperative_id: uuid.UUID,
    data: CooperativeUpdate,
    session: WriteSessionDep,
    ctx: Writer,
    response: Response,
    preconditions: PreconditionsDep,
) -> Cooperative:
    cooperative = await service.update_cooperative(session, ctx, cooperative_id, data, preconditions=preconditions)
    set_etag(response, cooperative.version)
    return Cooperative.model_validate(cooperative)


@router.post(
    "/community-workers",
    status_code=status.HTTP_201_CREATED,
    response_model=CommunityWorker,
    dependencies=[Idempotent],
    responses=answers(INVALID_REQUEST, UNKNOWN_REFERENCE),
)
async def create_worker(data: CommunityWorkerCreate, session: WriteSessionDep, ctx: Writer) -> CommunityWorker:
    return CommunityWorker.model_validate(await service.create_worker(session, ctx, data))


@router.get("/community-workers", response_model=Page[CommunityWorker], responses=answers(INVALID_CURSOR))
async def list_workers(
    session: ReadSessionDep,
    ctx: Reader,
    community_id: uuid.UUID | None = None,
    within: WithinQuery = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
) -> Page[CommunityWorker]:
    rows, next_cursor = await service.list_workers(
        session, ctx, community_id=community_id, within=within, cursor=cursor, limit=limit
    )
    return Page(items=[CommunityWorker.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.get("/community-workers/{worker_id}", response_model=CommunityWorker, responses=answers(NOT_FOUND))
async def get_worker(worker_id: uuid.UUID, session: ReadSessionDep, ctx: Reader, response: Response) -> CommunityWorker:
    worker = await service.get_worker(session, ctx, worker_id)
    set_etag(response, worker.version)
    return CommunityWorker.model_validate(worker)


@router.patch(
    "/community-workers/{worker_id}",
    response_model=CommunityWorker,
    description=IF_MATCH + " A worker who leaves gets `until`.",
    responses=answers(INVALID_REQUEST, NOT_FOUND, RULE_VIOLATION),
)
async def update_worker(
    worker_id: uuid.UUID,
    data: CommunityWorkerUpdate,
    session: WriteSessionDep,
    ctx: Writer,
    response: Response,
    preconditions: PreconditionsDep,
) -> CommunityWorker:
    worker = await service.update_worker(session, ctx, worker_id, data, preconditions=preconditions)
    set_etag(response, worker.version)
    return CommunityWorker.model_validate(worker)


@router.post(
    "/community-venues",
    status_code=status.HTTP_201_CREATED,
    response_model=Venue,
    description="`facilities` are Facility codes, each kept once.",
    dependencies=[Idempotent],
    responses=answers(INVALID_REQUEST, UNKNOWN_REFERENCE),
)
async def create_venue(data: VenueCreate, session: WriteSessionDep, ctx: Writer) -> Venue:
    return Venue.model_validate(await service.create_venue(session, ctx, data))


@router.get("/community-venues", response_model=Page[Venue], responses=answers(INVALID_CURSOR))
async def list_venues(
    session: ReadSessionDep,
    ctx: Reader,
    community_id: uuid.UUID | None = None,
    within: WithinQuery = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
) -> Page[Venue]:
    rows, next_cursor = await service.list_venues(
        session, ctx, community_id=community_id, within=within, cursor=cursor, limit=limit
    )
    return Page(items=[Venue.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.get("/community-venues/{venue_id}", response_model=Venue, responses=answers(NOT_FOUND))
async def get_venue(venue_id: uuid.UUID, session: ReadSessionDep, ctx: Reader, response: Response) -> Venue:
    venue = await service.get_venue(session, ctx, venue_id)
    set_etag(response, venue.version)
    return Venue.model_validate(venue)


@router.patch(
    "/community-venues/{venue_id}",
    response_model=Venue,
    description=IF_MATCH + " A venue no longer used gets `closed_on`.",
    responses=answers(INVALID_REQUEST, NOT_FOUND, RULE_VIOLATION),
)
async def update_venue(
    venue_id: uuid.UUID,
    data: VenueUpdate,
    session: WriteSessionDep,
    ctx: Writer,
    response: Response,
    preconditions: PreconditionsDep,
) -> Venue:
    venue = await service.update_venue(session, ctx, venue_id, data, preconditions=preconditions)
    set_etag(response, venue.version)
    return Venue.model_validate(venue)
