"""Member work lists for the diagnostics report: members under the education-upgrade age with
education below college who are not in the upgrade program (seed 對策(三)2, 45歲以下黨員學歷進修)."""

import uuid
from datetime import date

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.pagination import keyset_page, page_of
from services.members.enums import CareProgram, Education, Whereabouts
from services.members.models import CareEnrolment, Member
from services.members.rules.care import EDUCATION_ORDER
from services.members.rules.common import age_on, born_on_or_before_for_age
from services.members.rules.records import CLOSED_STATES
from services.members.schemas.worklists import EducationUpgradeGap
from services.members.service.common import MembersContext, visible
from services.members.service.records import MemberFilter, filtered

BELOW_COLLEGE = EDUCATION_ORDER[: EDUCATION_ORDER.index(Education.college)]


async def education_upgrade_missing(
    session: AsyncSession, ctx: MembersContext, *, within: uuid.UUID | None, as_of: date, cursor: str | None, limit: int
) -> tuple[list[EducationUpgradeGap], str | None]:
    """Open records held here (not the not-transferred) younger than the policy's upgrade age, below
    college, with no active education-upgrade enrolment begun by `as_of`."""
    enrolled = (
        select(CareEnrolment.id)
        .where(
            CareEnrolment.member_id == Member.id,
            CareEnrolment.program == CareProgram.education_upgrade.value,
            CareEnrolment.enrolled_on <= as_of,
            and_(CareEnrolment.completed_on.is_(None), CareEnrolment.ended_on.is_(None)),
        )
        .exists()
    )
    stmt = filtered(visible(ctx.caller), ctx, MemberFilter(within=within)).where(
        Member.state.not_in(sorted(CLOSED_STATES)),
        Member.whereabouts != Whereabouts.not_transferred.value,
        Member.birth_date > born_on_or_before_for_age(as_of, ctx.policy.education_upgrade_max_age, by_month=ctx.by_month),
        Member.education.in_(BELOW_COLLEGE),
        ~enrolled,
    )
    rows = (await session.execute(keyset_page(stmt, [Member.id], cursor, limit))).scalars().all()
    members, next_cursor = page_of(rows, limit, lambda m: [m.id])
    items = [
        EducationUpgradeGap(
            member_id=m.id,
            name=m.name,
            org_id=m.org_id,
            birth_date=None if ctx.by_month else m.birth_date,
            birth_year_month=m.birth_date,
            age=age_on(m.birth_date, as_of, by_month=ctx.by_month),
            education=m.education,
        )
        for m in members
    ]
    return items, next_cursor
