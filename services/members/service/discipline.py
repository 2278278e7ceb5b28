"""Rewards and discipline on the record: commendations, and the five disciplinary measures.
Expulsion (開除黨籍) ends the membership through the state change (`records.set_state`): a dated
`state_changed` event to `left` with the reason, so the facts as of any day (`service/facts.py`),
the statistics and the survey see it from its date. 留黨察看 is counted as of its dates
(`on_probation_on`)."""

import uuid
from datetime import date

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.script import Script, label
from services.members.enums import ENUM_LABELS, DisciplineMeasure, MemberState
from services.members.errors import RULE_VIOLATION
from services.members.models import Commendation, Discipline
from services.members.rules import discipline as rules
from services.members.schemas.discipline import Commendation as CommendationOut
from services.members.schemas.discipline import CommendationCreate, DisciplineCreate
from services.members.schemas.discipline import Discipline as DisciplineOut
from services.members.schemas.records import StateChange
from services.members.service.common import MembersContext, get_visible
from services.members.service.records import set_state


def on_probation_on(member_id: ColumnElement[uuid.UUID], as_of: date, *, read_first: bool = False) -> ColumnElement[bool]:
    """Whether the member is under 留黨察看 on `as_of` (decided by then, not yet ended).
    `read_first`: on a Citus coordinator (`kit.db.is_citus`), the measures read first."""
    # An uncorrelated IN: the few members on probation are hashed once, where a correlated EXISTS
    # inside a count's FILTER ran once per member (+40% on the survey's members half at 249 k).
    measures = select(Discipline.member_id).where(
        Discipline.measure == DisciplineMeasure.probation.value,
        Discipline.decided_on <= as_of,
        or_(Discipline.ends_on.is_(None), Discipline.ends_on > as_of),
    )
    # Citus reads a subquery behind OFFSET 0 first, into one list: with the measures distributed
    # by county it cannot push an IN on another column down to the shards. Not on one server: the
    # survey of a city of 69 700 took 143-154 ms with it against 120-127 ms without (100 k members).
    return member_id.in_(measures.offset(0) if read_first else measures)


async def commendations(session: AsyncSession, ctx: MembersContext, member_id: uuid.UUID) -> list[CommendationOut]:
    await get_visible(session, ctx, member_id)
    stmt = select(Commendation).where(Commendation.member_id == member_id).order_by(Commendation.awarded_on, Commendation.id)
    return [CommendationOut.model_validate(c) for c in (await session.execute(stmt)).scalars()]


async def commend(session: AsyncSession, ctx: MembersContext, member_id: uuid.UUID, data: CommendationCreate) -> CommendationOut:
    member = await get_visible(session, ctx, member_id, for_update=True)
    if data.awarded_on > ctx.today:
        raise RULE_VIOLATION.on("awarded_on", "in the future", detail="A commendation is recorded once awarded")
    row = Commendation(
        id=uuid.uuid4(),
        member_id=member.id,
        county_id=member.county_id,
        kind=data.kind.value,
        title=data.title,
        awarded_on=data.awarded_on,
        awarded_by=data.awarded_by,
    )
    session.add(row)
    await session.flush()
    return CommendationOut.model_validate(row)


async def measures(session: AsyncSession, ctx: MembersContext, member_id: uuid.UUID) -> list[DisciplineOut]:
    await get_visible(session, ctx, member_id)
    stmt = select(Discipline).where(Discipline.member_id == member_id).order_by(Discipline.decided_on, Discipline.id)
    return [DisciplineOut.model_validate(d) for d in (await session.execute(stmt)).scalars()]


async def discipline(session: AsyncSession, ctx: MembersContext, member_id: uuid.UUID, data: DisciplineCreate) -> DisciplineOut:
    """Record a measure; expulsion also ends the membership (state `left`, dated the decision)."""
    member = await get_visible(session, ctx, member_id, for_update=True)
    errors = rules.discipline_errors(data.measure, data.probation_years, data.decided_on, ctx.today)
    if errors:
        raise RULE_VIOLATION("The measure cannot be recorded: " + "; ".join(e["message"] for e in errors), errors=errors)
    if data.measure is DisciplineMeasure.expulsion:
        reason = f"{DisciplineMeasure.expulsion.zh_hans} ({data.decided_by})" + (f": {data.reason}" if data.reason else "")
        await set_state(
            session, ctx, member.id, StateChange(state=MemberState.left, effective_on=data.decided_on, reason=reason[:500])
        )
    row = Discipline(
        id=uuid.uuid4(),
        member_id=member.id,
        county_id=member.county_id,
        measure=data.measure.value,
        decided_on=data.decided_on,
        decided_by=data.decided_by,
        reason=data.reason,
        probation_years=data.probation_years,
        ends_on=rules.probation_end(data.decided_on, data.probation_years) if data.probation_years else None,
    )
    session.add(row)
    await session.flush()
    return DisciplineOut.model_validate(row)


async def export_cells(session: AsyncSession, member_ids: list[uuid.UUID], script: Script) -> dict[uuid.UUID, tuple[str, str]]:
    """The export's two cells of each member: the measures (with their days, 留黨察看 with its end)
    and the commendations, in the reader's script; members with neither are left out."""
    measures: dict[uuid.UUID, list[str]] = {}
    honours: dict[uuid.UUID, list[str]] = {}
    stmt = select(Discipline).where(Discipline.member_id.in_(member_ids)).order_by(Discipline.decided_on, Discipline.id)
    for d in (await session.execute(stmt)).scalars():
        text = f"{label(ENUM_LABELS['discipline_measure'][d.measure], script)} {d.decided_on}"
        measures.setdefault(d.member_id, []).append(text + (f"~{d.ends_on}" if d.ends_on else ""))
    stmt_c = select(Commendation).where(Commendation.member_id.in_(member_ids)).order_by(Commendation.awarded_on, Commendation.id)
    for c in (await session.execute(stmt_c)).scalars():
        honours.setdefault(c.member_id, []).append(f"{label(ENUM_LABELS['commendation_kind'][c.kind], script)} {c.awarded_on}")
    return {
        member_id: ("; ".join(measures.get(member_id, [])), "; ".join(honours.get(member_id, [])))
        for member_id in set(measures) | set(honours)
    }
