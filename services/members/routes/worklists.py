"""`/api/v1/members/worklists/...`: member work lists the diagnostics report needs."""

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from services.kit.db import ReadSessionDep
from services.kit.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery, Page
from services.members.routes.deps import ReaderContext
from services.members.schemas.floating_reports import FloatingReportDue
from services.members.schemas.worklists import EducationUpgradeGap
from services.members.service import floating_reports, worklists

router = APIRouter(prefix="/api/v1/members/worklists", tags=["members"])


@router.get("/education-upgrade", response_model=Page[EducationUpgradeGap])
async def education_upgrade_missing(
    session: ReadSessionDep,
    ctx: ReaderContext,
    within: Annotated[uuid.UUID | None, Query(description="Only members of this organization's subtree")] = None,
    as_of: Annotated[date | None, Query(description="The day ages and enrolments are read on (default today)")] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
) -> Page[EducationUpgradeGap]:
    """Members under the policy's education-upgrade age, below college, not in the upgrade program."""
    items, next_cursor = await worklists.education_upgrade_missing(
        session, ctx, within=within, as_of=as_of or ctx.today, cursor=cursor, limit=limit
    )
    return Page(items=items, next_cursor=next_cursor)


@router.get("/floating-reports", response_model=Page[FloatingReportDue])
async def floating_reports_due(
    session: ReadSessionDep,
    ctx: ReaderContext,
    within: Annotated[uuid.UUID | None, Query(description="Only members of this organization's subtree")] = None,
    as_of: Annotated[date | None, Query(description="The day the reports are counted on (default today)")] = None,
    missing_only: Annotated[bool, Query(description="Only members whose periodic report is overdue")] = False,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
) -> Page[FloatingReportDue]:
    """Floating members with their last periodic report (定期匯報), this year's count, the next due
    day and whether one is missing (the policy's `floating_report_interval_days`)."""
    items, next_cursor = await floating_reports.due_list(
        session, ctx, within=within, as_of=as_of or ctx.today, missing_only=missing_only, cursor=cursor, limit=limit
    )
    return Page(items=items, next_cursor=next_cursor)
