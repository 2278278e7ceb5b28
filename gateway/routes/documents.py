"""`GET /api/v1/documents/verify`: is this printed document real? Public (no token)."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from gateway.errors import DOCUMENT_NOT_FOUND
from gateway.service import documents
from gateway.settings import OWN_ROUTE_MAX_BODY_BYTES
from services.kit.db import ReadSessionDep
from services.kit.problems import answers
from services.kit.script import ScriptDep

router = APIRouter(prefix="/api/v1/documents", tags=["documents"], max_body_size=OWN_ROUTE_MAX_BODY_BYTES)

EXAMPLE: dict[str, Any] = {
    "valid": True,
    "kind": "transfer_letter",
    "kind_label": "党员组织关系介绍信",
    "number": "JS2026000012",
    "org_name": "柳河社区党支部",
    "issued_on": "2026-11-02",
}

VERIFIED: dict[int | str, dict[str, Any]] = {200: {"content": {"application/json": {"example": EXAMPLE}}}}


@router.get(
    "/verify",
    responses=VERIFIED | answers(DOCUMENT_NOT_FOUND),
)
async def verify_document(
    request: Request,
    session: ReadSessionDep,
    script: ScriptDep,
    number: Annotated[str, Query(min_length=1, max_length=32, description="the document number as printed")],
    code: Annotated[str, Query(min_length=1, max_length=40, description="the check code as printed (dashes optional)")],
) -> dict[str, Any]:
    """Confirms a document the system issued — letter, certificate, dossier, report, notice — by
    its number and check code: its kind, number, issuing organization and date, and nothing about
    any person. A number not issued or a code that does not match: 404. No token needed; rate
    limited per address like every call without one."""
    state = request.app.state
    language = request.headers.get("accept-language", "")
    return await documents.verify(
        session, state.documents, state.peers, number=number, code=code, script=script, language=language
    )
