"""`/api/v1/units`, `/api/v1/co-building` (amended, ended), `/api/v1/zones`, `/api/v1/posts` (holders changed,
closed; the posts a member holds)."""

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from services.kit.db import ReadSessionDep, WriteSessionDep
from services.kit.idempotency import Idempotent
from services.kit.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery, Page
from services.kit.problems import answers
from services.kit.versioning import PreconditionsDep, set_etag
from services.orgs.errors import (
    ALREADY_ENDED,
    INACTIVE_REFERENCE,
    INVALID_CURSOR,
    INVALID_REQUEST,
    JOINT_BRANCH_FULL,
    NOT_FOUND,
    PEER_UNAVAILABLE,
    RULE_VIOLATION,
    UNKNOWN_REFERENCE,
)
from services.orgs.routes.deps import AsOfQuery, MembersDep, Reader, Writer
from services.orgs.schemas.units import (
    CoBuilding,
    CoBuildingAmend,
    CoBuildingCreate,
    CoBuildingEnd,
    CoBuildingRevision,
    Post,
    PostClose,
    PostCreate,
    PostHolderChange,
    PostHolding,
    Unit,
    UnitCreate,
    UnitUpdate,
    Zone,
    ZoneCreate,
)
from services.orgs.service import units as service

router = APIRouter(prefix="/api/v1", tags=["units, zones and posts"])
WithinQuery = Annotated[uuid.UUID | None, Query(description="Only this organization's subtree")]


@router.post(
    "/units",
    status_code=status.HTTP_201_CREATED,
    response_model=Unit,
    description="A joint branch (`party_org_id` of kind joint_branch) joins at most 5 units (policy).",
    dependencies=[Idempotent],
    responses=answers(INVALID_REQUEST, UNKNOWN_REFERENCE, INACTIVE_REFERENCE, JOINT_BRANCH_FULL, RULE_VIOLATION),
)
async def create_unit(data: UnitCreate, session: WriteSessionDep, ctx: Writer) -> Unit:
    return Unit.model_validate(await service.create_unit(session, ctx, data))


@router.get("/units", response_model=Page[Unit], responses=answers(INVALID_CURSOR))
async def list_units(
    session: ReadSessionDep,
    ctx: Reader,
    community_id: uuid.UUID | None = None,
    within: WithinQuery = None,
    has_party_org: bool | None = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
) -> Page[Unit]:
    rows, next_cursor = await service.list_units(
        session, ctx, community_id=community_id, within=within, has_party_org=has_party_org, cursor=cursor, limit=limit
    )
    return Page(items=[Unit.model_validate(u) for u in rows], next_cursor=next_cursor)


@router.get("/units/{unit_id}", response_model=Unit, responses=answers(NOT_FOUND))
async def get_unit(unit_id: uuid.UUID, session: ReadSessionDep, ctx: Reader, response: Response) -> Unit:
    unit = await service.get_unit(session, ctx, unit_id)
    set_etag(response, unit.version)
    return Unit.model_validate(unit)


@router.patch(
    "/units/{unit_id}",
    response_model=Unit,
    description="`If-Match` with the ETag read last: 428 without, 412 if stale.",
    responses=answers(INVALID_REQUEST, NOT_FOUND, UNKNOWN_REFERENCE, INACTIVE_REFERENCE, JOINT_BRANCH_FULL, RULE_VIOLATION),
)
async def update_unit(
    unit_id: uuid.UUID,
    data: UnitUpdate,
    session: WriteSessionDep,
    ctx: Writer,
    response: Response,
    preconditions: PreconditionsDep,
) -> Unit:
    unit = await service.update_unit(session, ctx, unit_id, data, preconditions=preconditions)
    set_etag(response, unit.version)
    return Unit.model_validate(unit)


@router.post(
    "/co-building",
    status_code=status.HTTP_201_CREATED,
    response_model=CoBuilding,
    dependencies=[Idempotent],
    responses=answers(INVALID_REQUEST, UNKNOWN_REFERENCE),
)
async def create_co_building(data: CoBuildingCreate, session: WriteSessionDep, ctx: Writer) -> CoBuilding:
    return CoBuilding.model_validate(await service.create_co_building(session, ctx, data))


