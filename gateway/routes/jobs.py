"""`/api/v1/jobs`: every process's scheduled jobs, for the system administrator."""

from fastapi import APIRouter, Request

from gateway.errors import FORBIDDEN
from gateway.routes.deps import SysAdmin
from gateway.schemas.jobs import JobsOverview
from gateway.service import jobs
from gateway.settings import OWN_ROUTE_MAX_BODY_BYTES
from services.kit.db import ReadSessionDep
from services.kit.problems import answers

router = APIRouter(prefix="/api/v1/jobs", tags=["jobs"], max_body_size=OWN_ROUTE_MAX_BODY_BYTES)


@router.get("", response_model=JobsOverview, responses=answers(FORBIDDEN))
async def list_jobs(request: Request, _caller: SysAdmin, session: ReadSessionDep) -> JobsOverview:
    """Each scheduled job of the gateway and the three services: its interval (a setting of its
    process), whether it runs now, its last run (start, end, `ok` or `failed`, the detail: counts,
    or a failure's error type, never personal data) and when it is next due. A service that does
    not answer is listed with `available: false` and why; the others are shown all the same."""
    return await jobs.overview(session, request.app.state.scheduler, request.app.state.peers, request.headers["authorization"])
