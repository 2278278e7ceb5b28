"""Member facts as of a day, in SQL: the one building block the survey, the statistics, the member
counts orgs asks for and the work lists read instead of the current record.

The rule is `rules/facts.py`. For a day D, members with no fact-changing event effective after D
are exactly their current columns; only those with one (few, for any recent D) have their facts
rebuilt from the history. The subquery is their UNION ALL: the first arm reads the record (so the
covering indexes, which hold the id, still serve it); the second marks, in one grouped pass over
the changed members' events, the seq of the last event of each fact by D, and joins those events
by (member_id, seq) for their values. "Events after D" is a range read of
`ix_members_member_events_effective_on`.
"""

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    Subquery,
    Uuid,
    and_,
    case,
    cast,
    func,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from services.members.enums import MemberEventKind, MemberState, PartyStatus, TransferKind, Whereabouts
from services.members.models import Member, MemberEventRow
from services.members.rules.facts import FACT_KINDS

# A condition on an alias of `member_events`.
Condition = Callable[[Any], ColumnElement[bool]]
# The record's undated columns the reports use, beside the four dated facts.
UNDATED = ("id", "joined_on", "birth_date", "education", "occupation", "sex", "residence_community_id")


def _from_is_missing(event: Any) -> ColumnElement[bool]:
    missing: ColumnElement[bool] = event.details["from"].as_string().is_(None)
    return missing


def _changes_after(as_of: date) -> Select[Any]:
    """Events changing a fact effective after `as_of` (the opening whereabouts counts from
    joining, so it is no change)."""
    return select(MemberEventRow.member_id).where(
        MemberEventRow.effective_on > as_of,
        MemberEventRow.kind.in_([kind.value for kind in FACT_KINDS]),
        or_(MemberEventRow.kind != MemberEventKind.whereabouts_changed.value, ~_from_is_missing(MemberEventRow)),
    )


def changed_after(as_of: date) -> Select[Any]:
    """Ids of members with an event changing a fact effective after `as_of`."""
    return _changes_after(as_of).distinct()


def _uuid(text: ColumnElement[Any], dialect: str) -> ColumnElement[Any]:
    # An id as JSON holds it ("8c1e…-…") as the column stores it: a uuid on PostgreSQL, 32 hex
    # digits on SQLite (SQLAlchemy's Uuid there).
    if dialect == "postgresql":
        return cast(text, Uuid)
    return func.replace(text, "-", "")


def _is_transfer_in(event: Any) -> ColumnElement[bool]:
    return and_(event.kind == MemberEventKind.org_changed.value, event.details["kind"].as_string() == TransferKind.in_.value)


# Each fact: which events concern it, and which of those count by the day (besides the date).
FACTS: dict[str, Condition] = {
    "state": lambda e: e.kind == MemberEventKind.state_changed.value,
    "party_status": lambda e: e.kind == MemberEventKind.became_full.value,
    "whereabouts": lambda e: or_(e.kind == MemberEventKind.whereabouts_changed.value, _is_transfer_in(e)),
    "org_id": lambda e: e.kind == MemberEventKind.org_changed.value,
}


def _marks(as_of: date, changed: Any) -> Subquery:
    """Per changed member, in one pass over their events: the seq of the last event of each fact
    by the day (`<fact>_by`), of its last event at all (`<fact>_any`), and of the joining."""
    e = MemberEventRow

    def by_day(fact: str) -> ColumnElement[bool]:
        on_or_before = e.effective_on <= as_of
        if fact == "whereabouts":  # the opening whereabouts counts from joining
            return or_(on_or_before, and_(e.kind == MemberEventKind.whereabouts_changed.value, _from_is_missing(e)))
        return on_or_before

    columns: list[ColumnElement[Any]] = []
    for fact, concerns in FACTS.items():
        columns.append(func.max(case((and_(concerns(e), by_day(fact)), e.seq))).label(f"{fact}_by"))
        columns.append(func.max(case((concerns(e), e.seq))).label(f"{fact}_any"))
    columns.append(func.min(case((e.kind == MemberEventKind.joined.value, e.seq))).label("opened"))
    return select(e.member_id, *columns).where(e.member_id.in_(changed)).group_by(e.member_id).subquery("marks")


def _rebuilt(as_of: date, dialect: str, changed: Any) -> Select[Any]:
    """The changed members with their facts on `as_of`, by the rule of `rules/facts.py`: each fact
    is the value of the event its mark names, joined by (member_id, seq)."""
    marks = _marks(as_of, changed)
    state, place, org, joined = (aliased(MemberEventRow) for _ in range(4))

    def at(event: Any, seq: Any) -> ColumnElement[bool]:
        return and_(event.member_id == Member.id, event.seq == seq)

    def fact(name: str, value: Any, opening: Any, current: Any) -> ColumnElement[Any]:
        by, any_ = marks.c[f"{name}_by"], marks.c[f"{name}_any"]
        return case((by.is_not(None), value), (any_.is_not(None), opening), else_=current).label(name)

    opened_in = func.coalesce(_uuid(joined.details["org_id"].as_string(), dialect), Member.org_id)
    return (
        select(
            *[getattr(Member, name).label(name) for name in UNDATED],
            fact("org_id", _uuid(org.details["to_org_id"].as_string(), dialect), opened_in, Member.org_id),
            fact("state", state.details["to"].as_string(), MemberState.normal.value, Member.state),
            fact("party_status", PartyStatus.full.value, PartyStatus.probationary.value, Member.party_status),
            fact(
                "whereabouts",
                case((_is_transfer_in(place), Whereabouts.resident.value), else_=place.details["whereabouts"].as_string()),
                Whereabouts.resident.value,
                Member.whereabouts,
            ),
        )
        .select_from(Member)
        .join(marks, marks.c.member_id == Member.id)
        .outerjoin(state, at(state, marks.c.state_by))
        .outerjoin(place, at(place, marks.c.whereabouts_by))
        .outerjoin(org, at(org, marks.c.org_id_by))
        .outerjoin(joined, at(joined, marks.c.opened))
    )


async def facts_as_of(session: AsyncSession, as_of: date) -> Subquery:
    """Every member record with its facts on `as_of`: columns `id`, `org_id`, `state`,
    `party_status`, `whereabouts` and the undated `UNDATED` ones. Joining after `as_of` is left
    to the caller (`joined_on <= as_of`), as the population of each report says.

    When no fact changed after `as_of` (a report for today, or for a day with nothing recorded
    since) the facts are the records themselves, and the subquery is the plain table: one probe
    of the index decides, and the reports for today cost what they did before the as-of reading."""
    undated = [getattr(Member, name).label(name) for name in UNDATED]
    current = [Member.org_id.label("org_id"), Member.state, Member.party_status, Member.whereabouts]
    if not await session.scalar(select(_changes_after(as_of).exists())):
        return select(*undated, *current).subquery("facts")
    changed = changed_after(as_of).scalar_subquery()
    unchanged = select(*undated, *current).where(Member.id.not_in(changed))
    rebuilt = _rebuilt(as_of, session.get_bind().dialect.name, changed)
    return union_all(unchanged, rebuilt).subquery("facts")
