"""`GET /documents/verify`: what the gateway's public verification asks (no token; it answers
only the kind, number, organization and date of a document printed here)."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from services.kit.db import ReadSessionDep
from services.kit.problems import answers
from services.kit.script import ScriptDep
from services.orgs.errors import DOCUMENT_NOT_FOUND
from services.orgs.service import documents

internal = APIRouter(tags=["documents"])


@internal.get("/documents/verify", responses=answers(DOCUMENT_NOT_FOUND))
async def verify_document(
    request: Request,
    session: ReadSessionDep,
    script: ScriptDep,
    number: Annotated[str, Query(min_length=1, max_length=32)],
    code: Annotated[str, Query(min_length=1, max_length=40)],
) -> dict[str, Any]:
    """Whether a document with this number and check code was issued here (404 if not)."""
    return await documents.verify(session, request.app.state.documents, number, code, script)
