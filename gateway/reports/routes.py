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

from gateway.errors import SUBTREE_REQUIRED
from gateway.reports import html, xlsx
from gateway.reports.composition import SurveyReport, compose
from gateway.reports.diagnostics import Composer, diagnostics
from gateway.reports.structure import Labels
from gateway.settings import OWN_ROUTE_MAX_BODY_BYTES, GatewaySettings
from services.kit.auth import CallerDep
from services.kit.context import today_in
from services.kit.peers import PeerClient, PeerUnavailable
from services.kit.problems import answers
from services.kit.script import ScriptDep, chinese

router = APIRouter(prefix="/api/v1/reports", tags=["reports"], max_body_size=OWN_ROUTE_MAX_BODY_BYTES)

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Age = Annotated[int | None, Query(ge=0, le=150, description="Default: the members policy (46, 45, 46)")]


class ReportFormat(StrEnum):
    json = "json"
    xlsx = "xlsx"
    html = "html"


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
    responses={200: {"content": {XLSX_MEDIA_TYPE: {}, "text/html": {}}}},
)
async def survey_report(
    request: Request,
    _caller: CallerDep,
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
    `format=xlsx` for a workbook with charts, `format=html` for the printable page — both in the
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
    return HTMLResponse(html.page(report, problems, labels, script), headers={"Content-Security-Policy": html.CSP} | shown)


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


@router.get("/diagnostics", responses=answers(SUBTREE_REQUIRED))
async def diagnostics_report(
    request: Request,
    caller: CallerDep,
    within: Annotated[uuid.UUID | None, Query(description="The subtree (default: the caller's scope)")] = None,
    as_of: Annotated[date | None, Query(description="The day the lists are for (default today)")] = None,
) -> dict[str, Any]:
    """Work lists with the organization or member, the figures and the seed's suggested measure:
    form mismatches (those over the policy's alarm without a committee called out), small or
    incomplete teams, no cross-appointment, teams below 三個60%, terms overdue, thin or poorly
    educated reserve pools, followed members not contacted lately, organizations whose only activity
    is the study day, members with no attendance, green-channel members without home service,
    young members below college not in the education upgrade, units without co-building; and the
    seed's remaining problems (merged cooperative, simply combined teams, 入黨無門, few service
    activities, ageing community workers, venues without basic facilities), with `not_evaluated`
    naming any of orgs' rules that could not be judged. Each
    service answers with the caller's own token, so roles and scope are the services' own."""
    root = within or caller.scope_org_id
    if root is None:
        raise SUBTREE_REQUIRED.on("within", "required", detail="Name the subtree with `within`", location="query")
    settings: GatewaySettings = request.app.state.settings
    composer = Composer(request.app.state.peers, request.headers["authorization"], settings.diagnostics_timeout_s)
    return await diagnostics(composer, root, as_of or today_in(settings.policy.timezone))
