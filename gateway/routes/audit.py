"""`/api/v1/audit`: the audit trail for auditors: filtered pages, CSV export, chain check."""

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse

from gateway.errors import FORBIDDEN
from gateway.routes.deps import Auditor
from gateway.schemas.audit import AuditEventOut, AuditVerification
from gateway.service import audit
from gateway.settings import OWN_ROUTE_MAX_BODY_BYTES
from services.kit.db import ReadSessionDep, database_of
from services.kit.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery, Page
from services.kit.problems import answers

router = APIRouter(prefix="/api/v1/audit", tags=["audit"], max_body_size=OWN_ROUTE_MAX_BODY_BYTES)


@router.get(
    "",
    response_model=Page[AuditEventOut],
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}, **answers(FORBIDDEN)},
)
async def list_audit(
    request: Request,
    _caller: Auditor,
    session: ReadSessionDep,
    actor: Annotated[str | None, Query(max_length=128, description="username or token subject")] = None,
    action: Annotated[str | None, Query(max_length=64)] = None,
    since: Annotated[datetime | None, Query(alias="from")] = None,
    until: Annotated[datetime | None, Query(alias="to")] = None,
    outcome: Annotated[int | None, Query(ge=100, le=599)] = None,
    format: Literal["json", "csv"] = "json",
    order: Annotated[
        Literal["desc", "asc"], Query(description="`desc`: newest first (the trail view); `asc`: oldest first")
    ] = "desc",
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
) -> Any:
    """Newest first unless `order=asc` (a cursor goes on in its page's order). `format=csv` exports
    every matching row (no paging), in the same order."""
    newest_first = order == "desc"
    where = audit.AuditFilter(actor=actor, action=action, since=since, until=until, outcome=outcome)
    if format == "csv":
        db = database_of(request)

        # The request's session closes before a streamed body is sent: the export has its own.
        async def export() -> AsyncIterator[str]:
            async with db.read_sessions() as export_session:
                async for chunk in audit.export_csv(export_session, where, newest_first=newest_first):
                    yield chunk

        return StreamingResponse(
            export(),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="audit.csv"'},
        )
    items, next_cursor = await audit.list_events(session, where, cursor=cursor, limit=limit, newest_first=newest_first)
    return Page[AuditEventOut](items=[AuditEventOut.model_validate(e) for e in items], next_cursor=next_cursor)


@router.get("/verify", response_model=AuditVerification, responses=answers(FORBIDDEN))
async def verify(_caller: Auditor, session: ReadSessionDep) -> AuditVerification:
    """Walk the hash chain from the first row; name the first row that does not hold."""
    report = await audit.verify_chain(session)
    return AuditVerification(
        intact=report.intact, checked=report.checked, first_broken_id=report.first_broken_id, reason=report.reason
    )
