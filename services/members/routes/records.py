"""`/api/v1/members`: member records, their history, state changes, whereabouts and work lists."""

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, status

from services.kit.auth import Caller, require_roles
from services.kit.context import today_in
from services.kit.db import ReadSessionDep, WriteSessionDep
from services.kit.idempotency import Idempotent
from services.kit.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery, Page
from services.kit.problems import answers
from services.kit.versioning import PreconditionsDep, set_etag
from services.members.enums import DueKind, Education, MemberState, Whereabouts
from services.members.errors import (
    DUPLICATE_ID_NUMBER,
    INVALID_FULL_DATE,
    INVALID_MEMBER,
    INVALID_STATE_CHANGE,
    INVALID_WHEREABOUTS,
    NOT_FOUND,
    ORGANIZATION_CANNOT_HOLD_MEMBERS,
    RULE_VIOLATION,
)
from services.members.routes.deps import OwnRecordContext, ReaderContext, WriterContext
from services.members.schemas.records import (
    BecomeFull,
    CountsRequest,
    CountsResult,
    DueMember,
    LookupRequest,
    LookupResult,
    Member,
    MemberCreate,
    MemberEvent,
    MemberUpdate,
    SearchRequest,
    StateChange,
    WhereaboutsChange,
)
from services.members.service import probation, records
from services.members.service.records import MemberFilter

router = APIRouter(prefix="/api/v1/members", tags=["members"])
internal = APIRouter(prefix="/internal", tags=["internal"])


def member_filter(
    within: Annotated[uuid.UUID | None, Query(description="Only members of this organization's subtree")] = None,
    org_id: Annotated[uuid.UUID | None, Query(description="Only members held by exactly this organization")] = None,
    community_id: Annotated[uuid.UUID | None, Query(description="Only members living in this community")] = None,
    state: MemberState | None = None,
    whereabouts: Whereabouts | None = None,
    education: Education | None = None,
    age_min: Annotated[int | None, Query(ge=0, le=150)] = None,
    age_max: Annotated[int | None, Query(ge=0, le=150)] = None,
    as_of: Annotated[date | None, Query(description="Date ages are computed on (default today)")] = None,
    q: Annotated[str | None, Query(max_length=100, description="Part of the name")] = None,
    id_number: Annotated[
        str | None, Query(max_length=24, description="Exact ID number (keyed hash); prefer POST /members/search")
    ] = None,
    phone: Annotated[
        str | None, Query(max_length=30, description="Exact phone (keyed hash); prefer POST /members/search")
    ] = None,
) -> MemberFilter:
    return MemberFilter(
        within=within,
        org_id=org_id,
        community_id=community_id,
        state=state,
        whereabouts=whereabouts,
        education=education.value if education else None,
        age_min=age_min,
        age_max=age_max,
        as_of=as_of,
        q=q,
        id_number=id_number,
        phone=phone,
    )


Filters = Annotated[MemberFilter, Depends(member_filter)]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=Member,
    dependencies=[Idempotent],
    responses=answers(INVALID_MEMBER, ORGANIZATION_CANNOT_HOLD_MEMBERS, DUPLICATE_ID_NUMBER),
)
async def create_member(data: MemberCreate, session: WriteSessionDep, ctx: WriterContext) -> Member:
    return await records.create_member(session, ctx, data)


@router.get("", response_model=Page[Member])
async def list_members(
    session: ReadSessionDep, ctx: ReaderContext, f: Filters, cursor: CursorQuery = None, limit: LimitQuery = DEFAULT_LIMIT
) -> Page[Member]:
    members, next_cursor = await records.list_members(session, ctx, f, cursor=cursor, limit=limit)
    return Page(items=members, next_cursor=next_cursor)


@router.post("/search", response_model=Page[Member], responses=answers(RULE_VIOLATION))
async def search_members(
    data: SearchRequest,
    session: ReadSessionDep,
    ctx: ReaderContext,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
) -> Page[Member]:
    """Members with exactly this ID number and/or phone (matched by keyed hash), in the caller's scope."""
    if not data.id_number and not data.phone:
        raise RULE_VIOLATION.on("id_number", "or phone, required", detail="Name an ID number or a phone")
    f = MemberFilter(id_number=data.id_number, phone=data.phone)
    members, next_cursor = await records.list_members(session, ctx, f, cursor=cursor, limit=limit)
    return Page(items=members, next_cursor=next_cursor)


@router.post("/lookup", response_model=LookupResult)
async def lookup_members(data: LookupRequest, session: ReadSessionDep, ctx: ReaderContext) -> LookupResult:
    """Members by id (at most 1000), those that exist and are in the caller's scope, masked as any read."""
    return LookupResult(items=await records.lookup(session, ctx, data.ids))


