"""`/api/v1/audit`: the audit trail for auditors: filtered pages, CSV export, chain check against
the signed checkpoints, and the checkpoints themselves (list, and one more on demand)."""

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse

from gateway.errors import AUDIT_TRAIL_BROKEN, FORBIDDEN
from gateway.routes.deps import Auditor
from gateway.schemas.audit import AuditCheckpoint, AuditCheckpoints, AuditEventOut, AuditVerification
from gateway.service import audit
from gateway.settings import OWN_ROUTE_MAX_BODY_BYTES
from services.kit.db import ReadSessionDep, WriteSessionDep, database_of
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
async def verify(request: Request, _caller: Auditor, session: ReadSessionDep) -> AuditVerification:
    """Walk the keyed hash chain from the first row and hold the table against every signed
    checkpoint; name the first row that does not hold (a changed, removed or missing one)."""
    report = await audit.verify_chain(session, audit.trail_of(request.app))
    last = report.last_checkpoint
    return AuditVerification(
        intact=report.intact,
        checked=report.checked,
        first_broken_id=report.first_broken_id,
        reason=report.reason,
        keyed_from=report.keyed_from,
        checkpoints=report.checkpoints,
        last_checkpoint=AuditCheckpoint.model_validate(last) if last else None,
    )


@router.get("/checkpoints", response_model=AuditCheckpoints, responses=answers(FORBIDDEN))
async def list_checkpoints(request: Request, _caller: Auditor) -> AuditCheckpoints:
    """Every signed checkpoint, oldest first, and the public key that verifies them: for keeping
    a copy away from the gateway's host."""
    trail = audit.trail_of(request.app)
    return AuditCheckpoints(
        public_key=trail.public_key_pem(), items=[AuditCheckpoint.model_validate(c) for c in trail.checkpoints()]
    )


@router.post("/checkpoints", status_code=201, response_model=AuditCheckpoint, responses=answers(FORBIDDEN, AUDIT_TRAIL_BROKEN))
async def make_checkpoint(request: Request, _caller: Auditor, session: WriteSessionDep) -> AuditCheckpoint:
    """Sign the current head now (besides the scheduled checkpoints), after checking the rows
    since the last one."""
    try:
        made = await audit.checkpoint(session, audit.trail_of(request.app))
    except audit.TrailBroken as broken:
        raise AUDIT_TRAIL_BROKEN(f"row {broken.finding.row_id}: {broken.finding.reason}") from None
    return AuditCheckpoint.model_validate(made)