@router.get("/co-building", response_model=Page[CoBuilding], responses=answers(INVALID_CURSOR))
async def list_co_building(
    session: ReadSessionDep,
    ctx: Reader,
    community_id: uuid.UUID | None = None,
    unit_id: uuid.UUID | None = None,
    within: WithinQuery = None,
    active_on: Annotated[date | None, Query(description="Only agreements in force on this day (started, not ended)")] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
) -> Page[CoBuilding]:
    rows, next_cursor = await service.list_co_building(
        session,
        ctx,
        community_id=community_id,
        unit_id=unit_id,
        within=within,
        active_on=active_on,
        cursor=cursor,
        limit=limit,
    )
    return Page(items=[CoBuilding.model_validate(a) for a in rows], next_cursor=next_cursor)


@router.get("/co-building/{agreement_id}", response_model=CoBuilding, responses=answers(NOT_FOUND))
async def get_co_building(agreement_id: uuid.UUID, session: ReadSessionDep, ctx: Reader, response: Response) -> CoBuilding:
    agreement = await service.get_co_building(session, ctx, agreement_id)
    set_etag(response, agreement.version)
    return CoBuilding.model_validate(agreement)


@router.patch(
    "/co-building/{agreement_id}",
    response_model=CoBuilding,
    description="Amends an agreement (its start, planned end, content): a new version, the one before kept in "
    "`/revisions`. An ended agreement is not amended (409). `If-Match` with the ETag read last: 428 without, 412 if stale.",
    responses=answers(INVALID_REQUEST, NOT_FOUND, RULE_VIOLATION, ALREADY_ENDED),
)
async def amend_co_building(
    agreement_id: uuid.UUID,
    data: CoBuildingAmend,
    session: WriteSessionDep,
    ctx: Writer,
    response: Response,
    preconditions: PreconditionsDep,
) -> CoBuilding:
    agreement = await service.amend_co_building(session, ctx, agreement_id, data, preconditions=preconditions)
    set_etag(response, agreement.version)
    return CoBuilding.model_validate(agreement)


@router.post(
    "/co-building/{agreement_id}/end",
    response_model=CoBuilding,
    description="Ends an agreement on `ended_on` (its last day: not before its start, not in the future) for a `reason`; "
    "once (409 after). `If-Match` with the ETag read last: 428 without, 412 if stale.",
    dependencies=[Idempotent],
    responses=answers(INVALID_REQUEST, NOT_FOUND, RULE_VIOLATION, ALREADY_ENDED),
)
async def end_co_building(
    agreement_id: uuid.UUID,
    data: CoBuildingEnd,
    session: WriteSessionDep,
    ctx: Writer,
    response: Response,
    preconditions: PreconditionsDep,
) -> CoBuilding:
    agreement = await service.end_co_building(session, ctx, agreement_id, data, preconditions=preconditions)
    set_etag(response, agreement.version)
    return CoBuilding.model_validate(agreement)


@router.get(
    "/co-building/{agreement_id}/revisions",
    response_model=list[CoBuildingRevision],
    description="Each version the agreement had before an amendment or its end: the fields that changed, before and after.",
    responses=answers(NOT_FOUND),
)
async def co_building_revisions(agreement_id: uuid.UUID, session: ReadSessionDep, ctx: Reader) -> list[CoBuildingRevision]:
    return [CoBuildingRevision.model_validate(r) for r in await service.co_building_revisions(session, ctx, agreement_id)]


@router.post(
    "/zones",
    status_code=status.HTTP_201_CREATED,
    response_model=Zone,
    dependencies=[Idempotent],
    responses=answers(INVALID_REQUEST, UNKNOWN_REFERENCE, INACTIVE_REFERENCE, RULE_VIOLATION),
)
async def create_zone(data: ZoneCreate, session: WriteSessionDep, ctx: Writer) -> Zone:
    return Zone.model_validate(await service.create_zone(session, ctx, data))


@router.get("/zones", response_model=Page[Zone], responses=answers(INVALID_CURSOR))
async def list_zones(
    session: ReadSessionDep,
    ctx: Reader,
    within: WithinQuery = None,
    org_id: uuid.UUID | None = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
) -> Page[Zone]:
    rows, next_cursor = await service.list_zones(session, ctx, within=within, org_id=org_id, cursor=cursor, limit=limit)
    return Page(items=[Zone.model_validate(z) for z in rows], next_cursor=next_cursor)