@router.get("/due", response_model=Page[DueMember])
async def due_members(
    session: ReadSessionDep,
    ctx: ReaderContext,
    kind: Annotated[
        DueKind,
        Query(
            description="suspension: lost contact for the policy's months; full: probation over; "
            "transfer: floating out at a fixed place for the policy's months"
        ),
    ],
    as_of: Annotated[date | None, Query(description="The day the clocks are read on (default today)")] = None,
    within: Annotated[uuid.UUID | None, Query(description="Only members of this organization's subtree")] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
) -> Page[DueMember]:
    """Work lists of the three clocks; `as_of` moves 'today'."""
    due, next_cursor = await records.due_members(
        session, ctx, kind, as_of=as_of or ctx.today, within=within, cursor=cursor, limit=limit
    )
    return Page(items=due, next_cursor=next_cursor)


@router.get("/{member_id}", response_model=Member, responses=answers(NOT_FOUND))
async def get_member(member_id: uuid.UUID, session: ReadSessionDep, ctx: OwnRecordContext, response: Response) -> Member:
    member = await records.get_member(session, ctx, member_id)
    set_etag(response, member.version)
    return member


@router.patch(
    "/{member_id}",
    response_model=Member,
    description="`If-Match` with the ETag read last: 428 without, 412 if stale.",
    responses=answers(NOT_FOUND, RULE_VIOLATION),
)
async def update_member(
    member_id: uuid.UUID,
    data: MemberUpdate,
    session: WriteSessionDep,
    ctx: WriterContext,
    response: Response,
    preconditions: PreconditionsDep,
) -> Member:
    member = await records.update_member(session, ctx, member_id, data, preconditions=preconditions)
    set_etag(response, member.version)
    return member


@router.get("/{member_id}/history", response_model=list[MemberEvent], responses=answers(NOT_FOUND))
async def member_history(member_id: uuid.UUID, session: ReadSessionDep, ctx: OwnRecordContext) -> list[MemberEvent]:
    """Every dated event of the member, in the order recorded."""
    return await records.history(session, ctx, member_id)


@router.post(
    "/{member_id}/state", response_model=Member, dependencies=[Idempotent], responses=answers(NOT_FOUND, INVALID_STATE_CHANGE)
)
async def change_state(member_id: uuid.UUID, data: StateChange, session: WriteSessionDep, ctx: WriterContext) -> Member:
    """Lost contact, suspended, retained, restored (`normal`), left, deceased: each a dated history event."""
    return await records.change_state(session, ctx, member_id, data)


@router.post(
    "/{member_id}/full", response_model=Member, dependencies=[Idempotent], responses=answers(NOT_FOUND, INVALID_FULL_DATE)
)
async def become_full(member_id: uuid.UUID, data: BecomeFull, session: WriteSessionDep, ctx: WriterContext) -> Member:
    """The probationary member becomes full (轉正) on `full_on`."""
    return await probation.become_full(session, ctx, member_id, data)


@router.put("/{member_id}/whereabouts", response_model=Member, responses=answers(NOT_FOUND, INVALID_WHEREABOUTS))
async def change_whereabouts(
    member_id: uuid.UUID,
    data: WhereaboutsChange,
    session: WriteSessionDep,
    ctx: WriterContext,
    response: Response,
    preconditions: PreconditionsDep,
) -> Member:
    """Floating out (destination, contact, fixed place), displaced (temporary address), back (resident).

    `If-Match`: the member's ETag (428 without, 412 if the record changed since)."""
    member = await records.change_whereabouts(session, ctx, member_id, data, preconditions=preconditions)
    set_etag(response, member.version)
    return member


@router.get("/{member_id}/flows", response_model=list[MemberEvent], responses=answers(NOT_FOUND))
async def member_flows(member_id: uuid.UUID, session: ReadSessionDep, ctx: OwnRecordContext) -> list[MemberEvent]:
    """The member's whereabouts history (floating out and back, displacement)."""
    return await records.flows(session, ctx, member_id)


@internal.post("/member-counts", response_model=CountsResult)
async def member_counts(
    data: CountsRequest, session: ReadSessionDep, request: Request, _caller: Annotated[Caller, require_roles("service")]
) -> CountsResult:
    """Open members held by exactly each org on `as_of` (joined by then; not left, deceased,
    transferred out; not 'not transferred')."""
    as_of = data.as_of or today_in(request.app.state.settings.policy.timezone)
    counts = await records.member_counts(session, data.org_ids, as_of)
    return CountsResult.model_validate({"counts": counts})
