"""Inspections (督查): an inspection of an organization on a date by named inspectors, in a round,
with its findings; a finding may demand a rectification (service/rectifications.py). The round's
通報 (notice) is a printable page of every inspection of that round by one inspecting organization.

Scope: a caller sees an inspection when its scope holds the inspector or the organization
inspected; another township's is 404.
"""

# ruff: noqa: RUF001 - Chinese text takes full-width punctuation

import hashlib
import uuid
from html import escape
from typing import Any, cast

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from services.kit.documents import DocumentRegistry, IssuedDocument
from services.kit.pagination import keyset_page, page_of
from services.kit.script import Script, chinese, in_script
from services.kit.tree import subtree_of
from services.orgs.enums import OrgDocumentKind, RectificationSource, RectificationStatus
from services.orgs.errors import RULE_VIOLATION
from services.orgs.models import Finding, Inspection, Organization, Rectification
from services.orgs.rules import inspections as rules
from services.orgs.schemas.inspections import Finding as FindingShape
from services.orgs.schemas.inspections import Inspection as InspectionShape
from services.orgs.schemas.inspections import InspectionCreate
from services.orgs.service import rectifications
from services.orgs.service.common import OrgsContext, get_visible, not_found, referenced_org
from services.orgs.service.tasks import scoped_org_ids


def visible_inspections(ctx: OrgsContext) -> Select[Inspection, str]:
    inspected = aliased(Organization)
    stmt = select(Inspection, inspected.name).join(inspected, inspected.id == Inspection.org_id)
    if ctx.scope is None:
        return stmt
    mine = scoped_org_ids(ctx)
    return stmt.where(Inspection.org_id.in_(mine) | Inspection.inspector_org_id.in_(mine))


async def record(session: AsyncSession, ctx: OrgsContext, data: InspectionCreate) -> InspectionShape:
    inspector = await referenced_org(session, ctx, data.inspector_org_id, "inspector_org_id")
    org = await referenced_org(session, ctx, data.org_id, "org_id")
    if not org.tree_key.startswith(inspector.tree_key) or org.id == inspector.id:
        raise RULE_VIOLATION.on(
            "org_id", "not below the inspector", detail="An inspection is of an organization below the inspector"
        )
    error = rules.inspection_date_error(data.inspected_on, ctx.today)
    if error:
        raise RULE_VIOLATION.on("inspected_on", error, detail=error)
    inspection = Inspection(
        id=uuid.uuid4(),
        version=1,
        inspector_org_id=inspector.id,
        org_id=org.id,
        inspected_on=data.inspected_on,
        round=data.round,
        inspectors=list(data.inspectors),
        summary=data.summary,
        recorded_by=ctx.caller.subject,
    )
    session.add(inspection)
    await session.flush()
    for number, finding_in in enumerate(data.findings, start=1):
        finding = Finding(id=uuid.uuid4(), inspection_id=inspection.id, number=number, text=finding_in.text)
        session.add(finding)
        await session.flush()
        if finding_in.rectification is not None:
            await rectifications.demand(
                session,
                ctx,
                org_id=org.id,
                issuer_org_id=inspector.id,
                issue=finding_in.text,
                demanded=finding_in.rectification,
                source=RectificationSource.finding,
                field=f"findings.{number - 1}.rectification.deadline",
                inspection_id=inspection.id,
                finding_id=finding.id,
            )
    return await get_inspection(session, ctx, inspection.id)


async def _shapes(session: AsyncSession, rows: list[tuple[Inspection, str]]) -> list[InspectionShape]:
    ids = [inspection.id for inspection, _ in rows]
    findings: dict[uuid.UUID, list[FindingShape]] = {}
    if ids:
        found = await session.execute(
            select(Finding, Rectification.id, Rectification.status)
            .outerjoin(Rectification, Rectification.finding_id == Finding.id)
            .where(Finding.inspection_id.in_(ids))
            .order_by(Finding.number)
        )
        for finding, rectification_id, status in found:
            findings.setdefault(finding.inspection_id, []).append(
                FindingShape(
                    id=finding.id,
                    number=finding.number,
                    text=finding.text,
                    rectification_id=rectification_id,
                    rectification_status=RectificationStatus(status) if status else None,
                )
            )
    return [
        InspectionShape.model_validate(
            {
                **{k: getattr(inspection, k) for k in InspectionShape.model_fields if k not in ("org_name", "findings")},
                "org_name": name,
                "findings": findings.get(inspection.id, []),
            }
        )
        for inspection, name in rows
    ]


async def get_inspection(session: AsyncSession, ctx: OrgsContext, inspection_id: uuid.UUID) -> InspectionShape:
    row = (await session.execute(visible_inspections(ctx).where(Inspection.id == inspection_id))).one_or_none()
    if row is None:
        raise not_found("Inspection", inspection_id)
    [shape] = await _shapes(session, [(row[0], row[1])])
    return shape


