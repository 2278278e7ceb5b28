"""`/api/v1/inspections`: inspections with their findings, and a round's printable 通報."""

import base64
import hashlib
import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import HTMLResponse, Response

from services.kit.db import ReadSessionDep, WriteSessionDep
from services.kit.idempotency import Idempotent
from services.kit.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery, Page
from services.kit.printing import PDF_MEDIA_TYPE, RENDERER_UNAVAILABLE, RENDERING_FAILED, html_to_pdf
from services.kit.problems import answers
from services.kit.script import ScriptDep, chinese
from services.orgs.enums import NoticeFormat
from services.orgs.errors import INACTIVE_REFERENCE, INVALID_CURSOR, INVALID_REQUEST, NOT_FOUND, RULE_VIOLATION, UNKNOWN_REFERENCE
from services.orgs.routes.deps import Reader, Writer
from services.orgs.schemas.inspections import Inspection, InspectionCreate
from services.orgs.service import inspections as service

router = APIRouter(prefix="/api/v1/inspections", tags=["inspections and rectifications"])

_STYLE_HASH = base64.b64encode(hashlib.sha256(service.NOTICE_STYLE.encode()).digest()).decode()
# The notice's own policy: nothing loads, its one style block by its hash.
NOTICE_CSP = f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=Inspection,
    description="An inspection of an organization below the inspecting one; each finding may demand a rectification.",
    dependencies=[Idempotent],
    responses=answers(INVALID_REQUEST, UNKNOWN_REFERENCE, INACTIVE_REFERENCE, RULE_VIOLATION),
)
async def record_inspection(data: InspectionCreate, session: WriteSessionDep, ctx: Writer) -> Inspection:
    return await service.record(session, ctx, data)


@router.get("", response_model=Page[Inspection], responses=answers(NOT_FOUND, INVALID_CURSOR))
async def list_inspections(
    session: ReadSessionDep,
    ctx: Reader,
    within: Annotated[uuid.UUID | None, Query(description="Inspections of organizations in this subtree")] = None,
    round: Annotated[str | None, Query(max_length=200)] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
) -> Page[Inspection]:
    items, next_cursor = await service.list_inspections(session, ctx, within=within, round=round, cursor=cursor, limit=limit)
    return Page(items=items, next_cursor=next_cursor)


@router.get(
    "/notice",
    response_class=HTMLResponse,
    description=(
        "The 通報 of an inspection round by one inspecting organization: a static printable page "
        "(Traditional, as written); `format=pdf`: the page printed as a registered document of the "
        "inspecting organization (number, date, check code; verified at `GET /api/v1/documents/verify`), "
        "in the reader's script (Simplified by default, Traditional with zh-TW)."
    ),
    responses={
        **answers(NOT_FOUND, RENDERER_UNAVAILABLE, RENDERING_FAILED),
        200: {"content": {"text/html": {}, PDF_MEDIA_TYPE: {}}},
    },
)
async def round_notice(
    request: Request,
    session: WriteSessionDep,
    ctx: Reader,
    script: ScriptDep,
    inspector_org_id: uuid.UUID,
    round: Annotated[str, Query(min_length=1, max_length=200)],
    format: NoticeFormat = NoticeFormat.html,
) -> Response:
    if format is NoticeFormat.html:
        page = await service.notice(session, ctx, inspector_org_id=inspector_org_id, round=round)
        return HTMLResponse(page, headers={"Content-Security-Policy": NOTICE_CSP})
    registry = request.app.state.documents
    issued, page = await service.printed_notice(
        session, ctx, registry, inspector_org_id=inspector_org_id, round=round, script=script
    )
    settings = request.app.state.settings
    pdf = await html_to_pdf(page, renderer=settings.pdf_renderer, timeout_s=settings.pdf_timeout_s)
    headers = {
        "content-disposition": f'inline; filename="notice-{issued.number}.pdf"',
        "content-language": chinese(script).value,
        "x-document-number": issued.number,
    }
    return Response(pdf, media_type=PDF_MEDIA_TYPE, headers=headers)


@router.get("/{inspection_id}", response_model=Inspection, responses=answers(NOT_FOUND))
async def get_inspection(inspection_id: uuid.UUID, session: ReadSessionDep, ctx: Reader) -> Inspection:
    return await service.get_inspection(session, ctx, inspection_id)
