"""`/api/v1/units`, `/api/v1/co-building`, `/api/v1/zones`, `/api/v1/posts`."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from services.kit.db import ReadSessionDep, WriteSessionDep
from services.kit.idempotency import Idempotent
from services.kit.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery, Page
from services.kit.versioning import PreconditionsDep, set_etag
from services.orgs.routes.deps import MembersDep, PolicyDep, Reader, Writer
from services.orgs.schemas import CoBuilding, CoBuildingCreate, Post, PostCreate, Unit, UnitCreate, UnitUpdate, Zone, ZoneCreate
from services.orgs.service import units as service
from services.orgs.service.members_peer import known_members

router = APIRouter(prefix="/api/v1", tags=["units, zones and posts"])
WithinQuery = Annotated[uuid.UUID | None, Query(description="Only this organization's subtree")]


@router.post(
    "/units",
    status_code=status.HTTP_201_CREATED,
    response_model=Unit,
    description="A joint branch (`party_org_id` of kind joint_branch) joins at most 5 units (policy).",
    dependencies=[Idempotent],
)
async def create_unit(data: UnitCreate, session: WriteSessionDep, caller: Writer, policy: PolicyDep) -> Unit:
    return Unit.model_validate(await service.create_unit(session, caller, data, policy))


@router.get("/units", response_model=Page[Unit])
async def list_units(
    session: ReadSessionDep,
    caller: Reader,
    community_id: uuid.UUID | None = None,
    within: WithinQuery = None,
    has_party_org: bool | None = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
) -> Page[Unit]:
    rows, next_cursor = await service.list_units(
        session, caller, community_id=community_id, within=within, has_party_org=has_party_org, cursor=cursor, limit=limit
    )
    return Page(items=[Unit.model_validate(u) for u in rows], next_cursor=next_cursor)


@router.get("/units/{unit_id}", response_model=Unit)
async def get_unit(unit_id: uuid.UUID, session: ReadSessionDep, caller: Reader, response: Response) -> Unit:
    unit = await service.get_unit(session, caller, unit_id)
    set_etag(response, unit.version)
    return Unit.model_validate(unit)


@router.patch(
    "/units/{unit_id}", response_model=Unit, description="`If-Match` with the ETag read last: 428 without, 412 if stale."
)
async def update_unit(
    unit_id: uuid.UUID,
    data: UnitUpdate,
    session: WriteSessionDep,
    caller: Writer,
    policy: PolicyDep,
    response: Response,
    preconditions: PreconditionsDep,
) -> Unit:
    unit = await service.update_unit(session, caller, unit_id, data, policy, preconditions=preconditions)
    set_etag(response, unit.version)
    return Unit.model_validate(unit)


@router.post("/co-building", status_code=status.HTTP_201_CREATED, response_model=CoBuilding, dependencies=[Idempotent])
async def create_co_building(data: CoBuildingCreate, session: WriteSessionDep, caller: Writer) -> CoBuilding:
    return CoBuilding.model_validate(await service.create_co_building(session, caller, data))


@router.get("/co-building", response_model=Page[CoBuilding])
async def list_co_building(
    session: ReadSessionDep,
    caller: Reader,
    community_id: uuid.UUID | None = None,
    unit_id: uuid.UUID | None = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
) -> Page[CoBuilding]:
    rows, next_cursor = await service.list_co_building(
        session, caller, community_id=community_id, unit_id=unit_id, cursor=cursor, limit=limit
    )
    return Page(items=[CoBuilding.model_validate(a) for a in rows], next_cursor=next_cursor)


@router.post("/zones", status_code=status.HTTP_201_CREATED, response_model=Zone, dependencies=[Idempotent])
async def create_zone(data: ZoneCreate, session: WriteSessionDep, caller: Writer) -> Zone:
    return Zone.model_validate(await service.create_zone(session, caller, data))


@router.get("/zones", response_model=Page[Zone])
async def list_zones(
    session: ReadSessionDep,
    caller: Reader,
    within: WithinQuery = None,
    org_id: uuid.UUID | None = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
) -> Page[Zone]:
    rows, next_cursor = await service.list_zones(session, caller, within=within, org_id=org_id, cursor=cursor, limit=limit)
    return Page(items=[Zone.model_validate(z) for z in rows], next_cursor=next_cursor)


@router.post("/posts", status_code=status.HTTP_201_CREATED, response_model=Post, dependencies=[Idempotent])
async def create_post(data: PostCreate, session: WriteSessionDep, caller: Writer, members: MembersDep) -> Post:
    known = await known_members(members, [h.member_id for h in data.holders]) if data.holders else set()
    post = await service.create_post(session, caller, data, known)
    (view,) = await service.post_views(session, [post])
    return Post.model_validate(view)


@router.get("/posts", response_model=Page[Post])
async def list_posts(
    session: ReadSessionDep,
    caller: Reader,
    within: WithinQuery = None,
    org_id: uuid.UUID | None = None,
    member_id: Annotated[uuid.UUID | None, Query(description="Posts this member holds or held")] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
) -> Page[Post]:
    rows, next_cursor = await service.list_posts(
        session, caller, within=within, org_id=org_id, member_id=member_id, cursor=cursor, limit=limit
    )
    return Page(items=[Post.model_validate(v) for v in await service.post_views(session, rows)], next_cursor=next_cursor)
