"""Printed documents: `GET /api/v1/transfers/{id}/letter` (the introduction letter with its
counterfoil and return slip), `GET /api/v1/members/{id}/certificate` (黨員證明),
`GET /api/v1/recruitment/applications/{id}/dossier` (發展黨員檔案), as PDF (default)
or as the HTML they are printed from; and `GET /documents/verify`, which the gateway's public
verification asks (no token: it answers only the kind, number, organization and date)."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from services.kit.db import ReadSessionDep, WriteSessionDep
from services.kit.documents import DocumentRegistry
from services.kit.printing import PDF_MEDIA_TYPE, RENDERER_UNAVAILABLE, RENDERING_FAILED, html_to_pdf
from services.kit.problems import answers
from services.kit.script import ScriptDep, chinese
from services.members.enums import DocumentFormat
from services.members.errors import DOCUMENT_NOT_FOUND, NO_CERTIFICATE, NO_LETTER_YET, NOT_FOUND
from services.members.routes.deps import WriterContext
from services.members.schemas.documents import DocumentVerification
from services.members.service import documents
from services.members.service.documents import Printed
from services.members.service.documents_pages import CSP

router = APIRouter(tags=["documents"])
internal = APIRouter(tags=["documents"])

FormatQuery = Annotated[DocumentFormat, Query(description="pdf (default) or the html it is printed from")]
PRINTED: dict[int | str, dict[str, Any]] = {200: {"content": {PDF_MEDIA_TYPE: {}, "text/html": {}}}}


def _registry(request: Request) -> DocumentRegistry:
    registry: DocumentRegistry = request.app.state.documents
    return registry


async def _answer(request: Request, printed: Printed, format: DocumentFormat, stem: str, language: str) -> Response:
    headers = {"content-language": language, "x-document-number": printed.issued.number}
    if format is DocumentFormat.html:
        return HTMLResponse(printed.page, headers={"Content-Security-Policy": CSP} | headers)
    settings = request.app.state.settings
    pdf = await html_to_pdf(printed.page, renderer=settings.pdf_renderer, timeout_s=settings.pdf_timeout_s)
    filename = f"{stem}-{printed.issued.number}.pdf"
    return Response(pdf, media_type=PDF_MEDIA_TYPE, headers={"content-disposition": f'inline; filename="{filename}"'} | headers)


@router.get(
    "/api/v1/transfers/{transfer_id}/letter",
    responses=PRINTED | answers(NOT_FOUND, NO_LETTER_YET, RENDERER_UNAVAILABLE, RENDERING_FAILED),
    response_class=Response,
)
async def transfer_letter(
    request: Request,
    transfer_id: uuid.UUID,
    session: WriteSessionDep,
    ctx: WriterContext,
    script: ScriptDep,
    format: FormatQuery = DocumentFormat.pdf,
) -> Response:
    """The organization-relationship introduction letter (黨員組織關係介紹信) of an approved
    transfer — within the province or across provinces — with its counterfoil (存根) and return
    slip (回執), the issuing organization, number, date and check code. Issued (registered) the
    first time it is asked for; the same number and code every time after."""
    printed = await documents.transfer_letter(session, ctx, _registry(request), transfer_id, script)
    return await _answer(request, printed, format, "letter", chinese(script).value)


@router.get(
    "/api/v1/members/{member_id}/certificate",
    responses=PRINTED | answers(NOT_FOUND, NO_CERTIFICATE, RENDERER_UNAVAILABLE, RENDERING_FAILED),
    response_class=Response,
)
async def membership_certificate(
    request: Request,
    member_id: uuid.UUID,
    session: WriteSessionDep,
    ctx: WriterContext,
    script: ScriptDep,
    format: FormatQuery = DocumentFormat.pdf,
) -> Response:
    """A membership certificate (黨員證明) of a member on the rolls, dated today: one number per
    member and day."""
    printed = await documents.membership_certificate(session, ctx, _registry(request), member_id, script)
    return await _answer(request, printed, format, "certificate", chinese(script).value)


@router.get(
    "/api/v1/recruitment/applications/{application_id}/dossier",
    responses=PRINTED | answers(NOT_FOUND, RENDERER_UNAVAILABLE, RENDERING_FAILED),
    response_class=Response,
)
async def recruitment_dossier(
    request: Request,
    application_id: uuid.UUID,
    session: WriteSessionDep,
    ctx: WriterContext,
    script: ScriptDep,
    format: FormatQuery = DocumentFormat.pdf,
) -> Response:
    """The recruitment dossier (發展黨員檔案) of an applicant: every step with its date, deciding
    body and documents, dated today (one number per application and day)."""
    printed = await documents.recruitment_dossier(session, ctx, _registry(request), application_id, script)
    return await _answer(request, printed, format, "dossier", chinese(script).value)


@internal.get("/documents/verify", response_model=DocumentVerification, responses=answers(DOCUMENT_NOT_FOUND))
async def verify_document(
    request: Request,
    session: ReadSessionDep,
    script: ScriptDep,
    number: Annotated[str, Query(min_length=1, max_length=32)],
    code: Annotated[str, Query(min_length=1, max_length=40)],
) -> DocumentVerification:
    """Whether a document with this number and check code was issued here (404 if not)."""
    return await documents.verify(session, _registry(request), number, code, script)
