"""Rectifications (整改): demanded of an organization from an inspection's finding or from a
diagnostic that holds today; the organization reports what it did, the issuer's side closes or
reopens. Each step is kept in the rectification's log.

Scope: a caller sees a rectification when its scope holds the organization or the issuer;
another township's is 404. Only the issuer's side closes and reopens.
"""

import uuid
from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.pagination import keyset_page, page_of
from services.kit.peers import PeerClient
from services.kit.tree import subtree_of
from services.orgs.enums import DiagnosticRule, RectificationSource, RectificationStatus, RectificationStep
from services.orgs.errors import ALREADY_RECTIFYING, MISSING_EVIDENCE, NO_SUCH_DIAGNOSTIC, NOT_ISSUER, RULE_VIOLATION, WRONG_STATE
from services.orgs.models import Organization, Rectification, RectificationLog
from services.orgs.rules import rectifications as rules
from services.orgs.rules import tasks as task_rules
from services.orgs.schemas.rectifications import (
    FromDiagnosticCreate,
    RectificationDemand,
    RectificationDetail,
    ReportCreate,
    Step,
    VerdictCreate,
)
from services.orgs.schemas.rectifications import Rectification as RectificationShape
from services.orgs.service import diagnostics
from services.orgs.service.common import OrgsContext, check_evidence, get_visible, not_found, referenced_org
from services.orgs.service.tasks import in_scope_of, scoped_org_ids


def visible_rectifications(ctx: OrgsContext) -> Select[Rectification]:
    stmt = select(Rectification)
    if ctx.scope is None:
        return stmt
    mine = scoped_org_ids(ctx)
    return stmt.where(Rectification.org_id.in_(mine) | Rectification.issuer_org_id.in_(mine))


def shape(row: Rectification, today: date) -> RectificationShape:
    stored = {name: getattr(row, name) for name in RectificationShape.model_fields if hasattr(Rectification, name)}
    late = rules.is_overdue(RectificationStatus(row.status), row.deadline, today)
    return RectificationShape.model_validate(dict(stored, overdue=late))


async def _get(
    session: AsyncSession, ctx: OrgsContext, rectification_id: uuid.UUID, *, for_update: bool = False
) -> Rectification:
    stmt = visible_rectifications(ctx).where(Rectification.id == rectification_id)
    row = (await session.execute(stmt.with_for_update() if for_update else stmt)).scalar_one_or_none()
    if row is None:
        raise not_found("Rectification", rectification_id)
    return row


def _log(
    row: Rectification, ctx: OrgsContext, step: RectificationStep, text: str | None, data: ReportCreate | None = None
) -> RectificationLog:
    return RectificationLog(
        id=uuid.uuid4(),
        rectification_id=row.id,
        step=step.value,
        text=text,
        activity_ids=[str(i) for i in data.activity_ids] if data else [],
        attachment_ids=[str(i) for i in data.attachment_ids] if data else [],
        on=ctx.today,
        actor=ctx.caller.subject,
    )


def _deadline(deadline: date, ctx: OrgsContext, field: str) -> None:
    error = task_rules.deadline_error(deadline, ctx.today)
    if error:
        raise RULE_VIOLATION.on(field, error, detail=error)


async def demand(
    session: AsyncSession,
    ctx: OrgsContext,
    *,
    org_id: uuid.UUID,
    issuer_org_id: uuid.UUID,
    issue: str,
    demanded: RectificationDemand | FromDiagnosticCreate,
    source: RectificationSource,
    field: str,
    inspection_id: uuid.UUID | None = None,
    finding_id: uuid.UUID | None = None,
    rule: DiagnosticRule | None = None,
    figures: dict[str, object] | None = None,
    action: str | None = None,
) -> Rectification:
    """A new open rectification, its first log entry `demanded`. The caller checked the scope."""
    _deadline(demanded.deadline, ctx, field)
    row = Rectification(
        id=uuid.uuid4(),
        version=1,
        org_id=org_id,
        issuer_org_id=issuer_org_id,
        source=source.value,
        inspection_id=inspection_id,
        finding_id=finding_id,
        diagnostic_rule=rule.value if rule else None,
        figures=figures,
        issue=issue,
        required_action=demanded.required_action or action,
        evidence_required=[e.value for e in demanded.evidence_required],
        deadline=demanded.deadline,
        status=RectificationStatus.open.value,
    )
    session.add(row)
    await session.flush()
    session.add(_log(row, ctx, RectificationStep.demanded, row.required_action))
    await session.flush()
    return row