@router.post(
    "/posts",
    status_code=status.HTTP_201_CREATED,
    response_model=Post,
    dependencies=[Idempotent],
    responses=answers(INVALID_REQUEST, UNKNOWN_REFERENCE, INACTIVE_REFERENCE, PEER_UNAVAILABLE),
)
async def create_post(data: PostCreate, session: WriteSessionDep, ctx: Writer, members: MembersDep) -> Post:
    post = await service.create_post(session, ctx, data, members=members)
    (view,) = await service.post_views(session, [post])
    return Post.model_validate(view)


@router.get("/posts", response_model=Page[Post], responses=answers(INVALID_CURSOR))
async def list_posts(
    session: ReadSessionDep,
    ctx: Reader,
    within: WithinQuery = None,
    org_id: uuid.UUID | None = None,
    member_id: Annotated[uuid.UUID | None, Query(description="Posts this member holds or held")] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
) -> Page[Post]:
    rows, next_cursor = await service.list_posts(
        session, ctx, within=within, org_id=org_id, member_id=member_id, cursor=cursor, limit=limit
    )
    return Page(items=[Post.model_validate(v) for v in await service.post_views(session, rows)], next_cursor=next_cursor)


@router.get(
    "/posts/holdings",
    response_model=Page[PostHolding],
    description="The posts (in the caller's scope) a member holds on `as_of` (today by default; `current=false`: "
    "held before or from later, closed posts included; `history=true`: every holding).",
    responses=answers(INVALID_REQUEST, INVALID_CURSOR),
)
async def post_holdings(
    session: ReadSessionDep,
    ctx: Reader,
    member_id: uuid.UUID,
    current: Annotated[bool, Query(description="Held on `as_of` (true) or not (false)")] = True,
    history: Annotated[bool, Query(description="Every holding, past and present (`current` ignored)")] = False,
    as_of: AsOfQuery = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
) -> Page[PostHolding]:
    items, next_cursor = await service.holdings(
        session, ctx, member_id=member_id, current=None if history else current, as_of=as_of, cursor=cursor, limit=limit
    )
    return Page(items=items, next_cursor=next_cursor)


@router.get("/posts/{post_id}", response_model=Post, responses=answers(NOT_FOUND))
async def get_post(post_id: uuid.UUID, session: ReadSessionDep, ctx: Reader, response: Response) -> Post:
    post = await service.get_post(session, ctx, post_id)
    set_etag(response, post.version)
    (view,) = await service.post_views(session, [post])
    return Post.model_validate(view)


@router.post(
    "/posts/{post_id}/holders",
    response_model=Post,
    description="A member holds the post from `since`; the holding of `replaces_member_id` (if named: it must run on the "
    "day before) ends the day before, and stays in `holders` as history. Members are named by ids in the caller's scope "
    "(unknown and out of scope: the same 422). A closed post takes no holder (409). "
    "`If-Match` with the post's ETag: 428 without, 412 if stale.",
    dependencies=[Idempotent],
    responses=answers(INVALID_REQUEST, NOT_FOUND, RULE_VIOLATION, UNKNOWN_REFERENCE, ALREADY_ENDED, PEER_UNAVAILABLE),
)
async def change_holder(
    post_id: uuid.UUID,
    data: PostHolderChange,
    session: WriteSessionDep,
    ctx: Writer,
    members: MembersDep,
    response: Response,
    preconditions: PreconditionsDep,
) -> Post:
    post = await service.change_holder(session, ctx, post_id, data, members=members, preconditions=preconditions)
    set_etag(response, post.version)
    (view,) = await service.post_views(session, [post])
    return Post.model_validate(view)


@router.post(
    "/posts/{post_id}/close",
    response_model=Post,
    description="Closes the post on `closed_on` (its last day: not in the future, not before the latest holding began); "
    "every holding still open ends on it, the history stays. Once (409 after). "
    "`If-Match` with the post's ETag: 428 without, 412 if stale.",
    dependencies=[Idempotent],
    responses=answers(INVALID_REQUEST, NOT_FOUND, RULE_VIOLATION, ALREADY_ENDED),
)
async def close_post(
    post_id: uuid.UUID,
    data: PostClose,
    session: WriteSessionDep,
    ctx: Writer,
    response: Response,
    preconditions: PreconditionsDep,
) -> Post:
    post = await service.close_post(session, ctx, post_id, data, preconditions=preconditions)
    set_etag(response, post.version)
    (view,) = await service.post_views(session, [post])
    return Post.model_validate(view)
