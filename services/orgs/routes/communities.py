"""`/api/v1/communities`: communities, their four bodies and their reserve cadres."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from services.kit.db import ReadSessionDep, WriteSessionDep
from services.kit.idempotency import Idempotent
from services.kit.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery, Page
from services.kit.problems import answers
from services.kit.versioning import PreconditionsDep, set_etag
from services.orgs.enums import BodyKind, Setting
from services.orgs.errors import (
    COMMUNITY_TAKEN,
    DUPLICATE_TERM,
    INACTIVE_REFERENCE,
    INVALID_CURSOR,
    INVALID_REQUEST,
    NO_PARTY_ORGANIZATION,
    NOT_FOUND,
    PEER_UNAVAILABLE,
    RULE_VIOLATION,
    UNKNOWN_REFERENCE,
)
from services.orgs.routes.deps import AsOfQuery, MembersDep, Reader, Writer
from services.orgs.schemas.communities import (
    BodyTerm,
    BodyTermCreate,
    Community,
    CommunityCreate,
    CommunityUpdate,
    LeadingGoose,
    ReserveCadre,
    ReserveCadreCreate,
)
from services.orgs.service import communities as service

router = APIRouter(prefix="/api/v1/communities", tags=["communities"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=Community,
    dependencies=[Idempotent],
    responses=answers(INVALID_REQUEST, UNKNOWN_REFERENCE, INACTIVE_REFERENCE, COMMUNITY_TAKEN, RULE_VIOLATION),
)
async def create_community(data: CommunityCreate, session: WriteSessionDep, ctx: Writer) -> Community:
    return Community.model_validate(await service.create_community(session, ctx, data))


@router.get("", response_model=Page[Community], responses=answers(INVALID_CURSOR))
async def list_communities(
    session: ReadSessionDep,
    ctx: Reader,
    within: Annotated[
        uuid.UUID | None, Query(description="Communities whose township or top organization is in this subtree")
    ] = None,
    setting: Setting | None = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
) -> Page[Community]:
    rows, next_cursor = await service.list_communities(session, ctx, within=within, setting=setting, cursor=cursor, limit=limit)
    return Page(items=[Community.model_validate(c) for c in rows], next_cursor=next_cursor)


@router.get("/{community_id}", response_model=Community, responses=answers(NOT_FOUND))
async def get_community(community_id: uuid.UUID, session: ReadSessionDep, ctx: Reader, response: Response) -> Community:
    community = await service.get_community(session, ctx, community_id)
    set_etag(response, community.version)
    return Community.model_validate(community)


@router.patch(
    "/{community_id}",
    response_model=Community,
    description="A new setting is passed on to every organization of the community (`org.updated` each). "
    "`If-Match` with the ETag read last: 428 without, 412 if it changed since.",
    responses=answers(INVALID_REQUEST, NOT_FOUND, UNKNOWN_REFERENCE, INACTIVE_REFERENCE, COMMUNITY_TAKEN, RULE_VIOLATION),
)
async def update_community(
    community_id: uuid.UUID,
    data: CommunityUpdate,
    session: WriteSessionDep,
    ctx: Writer,
    response: Response,
    preconditions: PreconditionsDep,
) -> Community:
    community = await service.update_community(session, ctx, community_id, data, preconditions=preconditions)
    set_etag(response, community.version)
    return Community.model_validate(community)


@router.post(
    "/{community_id}/bodies",
    status_code=status.HTTP_201_CREATED,
    response_model=BodyTerm,
    dependencies=[Idempotent],
    responses=answers(INVALID_REQUEST, NOT_FOUND, DUPLICATE_TERM, UNKNOWN_REFERENCE, PEER_UNAVAILABLE),
)
async def add_body_term(
    community_id: uuid.UUID, data: BodyTermCreate, session: WriteSessionDep, ctx: Writer, members: MembersDep
) -> BodyTerm:
    return BodyTerm.model_validate(await service.add_body_term(session, ctx, community_id, data, members=members))


@router.get("/{community_id}/bodies", response_model=list[BodyTerm], responses=answers(NOT_FOUND))
async def list_bodies(
    community_id: uuid.UUID, session: ReadSessionDep, ctx: Reader, kind: BodyKind | None = None
) -> list[BodyTerm]:
    return [BodyTerm.model_validate(b) for b in await service.list_bodies(session, ctx, community_id, kind=kind)]


@router.post(
    "/{community_id}/reserve-cadres",
    status_code=status.HTTP_201_CREATED,
    response_model=ReserveCadre,
    dependencies=[Idempotent],
    responses=answers(INVALID_REQUEST, NOT_FOUND, UNKNOWN_REFERENCE, PEER_UNAVAILABLE),
)
async def add_reserve_cadre(
    community_id: uuid.UUID, data: ReserveCadreCreate, session: WriteSessionDep, ctx: Writer, members: MembersDep
) -> ReserveCadre:
    return ReserveCadre.model_validate(await service.add_reserve_cadre(session, ctx, community_id, data, members=members))


@router.get("/{community_id}/reserve-cadres", response_model=list[ReserveCadre], responses=answers(NOT_FOUND))
async def list_reserve_cadres(community_id: uuid.UUID, session: ReadSessionDep, ctx: Reader) -> list[ReserveCadre]:
    return [ReserveCadre.model_validate(c) for c in await service.list_reserve_cadres(session, ctx, community_id)]


@router.get(
    "/{community_id}/leading-goose",
    response_model=LeadingGoose,
    description='The community\'s team against the 領頭雁 standard "三個60%": shares with college education or above, '
    "under the age limit, and cross-appointed (holding a concurrent post), thresholds from the policy; 503 when the "
    "members service cannot be asked for birth dates and education.",
    responses=answers(INVALID_REQUEST, NOT_FOUND, NO_PARTY_ORGANIZATION, PEER_UNAVAILABLE),
)
async def leading_goose(
    community_id: uuid.UUID,
    session: ReadSessionDep,
    ctx: Reader,
    members: MembersDep,
    as_of: AsOfQuery = None,
) -> LeadingGoose:
    return await service.leading_goose(session, ctx, community_id, members=members, as_of=as_of)