async def from_diagnostic(
    session: AsyncSession, ctx: OrgsContext, data: FromDiagnosticCreate, *, members: PeerClient
) -> RectificationDetail:
    """Turn a diagnostic into a rectification, re-checked against the diagnostics of today."""
    issuer = await referenced_org(session, ctx, data.issuer_org_id, "issuer_org_id")
    org = await referenced_org(session, ctx, data.org_id, "org_id")
    if not org.tree_key.startswith(issuer.tree_key) or org.id == issuer.id:
        raise RULE_VIOLATION.on(
            "org_id", "not below the issuer", detail="A rectification is demanded of an organization below the issuer"
        )
    found = await diagnostics.diagnose(session, ctx, org.id, members=members, as_of=None)
    holding = [item for item in found.items if item.org_id == org.id and item.rule == data.rule]
    if not holding:
        raise NO_SUCH_DIAGNOSTIC.on(
            "rule", "does not hold", detail=f"{data.rule.value} does not hold for that organization today"
        )
    unclosed = select(Rectification.id).where(
        Rectification.org_id == org.id,
        Rectification.diagnostic_rule == data.rule.value,
        Rectification.status != RectificationStatus.closed.value,
    )
    if await session.scalar(unclosed) is not None:
        raise ALREADY_RECTIFYING("That diagnostic is already being rectified")
    item = holding[0]
    row = await demand(
        session,
        ctx,
        org_id=org.id,
        issuer_org_id=issuer.id,
        issue=f"{data.rule.zh_hant}({org.name})",
        demanded=data,
        source=RectificationSource.diagnostic,
        field="deadline",
        rule=data.rule,
        figures=item.figures,
        action=item.action,
    )
    return await detail(session, ctx, row.id)


async def detail(session: AsyncSession, ctx: OrgsContext, rectification_id: uuid.UUID) -> RectificationDetail:
    row = await _get(session, ctx, rectification_id)
    steps = await session.scalars(
        select(RectificationLog)
        .where(RectificationLog.rectification_id == row.id)
        .order_by(RectificationLog.at, RectificationLog.id)
    )
    return RectificationDetail.model_validate(
        {**shape(row, ctx.today).model_dump(), "steps": [Step.model_validate(s) for s in steps]}
    )


async def list_rectifications(
    session: AsyncSession,
    ctx: OrgsContext,
    *,
    within: uuid.UUID | None,
    status: RectificationStatus | None,
    overdue: bool | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[RectificationShape], str | None]:
    stmt = visible_rectifications(ctx)
    if within is not None:
        root = await get_visible(session, ctx, within)
        stmt = stmt.where(
            Rectification.org_id.in_(select(Organization.id).where(subtree_of(Organization.tree_key, root.tree_key)))
        )
    if status is not None:
        stmt = stmt.where(Rectification.status == status.value)
    if overdue is not None:
        late = Rectification.status.in_([s.value for s in rules.OWING]) & (Rectification.deadline < ctx.today)
        stmt = stmt.where(late if overdue else ~late)
    rows = (await session.execute(keyset_page(stmt, [Rectification.id], cursor, limit))).scalars().all()
    page, next_cursor = page_of(rows, limit, lambda r: [r.id])
    return [shape(r, ctx.today) for r in page], next_cursor


def _after(row: Rectification, step: RectificationStep) -> RectificationStatus:
    after = rules.next_status(RectificationStatus(row.status), step)
    if after is None:
        raise WRONG_STATE(f"A rectification that is {row.status} cannot be {step.value}")
    return after


def _move(row: Rectification, after: RectificationStatus) -> None:
    row.status = after.value
    row.version += 1


async def report(
    session: AsyncSession, ctx: OrgsContext, rectification_id: uuid.UUID, data: ReportCreate, *, activities: PeerClient
) -> RectificationDetail:
    row = await _get(session, ctx, rectification_id, for_update=True)
    missing = task_rules.missing_evidence(
        row.evidence_required, text=data.text, attachment_ids=data.attachment_ids, activity_ids=data.activity_ids
    )
    after = _after(row, RectificationStep.reported)
    if missing:
        raise MISSING_EVIDENCE(f"The rectification requires evidence the report lacks: {', '.join(missing)}")
    await check_evidence(session, ctx, activities, data.activity_ids, data.attachment_ids)
    _move(row, after)
    session.add(_log(row, ctx, RectificationStep.reported, data.text, data))
    await session.flush()
    return await detail(session, ctx, row.id)


async def verdict(
    session: AsyncSession, ctx: OrgsContext, rectification_id: uuid.UUID, step: RectificationStep, data: VerdictCreate
) -> RectificationDetail:
    """Close or reopen: the issuer's side only; reopening says what is still wrong."""
    row = await _get(session, ctx, rectification_id, for_update=True)
    if not await in_scope_of(session, ctx, [row.issuer_org_id]):
        raise NOT_ISSUER("Only the issuing organization's side closes or reopens a rectification")
    if step is RectificationStep.reopened and not data.note:
        raise RULE_VIOLATION.on("note", "required", detail="A reopened rectification says what is still wrong")
    _move(row, _after(row, step))
    session.add(_log(row, ctx, step, data.note))
    await session.flush()
    return await detail(session, ctx, row.id)
