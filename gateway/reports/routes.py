"""The composed reports: `/api/v1/reports/survey`, the seed's survey report for a scope and a date,
from the services' aggregate endpoints (`/communities/survey`, `/members/survey`) as JSON, xlsx or
HTML; and `/api/v1/reports/diagnostics`, every problem the seed report names, as work lists.

The caller's own Authorization goes to the services, so each applies the caller's roles and
scope inside its own queries; a service's refusal (403, 404, 422) is passed through as it is.
"""

import asyncio
import uuid
from datetime import date
from enum import StrEnum
from typing import Annotated, Any

import httpx
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from gateway.enums import ReportDocumentKind
from gateway.errors import SUBTREE_REQUIRED
from gateway.reports import html, printed, xlsx
from gateway.reports.composition import SurveyReport, compose
from gateway.reports.diagnostics import Composer, diagnostics
from gateway.reports.structure import Labels
from gateway.settings import OWN_ROUTE_MAX_BODY_BYTES, GatewaySettings
from services.kit.auth import Caller, CallerDep
from services.kit.context import today_in
from services.kit.db import Database
from services.kit.documents import DocumentRegistry, IssuedDocument
from services.kit.peers import PeerClient, PeerUnavailable
from services.kit.printing import PDF_MEDIA_TYPE, RENDERER_UNAVAILABLE, RENDERING_FAILED, html_to_pdf
from services.kit.problems import answers
from services.kit.script import ScriptDep, chinese

router = APIRouter(prefix="/api/v1/reports", tags=["reports"], max_body_size=OWN_ROUTE_MAX_BODY_BYTES)

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Age = Annotated[int | None, Query(ge=0, le=150, description="Default: the members policy (46, 45, 46)")]


class ReportFormat(StrEnum):
    json = "json"
    xlsx = "xlsx"
    html = "html"
    pdf = "pdf"


class DiagnosticsFormat(StrEnum):
    json = "json"
    html = "html"
    pdf = "pdf"


# The number prefix of each report printed as a document (gateway/service/documents.py ISSUERS).
PREFIXES = {ReportDocumentKind.survey_report: "DC", ReportDocumentKind.diagnostics_report: "ZD"}


def _content(*media_types: str) -> dict[int | str, dict[str, Any]]:
    return {200: {"content": {media_type: {} for media_type in media_types}}}


class ServiceRefused(Exception):
    """A service answered the caller with a problem: the gateway answers with the same."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response


async def _ask(peer: PeerClient, path: str, params: dict[str, str], authorization: str, language: str = "") -> Any:
    # The caller's Accept-Language goes too: a refusal passed through is in the caller's script.
    headers = {"authorization": authorization} | ({"accept-language": language} if language else {})
    response = await peer.request("GET", path, params=params, headers=headers)
    if response.status_code >= 500:
        raise PeerUnavailable(peer.name, f"status {response.status_code}")
    if response.status_code != 200:
        raise ServiceRefused(response)
    return response.json()


def _passed_through(response: httpx.Response) -> Response:
    return Response(
        content=response.content,
        status_code=response.status_code,
        media_type=response.headers.get("content-type", "application/problem+json"),
    )


@router.get(
    "/survey",
    response_model=SurveyReport,
    responses=_content(XLSX_MEDIA_TYPE, "text/html", PDF_MEDIA_TYPE) | answers(RENDERER_UNAVAILABLE, RENDERING_FAILED),
)
async def survey_report(
    request: Request,
    caller: CallerDep,
    script: ScriptDep,
    within: Annotated[uuid.UUID | None, Query(description="The scope: this organization's subtree")] = None,
    as_of: Annotated[date | None, Query(description="Ages, membership and teams as of this day (default today)")] = None,
    team_age_min: Age = None,
    secretary_age_min: Age = None,
    member_age_min: Age = None,
    reform_date: Annotated[date | None, Query(description="'Joined before reform and opening': before this day")] = None,
    format: ReportFormat = ReportFormat.json,
) -> Any:
    """The seed report's figures, rural and urban side by side with the difference in points;
    `format=xlsx` for a workbook with charts, `format=html` for the printable page, `format=pdf`
    for that page printed as a registered document (number, date, check code) — each in the
    reader's script (`Accept-Language`: zh-CN Simplified, zh-TW Traditional), naming the scope,
    its county and the organizations, codes by their labels."""
    settings: GatewaySettings = request.app.state.settings
    as_of = as_of or today_in(settings.policy.timezone)
    peers: dict[str, PeerClient] = request.app.state.report_peers
    authorization = request.headers["authorization"]
    language = request.headers.get("accept-language", "")
    common = {"as_of": as_of.isoformat()} | ({"within": str(within)} if within else {})
    member_params = dict(common)
    for name, value in (
        ("team_age_min", team_age_min),
        ("secretary_age_min", secretary_age_min),
        ("member_age_min", member_age_min),
        ("reform_date", reform_date),
    ):
        if value is not None:
            member_params[name] = str(value)
    try:
        orgs_half, members_half = await asyncio.gather(
            _ask(peers["orgs"], "/api/v1/communities/survey", common, authorization, language),
            _ask(peers["members"], "/api/v1/members/survey", member_params, authorization, language),
        )
    except ServiceRefused as refused:
        return _passed_through(refused.response)
    report = compose(within=within, as_of=as_of, orgs=orgs_half, members=members_half)
    if format is ReportFormat.json:
        return JSONResponse(report.model_dump(mode="json"))
    labels = await _labels(peers["orgs"])
    shown = {"content-language": chinese(script).value}
    if format is ReportFormat.xlsx:
        filename = f"survey-{as_of.isoformat()}.xlsx"
        return Response(
            content=xlsx.workbook(report, labels, script),
            media_type=XLSX_MEDIA_TYPE,
            headers={"content-disposition": f'attachment; filename="{filename}"'} | shown,
        )
    problems = await _diagnostics(peers["orgs"], within, as_of, authorization, labels)
    page = html.page(report, problems, labels, script)
    if format is ReportFormat.pdf:
        org_name = report.scope_name or "全部"
        subject = f"survey:{within or 'all'}:{as_of.isoformat()}"
        issued = await _issue(request, caller, ReportDocumentKind.survey_report, subject, within, org_name)
        return await _pdf(request, printed.with_foot(page, issued, script), "survey", issued, shown)
    return HTMLResponse(page, headers={"Content-Security-Policy": html.CSP} | shown)


async def _issue(
    request: Request, caller: Caller, kind: ReportDocumentKind, subject: str, org_id: uuid.UUID | None, org_name: str
) -> IssuedDocument:
    """The report's registration (kit.documents): one number per scope, date and day printed."""
    settings: GatewaySettings = request.app.state.settings
    registry: DocumentRegistry = request.app.state.documents
    db: Database = request.app.state.db
    async with db.write_sessions() as session:
        issued = await registry.issue(
            session,
            kind=kind.value,
            prefix=PREFIXES[kind],
            subject=subject,
            org_id=org_id,
            org_name=org_name,
            issued_on=today_in(settings.policy.timezone),
            issued_by=caller.name or caller.subject,
        )
        await session.commit()
    return issued


