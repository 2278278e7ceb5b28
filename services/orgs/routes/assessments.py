"""`/api/v1/assessments`: target-based assessment schemes (目標管理考核), manual scores, results and their xlsx."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status

from services.kit.db import ReadSessionDep, WriteSessionDep
from services.kit.idempotency import Idempotent
from services.kit.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery, Page
from services.kit.problems import answers
from services.kit.script import ScriptDep
from services.kit.versioning import UpsertPreconditionsDep, set_etag
from services.orgs.errors import (
    INACTIVE_REFERENCE,
    INVALID_CURSOR,
    INVALID_REQUEST,
    NOT_FOUND,
    PEER_UNAVAILABLE,
    RULE_VIOLATION,
    UNKNOWN_REFERENCE,
)
from services.orgs.routes.deps import ActivitiesDep, MembersDep, Reader, Writer
from services.orgs.schemas.assessments import KEY_PATTERN, ManualScore, ManualScoreIn, Results, Scheme, SchemeCreate, TargetResult
from services.orgs.service import assessments as service

router = APIRouter(prefix="/api/v1/assessments", tags=["assessments"])
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The results ask the members and activities services for their aggregates: 503 when one cannot answer.
OF_RESULTS = answers(NOT_FOUND, PEER_UNAVAILABLE)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=Scheme,
    description="A scheme of an organization for a period (`2026`, `2026-H1`, `2026-Q3`, `2026-07`) assessing the "
    "townships (a county's scheme) or the communities of its subtree on weighted indicators, computed or manual.",
    dependencies=[Idempotent],
    responses=answers(INVALID_REQUEST, UNKNOWN_REFERENCE, INACTIVE_REFERENCE, RULE_VIOLATION),
)
async def create_scheme(data: SchemeCreate, session: WriteSessionDep, ctx: Writer) -> Scheme:
    return await service.create_scheme(session, ctx, data)


@router.get(
    "",
    response_model=Page[Scheme],
    description="The schemes owned by organizations of the caller's scope.",
    responses=answers(NOT_FOUND, INVALID_CURSOR),
)
async def list_schemes(
    session: ReadSessionDep,
    ctx: Reader,
    within: Annotated[uuid.UUID | None, Query(description="Owned inside this subtree")] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
) -> Page[Scheme]:
    items, next_cursor = await service.list_schemes(session, ctx, within=within, cursor=cursor, limit=limit)
    return Page(items=items, next_cursor=next_cursor)


@router.get("/{scheme_id}", response_model=Scheme, responses=answers(NOT_FOUND))
async def get_scheme(scheme_id: uuid.UUID, session: ReadSessionDep, ctx: Reader) -> Scheme:
    return await service.get_scheme(session, ctx, scheme_id)


@router.put(
    "/{scheme_id}/scores/{org_id}/{indicator_key}",
    response_model=ManualScore,
    description="The owner's score (0-100) of a target organization on a manual indicator (201 when new); given again, "
    "it replaces the last one. 404 for an organization that is not a target or a key that is not a manual indicator. "
    "A first score needs no `If-Match` (`If-None-Match: *` makes sure it is new: 412 if it exists); replacing one "
    'needs `If-Match` with its ETag (`"<version>"`, as the last answer gave it): 428 without, 412 if stale.',
    responses={201: {"model": ManualScore}, **answers(INVALID_REQUEST, NOT_FOUND)},
)
async def set_score(
    scheme_id: uuid.UUID,
    org_id: uuid.UUID,
    indicator_key: Annotated[str, Path(pattern=KEY_PATTERN, max_length=40)],
    data: ManualScoreIn,
    session: WriteSessionDep,
    ctx: Writer,
    response: Response,
    preconditions: UpsertPreconditionsDep,
) -> ManualScore:
    score, created = await service.set_score(
        session, ctx, scheme_id, org_id=org_id, key=indicator_key, data=data, preconditions=preconditions
    )
    if created:
        response.status_code = status.HTTP_201_CREATED
    set_etag(response, score.version)
    return score


@router.get(
    "/{scheme_id}/results",
    response_model=Results,
    description="Every target's score (the weighted mean of its indicators, each 0-100), ranked; the targets' "
    "secretaries ranked by their organization's score. Each indicator carries its figures and records.",
    responses=OF_RESULTS,
)
async def results(
    scheme_id: uuid.UUID, session: ReadSessionDep, ctx: Reader, members: MembersDep, activities: ActivitiesDep
) -> Results:
    return await service.results(session, ctx, scheme_id, members=members, activities=activities)


@router.get(
    "/{scheme_id}/results.xlsx",
    response_class=Response,
    description="The results as an xlsx workbook (ranking, secretaries, indicator details), in the reader's script.",
    responses={200: {"content": {XLSX_MEDIA_TYPE: {}}}, **OF_RESULTS},
)
async def export_results(
    scheme_id: uuid.UUID, session: ReadSessionDep, ctx: Reader, members: MembersDep, activities: ActivitiesDep, script: ScriptDep
) -> Response:
    found = await service.results(session, ctx, scheme_id, members=members, activities=activities)
    return Response(
        service.workbook(found, script),
        media_type=XLSX_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="assessment-{scheme_id}.xlsx"'},
    )


@router.get(
    "/{scheme_id}/results/{org_id}",
    response_model=TargetResult,
    description="One target's result: per indicator the raw figures, the query that produced them and the ids of "
    "the records counted against it.",
    responses=OF_RESULTS,
)
async def target_result(
    scheme_id: uuid.UUID, org_id: uuid.UUID, session: ReadSessionDep, ctx: Reader, members: MembersDep, activities: ActivitiesDep
) -> TargetResult:
    return await service.target_result(session, ctx, scheme_id, org_id, members=members, activities=activities)
