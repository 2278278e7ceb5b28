"""`/api/v1/communities`: communities, their four bodies and their reserve cadres."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from services.kit.db import ReadSessionDep, WriteSessionDep
from services.kit.idempotency import Idempotent
from services.kit.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery, Page
from services.kit.versioning import PreconditionsDep, set_etag
from services.orgs.routes.deps import AsOfQuery, MembersDep, PolicyDep, Reader, Writer
from services.orgs.schemas import (
    BodyKind,
    BodyTerm,
    BodyTermCreate,
    Community,
    CommunityCreate,
    CommunityUpdate,
    LeadingGoose,
    ReserveCadre,
    ReserveCadreCreate,
    Setting,
)
from services.orgs.service import communities as service
from services.orgs.service.members_peer import known_members

router = APIRouter(prefix="/api/v1/communities", tags=["communities"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=Community, dependencies=[Idempotent])
async def create_community(data: CommunityCreate, session: WriteSessionDep, caller: Writer) -> Community:
    return Community.model_validate(await service.create_community(session, caller, data))


@router.get("", response_model=Page[Community])
async def list_communities(
    session: ReadSessionDep,
    caller: Reader,
    within: Annotated[
        uuid.UUID | None, Query(description="Communities whose township or top organization is in this subtree")
    ] = None,
    setting: Setting | None = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
) -> Page[Community]:
    rows, next_cursor = await service.list_communities(
        session, caller, within=within, setting=setting, cursor=cursor, limit=limit
    )
    return Page(items=[Community.model_validate(c) for c in rows], next_cursor=next_cursor)


@router.get("/{community_id}", response_model=Community)
async def get_community(community_id: uuid.UUID, session: ReadSessionDep, caller: Reader, response: Response) -> Community:
    community = await service.get_community(session, caller, community_id)
    set_etag(response, community.version)
    return Community.model_validate(community)


@router.patch(
    "/{community_id}",
    response_model=Community,
    description="A new setting is passed on to every organization of the community (`org.updated` each). "
    "`If-Match` with the ETag read last: 428 without, 412 if it changed since.",
)
async def update_community(
    community_id: uuid.UUID,
    data: CommunityUpdate,
    session: WriteSessionDep,
    caller: Writer,
    response: Response,
    preconditions: PreconditionsDep,
) -> Community:
    community = await service.update_community(session, caller, community_id, data, preconditions=preconditions)
    set_etag(response, community.version)
    return Community.model_validate(community)


@router.post("/{community_id}/bodies", status_code=status.HTTP_201_CREATED, response_model=BodyTerm, dependencies=[Idempotent])
async def add_body_term(community_id: uuid.UUID, data: BodyTermCreate, session: WriteSessionDep, caller: Writer) -> BodyTerm:
    return BodyTerm.model_validate(await service.add_body_term(session, caller, community_id, data))


@router.get("/{community_id}/bodies", response_model=list[BodyTerm])
async def list_bodies(
    community_id: uuid.UUID, session: ReadSessionDep, caller: Reader, kind: BodyKind | None = None
) -> list[BodyTerm]:
    return [BodyTerm.model_validate(b) for b in await service.list_bodies(session, caller, community_id, kind=kind)]


@router.post(
    "/{community_id}/reserve-cadres", status_code=status.HTTP_201_CREATED, response_model=ReserveCadre, dependencies=[Idempotent]
)
async def add_reserve_cadre(
    community_id: uuid.UUID, data: ReserveCadreCreate, session: WriteSessionDep, caller: Writer, members: MembersDep
) -> ReserveCadre:
    known = await known_members(members, [data.member_id]) if data.member_id else None
    return ReserveCadre.model_validate(await service.add_reserve_cadre(session, caller, community_id, data, known))


@router.get("/{community_id}/reserve-cadres", response_model=list[ReserveCadre])
async def list_reserve_cadres(community_id: uuid.UUID, session: ReadSessionDep, caller: Reader) -> list[ReserveCadre]:
    return [ReserveCadre.model_validate(c) for c in await service.list_reserve_cadres(session, caller, community_id)]


@router.get(
    "/{community_id}/leading-goose",
    response_model=LeadingGoose,
    description='The community\'s team against the 領頭雁 standard "三個60%": shares with college education or above, '
    "under the age limit, and cross-appointed (holding a concurrent post), thresholds from the policy; 503 when the "
    "members service cannot be asked for birth dates and education.",
)
async def leading_goose(
    community_id: uuid.UUID,
    session: ReadSessionDep,
    caller: Reader,
    policy: PolicyDep,
    members: MembersDep,
    as_of: AsOfQuery = None,
) -> LeadingGoose:
    return await service.leading_goose(session, caller, community_id, policy, members, as_of=as_of)
