"""`/api/v1/communities`: communities, their bodies and their reserve cadres; `/api/v1/reserve-cadres`: the
district-wide reserve list and one cadre (updated, ended)."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from services.kit.db import ReadSessionDep, WriteSessionDep
from services.kit.idempotency import Idempotent
from services.kit.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery, Page
from services.kit.problems import answers
from services.kit.versioning import PreconditionsDep, set_etag
from services.orgs.enums import BodyKind, Education, ReserveEndReason, Setting
from services.orgs.errors import (
    ALREADY_ENDED,
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
    ReserveCadreEnd,
    ReserveCadreUpdate,
    ReservePoolQuery,
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
    description="Records a term of a community body, checked as an organization's term is: a higher number than the "
    "latest of that body, a later start, the election no later than the start and at most the policy's years off the "
    "previous term's planned end; `ends_on` planned from the policy (`body_term_years`, 5) when left out and never "
    "later; with election figures, more than half of the registered voters voted and each elected has more than half "
    "of the votes (policy; a `party_organization` body: the party's shares).",
    responses=answers(INVALID_REQUEST, NOT_FOUND, DUPLICATE_TERM, RULE_VIOLATION, UNKNOWN_REFERENCE, PEER_UNAVAILABLE),
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


# The district-wide reserve list and one cadre's record (`/api/v1/reserve-cadres`).
reserve_router = APIRouter(prefix="/api/v1/reserve-cadres", tags=["communities"])


@reserve_router.get(
    "",
    response_model=Page[ReserveCadre],
    description="The reserve cadres of every community in the caller's scope (`within`: of communities whose township "
    "or top organization is in that subtree). By default those in the pool on `as_of` (today); `current=false` those "
    "not (left, or not yet in); `education` (repeatable), `college_or_above`, `age_under` (whole years on `as_of`), "
    "`end_reason`, `member_id`, `community_id` narrow it.",
    responses=answers(INVALID_REQUEST, INVALID_CURSOR),
)
async def reserve_pool(
    session: ReadSessionDep,
    ctx: Reader,
    within: Annotated[uuid.UUID | None, Query(description="Only communities of this subtree")] = None,
    community_id: uuid.UUID | None = None,
    education: Annotated[list[Education] | None, Query(max_length=len(Education))] = None,
    college_or_above: bool | None = None,
    age_under: Annotated[int | None, Query(ge=1, le=150)] = None,
    current: Annotated[bool | None, Query(description="In the pool on `as_of` (true, the default) or not")] = True,
    as_of: AsOfQuery = None,
    end_reason: ReserveEndReason | None = None,
    member_id: uuid.UUID | None = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
) -> Page[ReserveCadre]:
    query = ReservePoolQuery(
        within=within,
        community_id=community_id,
        education=education or [],
        college_or_above=college_or_above,
        age_under=age_under,
        current=current,
        as_of=as_of,
        end_reason=end_reason,
        member_id=member_id,
    )
    rows, next_cursor = await service.reserve_pool(session, ctx, query, cursor=cursor, limit=limit)
    return Page(items=[ReserveCadre.model_validate(c) for c in rows], next_cursor=next_cursor)


@reserve_router.get("/{cadre_id}", response_model=ReserveCadre, responses=answers(NOT_FOUND))
async def get_reserve_cadre(cadre_id: uuid.UUID, session: ReadSessionDep, ctx: Reader, response: Response) -> ReserveCadre:
    cadre = await service.get_reserve_cadre(session, ctx, cadre_id)
    set_etag(response, cadre.version)
    return ReserveCadre.model_validate(cadre)


@reserve_router.patch(
    "/{cadre_id}",
    response_model=ReserveCadre,
    description="Corrects a cadre's record (a party member among them named by an id in the caller's scope). "
    "`If-Match` with the ETag read last: 428 without, 412 if stale.",
    responses=answers(INVALID_REQUEST, NOT_FOUND, RULE_VIOLATION, UNKNOWN_REFERENCE, PEER_UNAVAILABLE),
)
async def update_reserve_cadre(
    cadre_id: uuid.UUID,
    data: ReserveCadreUpdate,
    session: WriteSessionDep,
    ctx: Writer,
    members: MembersDep,
    response: Response,
    preconditions: PreconditionsDep,
) -> ReserveCadre:
    cadre = await service.update_reserve_cadre(session, ctx, cadre_id, data, members=members, preconditions=preconditions)
    set_etag(response, cadre.version)
    return ReserveCadre.model_validate(cadre)


@reserve_router.post(
    "/{cadre_id}/end",
    response_model=ReserveCadre,
    description="The cadre leaves the pool on `until` (not before `since`, not in the future): `promoted` to a post, "
    "`removed` from the pool, or `left`; kept in the list with `current=false`. Once only (409 after). "
    "`If-Match` with the ETag read last: 428 without, 412 if stale.",
    dependencies=[Idempotent],
    responses=answers(INVALID_REQUEST, NOT_FOUND, RULE_VIOLATION, ALREADY_ENDED),
)
async def end_reserve_cadre(
    cadre_id: uuid.UUID,
    data: ReserveCadreEnd,
    session: WriteSessionDep,
    ctx: Writer,
    response: Response,
    preconditions: PreconditionsDep,
) -> ReserveCadre:
    cadre = await service.end_reserve_cadre(session, ctx, cadre_id, data, preconditions=preconditions)
    set_etag(response, cadre.version)
    return ReserveCadre.model_validate(cadre)