async def _pdf(request: Request, page: str, stem: str, issued: IssuedDocument, headers: dict[str, str]) -> Response:
    settings: GatewaySettings = request.app.state.settings
    pdf = await html_to_pdf(page, renderer=settings.pdf_renderer, timeout_s=settings.pdf_timeout_s)
    return Response(
        pdf,
        media_type=PDF_MEDIA_TYPE,
        headers={
            "content-disposition": f'inline; filename="{stem}-{issued.number}.pdf"',
            "x-document-number": issued.number,
        }
        | headers,
    )


async def _labels(orgs: PeerClient) -> Labels:
    """The orgs service's labels (public); without them the codes stand for themselves."""
    try:
        return Labels(await orgs.get_json("/labels"))
    except PeerUnavailable:
        return Labels()


async def _diagnostics(
    orgs: PeerClient, within: uuid.UUID | None, as_of: date, authorization: str, labels: Labels
) -> list[html.Problem] | None:
    """The organization-setup problems of the scope, named (orgs' diagnostics), with Chinese labels.

    Without `within` the report's own form mismatches stand for them (they are always named);
    None when the diagnostics could not be had.
    """
    if within is None:
        return []
    try:
        path = f"/api/v1/orgs/{within}/diagnostics"
        found = await _ask(orgs, path, {"as_of": as_of.isoformat()}, authorization)
    except (ServiceRefused, PeerUnavailable):
        # The figures stand without the diagnostics; the page says they are missing.
        return None
    return [
        html.Problem(
            rule=str(item["rule"]),
            label=labels.rule(str(item["rule"])),
            org_name=str(item["org_name"]),
            figures=dict(item.get("figures") or {}),
        )
        for item in found.get("items", [])
    ]


@router.get(
    "/diagnostics",
    responses=_content("text/html", PDF_MEDIA_TYPE) | answers(SUBTREE_REQUIRED, RENDERER_UNAVAILABLE, RENDERING_FAILED),
)
async def diagnostics_report(
    request: Request,
    caller: CallerDep,
    script: ScriptDep,
    within: Annotated[uuid.UUID | None, Query(description="The subtree (default: the caller's scope)")] = None,
    as_of: Annotated[date | None, Query(description="The day the lists are for (default today)")] = None,
    format: DiagnosticsFormat = DiagnosticsFormat.json,
) -> Any:
    """Work lists with the organization or member, the figures and the seed's suggested measure:
    form mismatches (those over the policy's alarm without a committee called out), small or
    incomplete teams, no cross-appointment, teams below 三個60%, terms overdue, thin or poorly
    educated reserve pools, followed members not contacted lately, organizations whose only activity
    is the study day, members with no attendance, green-channel members without home service,
    young members below college not in the education upgrade, units without co-building; and the
    seed's remaining problems (merged cooperative, simply combined teams, 入黨無門, few service
    activities, ageing community workers, venues without basic facilities), with `not_evaluated`
    naming any of orgs' rules that could not be judged. Each
    service answers with the caller's own token, so roles and scope are the services' own.
    `format=pdf` (or `html`, the page it is printed from): the lists as a registered document
    (number, date, check code) in the reader's script."""
    root = within or caller.scope_org_id
    if root is None:
        raise SUBTREE_REQUIRED.on("within", "required", detail="Name the subtree with `within`", location="query")
    settings: GatewaySettings = request.app.state.settings
    composer = Composer(request.app.state.peers, request.headers["authorization"], settings.diagnostics_timeout_s)
    day = as_of or today_in(settings.policy.timezone)
    result = await diagnostics(composer, root, day)
    if format is DiagnosticsFormat.json:
        return result
    org = await composer.get("orgs", f"/api/v1/orgs/{root}", {})
    org_name = str(org.get("name") or root)
    issued = await _issue(request, caller, ReportDocumentKind.diagnostics_report, f"diagnostics:{root}:{day}", root, org_name)
    page = printed.diagnostics_page(result, org_name, issued, script)
    shown = {"content-language": chinese(script).value}
    if format is DiagnosticsFormat.html:
        return HTMLResponse(page, headers={"Content-Security-Policy": html.CSP, "x-document-number": issued.number} | shown)
    return await _pdf(request, page, "diagnostics", issued, shown)