async def list_inspections(
    session: AsyncSession, ctx: OrgsContext, *, within: uuid.UUID | None, round: str | None, cursor: str | None, limit: int
) -> tuple[list[InspectionShape], str | None]:
    stmt = visible_inspections(ctx)
    if within is not None:
        root = await get_visible(session, ctx, within)
        stmt = stmt.where(Inspection.org_id.in_(select(Organization.id).where(subtree_of(Organization.tree_key, root.tree_key))))
    if round is not None:
        stmt = stmt.where(Inspection.round == round)
    rows = (await session.execute(keyset_page(cast(Any, stmt), [Inspection.id], cursor, limit))).all()
    page, next_cursor = page_of(rows, limit, lambda r: [r[0].id])
    return await _shapes(session, [(i, n) for i, n in page]), next_cursor


NOTICE_STYLE = (
    "body{font-family:serif;max-width:48em;margin:2em auto;line-height:1.6}"
    "h1{text-align:center}table{border-collapse:collapse;width:100%}"
    "td,th{border:1px solid #000;padding:.3em;vertical-align:top}"
)


async def notice(session: AsyncSession, ctx: OrgsContext, *, inspector_org_id: uuid.UUID, round: str) -> str:
    """The round's 通報: every inspection of `round` by the inspecting organization, its findings
    and where each rectification stands. A static page (no script), one style block."""
    inspector = await get_visible(session, ctx, inspector_org_id)
    stmt = visible_inspections(ctx).where(Inspection.inspector_org_id == inspector.id, Inspection.round == round)
    rows = [(i, n) for i, n in (await session.execute(stmt.order_by(Inspection.inspected_on, Inspection.id))).all()]
    if not rows:
        raise not_found("Inspection round", round)
    shapes = await _shapes(session, rows)
    body: list[str] = []
    for number, inspection in enumerate(shapes, start=1):
        items = (
            "".join(
                f"<tr><td>{f.number}</td><td>{escape(f.text)}</td>"
                f"<td>{escape(RectificationStatus(f.rectification_status).zh_hant) if f.rectification_status else '—'}</td></tr>"
                for f in inspection.findings
            )
            or "<tr><td colspan='3'>未發現問題</td></tr>"
        )
        body.append(
            f"<h2>{number}. {escape(inspection.org_name)}</h2>"
            f"<p>督查日期:{inspection.inspected_on.isoformat()};督查人員:{escape('、'.join(inspection.inspectors))}</p>"
            + (f"<p>{escape(inspection.summary)}</p>" if inspection.summary else "")
            + f"<table><tr><th>序號</th><th>發現問題</th><th>整改情況</th></tr>{items}</table>"
        )
    return (
        "<!DOCTYPE html><html lang='zh-Hant'><head><meta charset='utf-8'>"
        f"<title>{escape(round)}通報</title><style>{NOTICE_STYLE}</style></head><body>"
        f"<h1>關於{escape(round)}情況的通報</h1><p>{escape(inspector.name)}</p>" + "".join(body) + "</body></html>"
    )


NOTICE_PREFIX = "TB"  # 通報 (gateway/service/documents.py ISSUERS)


async def printed_notice(
    session: AsyncSession,
    ctx: OrgsContext,
    registry: DocumentRegistry,
    *,
    inspector_org_id: uuid.UUID,
    round: str,
    script: Script,
) -> tuple[IssuedDocument, str]:
    """The round's 通報 as a registered document of the inspecting organization, dated today (one
    number per round and day), with its number and check code at its foot, in the reader's script."""
    page = await notice(session, ctx, inspector_org_id=inspector_org_id, round=round)
    inspector = await get_visible(session, ctx, inspector_org_id)
    issued = await registry.issue(
        session,
        kind=OrgDocumentKind.inspection_notice.value,
        prefix=NOTICE_PREFIX,
        subject=f"notice:{inspector.id}:{hashlib.sha256(round.encode()).hexdigest()}",  # 108 of 200 characters
        org_id=inspector.id,
        org_name=inspector.name,
        issued_on=ctx.today,
        issued_by=ctx.actor,
    )
    foot = (
        f"<p class='foot'>簽發機關：{escape(issued.org_name)}　文件編號：<span class='number'>{escape(issued.number)}</span>"
        f"　簽發日期：{issued.issued_on.year}年{issued.issued_on.month}月{issued.issued_on.day}日"
        f"　校驗碼：<span class='code'>{escape(issued.code)}</span>　真偽查驗：GET /api/v1/documents/verify</p>"
    )
    head, _, _tail = page.rpartition("</body>")
    printed = in_script(f"{head}{foot}</body></html>", script)
    return issued, printed.replace("lang='zh-Hant'", f"lang='{chinese(script).value}'", 1)
