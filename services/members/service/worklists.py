"""Member work lists for the diagnostics report: members under the education-upgrade age with
education below college who are not in the upgrade program (seed 對策(三)2, 45歲以下黨員學歷進修)."""

import uuid
from datetime import date

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.pagination import keyset_page, page_of
from services.kit.tree import within_node
from services.members.enums import CareProgram, Education, Whereabouts
from services.members.models import CareEnrolment, Member, org_replica
from services.members.rules.care import EDUCATION_ORDER
from services.members.rules.common import age_on, born_on_or_before_for_age
from services.members.rules.records import CLOSED_STATES
from services.members.schemas.worklists import EducationUpgradeGap
from services.members.service import counties
from services.members.service.common import MembersContext, in_scope
from services.members.service.facts import facts_as_of

BELOW_COLLEGE = EDUCATION_ORDER[: EDUCATION_ORDER.index(Education.college)]


async def education_upgrade_missing(
    session: AsyncSession, ctx: MembersContext, *, within: uuid.UUID | None, as_of: date, cursor: str | None, limit: int
) -> tuple[list[EducationUpgradeGap], str | None]:
    """Members on `as_of` (joined, record open, held here: not the not-transferred; in the
    organization of that day) younger than the policy's upgrade age, below college, with no active
    education-upgrade enrolment begun by `as_of`."""
    enrolled = (
        select(CareEnrolment.id)
        .where(
            counties.joined_with_records(CareEnrolment),
            CareEnrolment.program == CareProgram.education_upgrade.value,
            CareEnrolment.enrolled_on <= as_of,
            and_(CareEnrolment.completed_on.is_(None), CareEnrolment.ended_on.is_(None)),
        )
        .exists()
    )
    facts = await facts_as_of(session, as_of)
    stmt = (
        select(Member, facts.c.org_id)
        .join(facts, facts.c.id == Member.id)
        .join(org_replica, org_replica.c.id == facts.c.org_id)
        .where(
            in_scope(ctx.caller),
            facts.c.joined_on <= as_of,
            facts.c.state.not_in(sorted(CLOSED_STATES)),
            facts.c.whereabouts != Whereabouts.not_transferred.value,
            Member.birth_date > born_on_or_before_for_age(as_of, ctx.policy.education_upgrade_max_age, by_month=ctx.by_month),
            Member.education.in_(BELOW_COLLEGE),
            ~enrolled,
        )
    )
    if within is not None:
        stmt = stmt.where(within_node(within, org_replica.c.path, org_replica.c.id, org_replica.c.path))
    rows = (await session.execute(keyset_page(stmt, [Member.id], cursor, limit))).all()
    found, next_cursor = page_of(list(rows), limit, lambda row: [row[0].id])
    items = [
        EducationUpgradeGap(
            member_id=m.id,
            name=m.name,
            org_id=org_id,
            birth_date=None if ctx.by_month else m.birth_date,
            birth_year_month=m.birth_date,
            age=age_on(m.birth_date, as_of, by_month=ctx.by_month),
            education=m.education,
        )
        for m, org_id in found
    ]
    return items, next_cursor
