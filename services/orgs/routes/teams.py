"""Terms (`/api/v1/orgs/{id}/terms`, `/api/v1/terms`) and teams (`/api/v1/orgs/{id}/positions`)."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from services.kit.db import ReadSessionDep, WriteSessionDep
from services.kit.idempotency import Idempotent
from services.kit.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery, Page
from services.kit.problems import answers
from services.kit.versioning import PreconditionsDep, set_etag
from services.orgs.enums import BodyKind, TermDue
from services.orgs.errors import (
    INACTIVE_REFERENCE,
    INVALID_CURSOR,
    INVALID_REQUEST,
    NOT_FOUND,
    PEER_UNAVAILABLE,
    RULE_VIOLATION,
    TEAM_RULE,
    UNKNOWN_REFERENCE,
)
from services.orgs.routes.deps import AsOfQuery, MembersDep, Reader, Writer
from services.orgs.schemas.teams import Position, PositionBatch, PositionCreate, PositionUpdate, Term, TermCreate, TermDueItem
from services.orgs.service import teams as service

router = APIRouter(prefix="/api/v1", tags=["terms and teams"])


@router.post(
    "/orgs/{org_id}/terms",
    status_code=status.HTTP_201_CREATED,
    response_model=Term,
    description="Records a term; `ends_on` is planned from the policy (5 years for community organizations, those inside "
    "them and committees, 3 for other branches). With election figures, the election must be valid: more than 4/5 "
    "present and every elected candidate with more than half of those present.",
    dependencies=[Idempotent],
    responses=answers(INVALID_REQUEST, NOT_FOUND, INACTIVE_REFERENCE, RULE_VIOLATION),
)
async def add_term(org_id: uuid.UUID, data: TermCreate, session: WriteSessionDep, ctx: Writer) -> Term:
    return Term.model_validate(await service.add_term(session, ctx, org_id, data))


@router.get("/orgs/{org_id}/terms", response_model=list[Term], responses=answers(NOT_FOUND))
async def list_terms(org_id: uuid.UUID, session: ReadSessionDep, ctx: Reader) -> list[Term]:
    return [Term.model_validate(t) for t in await service.list_terms(session, ctx, org_id)]


@router.get(
    "/terms",
    response_model=Page[TermDueItem],
    description="Terms due for election: the latest term of each active organization (in `within`, in the caller's "
    "scope) that is overdue (`ends_on` before `as_of`) or ends within `ending_within_days` days of `as_of` "
    "(default: the policy's `term_reminder_months`). `due` narrows to one of the two. Ordered by `ends_on`. "
    "With the organizations' terms, the latest term of each community body in scope (residents' committee, "
    "supervisory committee 監委會, collective economic organization 集體經濟組織 …: `body`, `community_id`); "
    "`body` narrows to one kind (`party_organization`: the organizations' terms alone).",
    responses=answers(INVALID_CURSOR),
)
async def terms_due(
    session: ReadSessionDep,
    ctx: Reader,
    within: Annotated[uuid.UUID | None, Query(description="Only this organization's subtree")] = None,
    as_of: AsOfQuery = None,
    ending_within_days: Annotated[int | None, Query(ge=0, le=3660)] = None,
    due: TermDue | None = None,
    body: Annotated[BodyKind | None, Query(description="Only this body's terms")] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
) -> Page[TermDueItem]:
    items, next_cursor = await service.terms_due(
        session,
        ctx,
        within=within,
        as_of=as_of,
        ending_within_days=ending_within_days,
        due=due,
        body=body,
        cursor=cursor,
        limit=limit,
    )
    return Page(items=items, next_cursor=next_cursor)


@router.post(
    "/orgs/{org_id}/positions",
    status_code=status.HTTP_201_CREATED,
    response_model=Position,
    description="Adds a team position. One secretary at a time; under 7 full members no committee roles besides "
    "secretary and deputy; from 7, a committee of at least 3 (add the secretary and deputy first, or use "
    "`/positions/batch`) and at most 7. The member id must be known to the members service.",
    dependencies=[Idempotent],
    responses=answers(INVALID_REQUEST, NOT_FOUND, INACTIVE_REFERENCE, UNKNOWN_REFERENCE, TEAM_RULE, PEER_UNAVAILABLE),
)
async def add_position(
    org_id: uuid.UUID, data: PositionCreate, session: WriteSessionDep, ctx: Writer, members: MembersDep
) -> Position:
    return Position.model_validate(await service.add_position(session, ctx, org_id, data, members=members))


@router.post(
    "/orgs/{org_id}/positions/batch",
    status_code=status.HTTP_201_CREATED,
    response_model=list[Position],
    description="Adds several positions together, all or none, each checked against the team with the others: "
    "a whole committee of 3 can be formed at once. Errors name `positions.<index>.<field>`.",
    dependencies=[Idempotent],
    responses=answers(INVALID_REQUEST, NOT_FOUND, INACTIVE_REFERENCE, UNKNOWN_REFERENCE, TEAM_RULE, PEER_UNAVAILABLE),
)
async def add_positions(
    org_id: uuid.UUID, data: PositionBatch, session: WriteSessionDep, ctx: Writer, members: MembersDep
) -> list[Position]:
    added = await service.add_positions(session, ctx, org_id, data.positions, members=members)
    return [Position.model_validate(p) for p in added]


@router.get("/orgs/{org_id}/positions", response_model=list[Position], responses=answers(NOT_FOUND))
async def list_positions(org_id: uuid.UUID, session: ReadSessionDep, ctx: Reader, as_of: AsOfQuery = None) -> list[Position]:
    return [Position.model_validate(p) for p in await service.list_positions(session, ctx, org_id, as_of=as_of)]


@router.patch(
    "/orgs/{org_id}/positions/{position_id}",
    response_model=Position,
    description="Ends a position (`until`) or changes its concurrent posts. Ending one is refused where it would take "
    "a required committee (7 or more full members) below 3: add the successor first. "
    '`If-Match`: the position\'s ETag, `"<version>"` of the listing or the last update (428 without, 412 if stale).',
    responses=answers(INVALID_REQUEST, NOT_FOUND, RULE_VIOLATION, TEAM_RULE, PEER_UNAVAILABLE),
)
async def update_position(
    org_id: uuid.UUID,
    position_id: uuid.UUID,
    data: PositionUpdate,
    session: WriteSessionDep,
    ctx: Writer,
    members: MembersDep,
    response: Response,
    preconditions: PreconditionsDep,
) -> Position:
    updated = await service.update_position(session, ctx, org_id, position_id, data, members=members, preconditions=preconditions)
    set_etag(response, updated.version)
    return Position.model_validate(updated)
