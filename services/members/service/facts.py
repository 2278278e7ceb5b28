"""Member facts as of a day, in SQL: the one building block the survey, the statistics, the member
counts orgs asks for and the work lists read instead of the current record.

The rule is `rules/facts.py`. For a day D, members with no fact-changing event effective after D
are exactly their current columns; only those with one (few, for any recent D) have their facts
rebuilt from the history. "Events after D" is a range read of
`ix_members_member_events_effective_on`. A changed member's facts come from one aggregate over
its own events (`_marks`: for each fact, the value of its last event by D, carried in the
aggregate as the greatest zero-padded seq followed by the value), read through the
`(member_id, seq)` index on PostgreSQL.

`facts_as_of` is every member with its facts on D, the UNION ALL of the unchanged records and
the rebuilt ones: what the work lists, which list members, read. Counts (the survey, the
statistics, the member counts) read `tallies_as_of` instead, the records as they are plus a
signed correction. Every count is a sum over members, so the count on D is the count over the
current columns, minus the changed members as their columns hold them, plus the same members as
they were on D. The first term is the plain table (the statement of a report for today, with
its parallel scan and covering indexes); the correction touches only the changed members.
Measured on the survey benchmark (249 k members, 3.5 % changed since 30 June): the as-of
statements cost 40-60 % of what the union cost them (benchmarks/README.md).
"""

import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    Subquery,
    Uuid,
    and_,
    case,
    cast,
    func,
    literal,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Executable
from sqlalchemy.sql.functions import FunctionElement

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


# Each fact: which events concern it, the value an event gives it, and its opening value.
FACTS: dict[str, Condition] = {
    "state": lambda e: e.kind == MemberEventKind.state_changed.value,
    "party_status": lambda e: e.kind == MemberEventKind.became_full.value,
    "whereabouts": lambda e: or_(e.kind == MemberEventKind.whereabouts_changed.value, _is_transfer_in(e)),
    "org_id": lambda e: e.kind == MemberEventKind.org_changed.value,
}
OPENING = {  # the facts besides the organization, with the value a record opens with
    "state": MemberState.normal.value,
    "party_status": PartyStatus.probationary.value,
    "whereabouts": Whereabouts.resident.value,
}
SEQ_DIGITS = 10  # a member's events are numbered 1, 2, … : far fewer than 10**10


def _value(fact: str, e: Any) -> ColumnElement[Any]:
    """The value the event `e` gives `fact`, as text."""
    if fact == "party_status":
        return literal(PartyStatus.full.value)
    if fact == "whereabouts":
        return case((_is_transfer_in(e), Whereabouts.resident.value), else_=e.details["whereabouts"].as_string())
    value: ColumnElement[Any] = e.details["to" if fact == "state" else "to_org_id"].as_string()
    return value


def _last(condition: ColumnElement[bool], e: Any, value: ColumnElement[Any], dialect: str, *, first: bool = False) -> Any:
    """The value of the last (or first) event by seq meeting `condition`, in one aggregate: the
    greatest of seq, zero-padded, followed by the value, and the seq cut off again. NULL when no
    event meets it (and when the event holds no value, which the writes never record)."""
    if dialect == "postgresql":
        padded = func.lpad(cast(e.seq, String), SEQ_DIGITS, "0")
    else:
        padded = func.printf(f"%0{SEQ_DIGITS}d", e.seq)
    keyed = case((condition, padded.concat(value)))
    return func.substr((func.min if first else func.max)(keyed), SEQ_DIGITS + 1)


def _marks(as_of: date, dialect: str, changed: Any) -> Any:
    """Per changed member, one aggregate over their events: for each fact, the value of its last
    event by the day (`<fact>_by`) and whether it has one at all (`<fact>_any`); and the
    organization the record was opened in (`opened_in`). On PostgreSQL a LATERAL subquery of the
    record (join it with `_changed_with_marks`), elsewhere grouped over the changed members."""
    e = MemberEventRow

    def by_day(fact: str) -> ColumnElement[bool]:
        on_or_before = e.effective_on <= as_of
        if fact == "whereabouts":  # the opening whereabouts counts from joining
            return or_(on_or_before, and_(e.kind == MemberEventKind.whereabouts_changed.value, _from_is_missing(e)))
        return on_or_before

    columns: list[ColumnElement[Any]] = []
    for fact, concerns in FACTS.items():
        columns.append(_last(and_(concerns(e), by_day(fact)), e, _value(fact, e), dialect).label(f"{fact}_by"))
        columns.append(func.max(case((concerns(e), e.seq))).label(f"{fact}_any"))
    joined = e.kind == MemberEventKind.joined.value
    columns.append(_last(joined, e, e.details["org_id"].as_string(), dialect, first=True).label("opened_in"))
    if dialect == "postgresql":
        # Each changed member's own events, read by the (member_id, seq) index: grouped over the
        # set instead, PostgreSQL hashes the whole history (measured: a parallel scan of every
        # event, several times the cost of reading the few thousand members' events).
        # The county too: on a Citus cluster the history sits on its record's shard, and a join
        # on the distribution column is what lets Citus run it there (service/counties.py).
        return select(*columns).where(e.member_id == Member.id, e.county_id == Member.county_id).lateral("marks")
    return select(e.member_id, *columns).where(e.member_id.in_(changed)).group_by(e.member_id).subquery("marks")


def _changed_with_marks(stmt: Select[Any], marks: Any, changed: Any) -> Select[Any]:
    """`stmt` (a select from the records) over the changed members, each beside its marks."""
    if "member_id" in marks.c:
        return stmt.join(marks, marks.c.member_id == Member.id)
    return stmt.join(marks, true()).where(Member.id.in_(changed))


def _rebuilt_facts(marks: Any, dialect: str) -> list[ColumnElement[Any]]:
    """The four facts of a changed member on the day, by the rule of `rules/facts.py`: the value
    of the fact's last event by the day; its opening value when it has events but none by then;
    the record's column when it has none."""

    def fact(name: str, value: Any, opening: Any) -> ColumnElement[Any]:
        by, any_ = marks.c[f"{name}_by"], marks.c[f"{name}_any"]
        return case((by.is_not(None), value), (any_.is_not(None), opening), else_=getattr(Member, name))

    opened_in = func.coalesce(_uuid(marks.c.opened_in, dialect), Member.org_id)
    return [
        fact("org_id", _uuid(marks.c.org_id_by, dialect), opened_in),
        *(fact(name, marks.c[f"{name}_by"], opening) for name, opening in OPENING.items()),
    ]


def _rebuilt(as_of: date, dialect: str, changed: Any) -> Select[Any]:
    """The changed members with their facts on `as_of`."""
    marks = _marks(as_of, dialect, changed)
    names = ("org_id", *OPENING)
    rebuilt = [column.label(name) for column, name in zip(_rebuilt_facts(marks, dialect), names, strict=True)]
    undated = [getattr(Member, name).label(name) for name in UNDATED]
    return _changed_with_marks(select(*undated, *rebuilt).select_from(Member), marks, changed)


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


def _current(*extra: ColumnElement[Any]) -> Select[Any]:
    undated = [getattr(Member, name).label(name) for name in UNDATED]
    return select(*undated, Member.org_id.label("org_id"), Member.state, Member.party_status, Member.whereabouts, *extra)


async def tallies_as_of(session: AsyncSession, as_of: date, *, county: uuid.UUID | None = None) -> list[Subquery]:
    """What counts of members on `as_of` sum over, each with the columns of `facts_as_of`: the
    records as they are (the plain table) and, when a fact changed after `as_of`, a correction
    with a `weight` column: -1 for each changed member as the record holds them, +1 for the same
    member as they were on `as_of` (both rows from one lookup of the member). Count with
    `tally(subquery)` over each, read them `in_one_statement` and add the results (a group may
    net to zero: drop those).

    `county` (`counties.on_one_shard`): the county every record counted is in now, named for
    Citus to read one shard. The records as they are only: a member changed since may have
    been in the subtree on the day and be in another county now."""
    current = _current()
    if county is not None:
        current = current.where(Member.county_id == county)
    tallies: list[Subquery] = [current.subquery("facts")]
    if await session.scalar(select(_changes_after(as_of).exists())):
        dialect = session.get_bind().dialect.name
        changed = changed_after(as_of).scalar_subquery()
        marks = _marks(as_of, dialect, changed)
        signs = select(literal(-1).label("weight")).union_all(select(literal(1).label("weight"))).subquery("signs")
        was = signs.c.weight < 0
        names = ("org_id", *OPENING)
        facts = [
            case((was, getattr(Member, name)), else_=rebuilt).label(name)
            for name, rebuilt in zip(names, _rebuilt_facts(marks, dialect), strict=True)
        ]
        undated = [getattr(Member, name).label(name) for name in UNDATED]
        correction = _changed_with_marks(select(*undated, *facts, signs.c.weight).select_from(Member), marks, changed)
        correction = correction.join(signs, true())
        tallies.append(correction.subquery("correction"))
    return tallies


def in_one_statement(statements: list[Select[Any]]) -> Executable:
    """The statements counting over each of `tallies_as_of` as one UNION ALL: read in one
    snapshot, so that a write committed between the two reads cannot make their sum wrong
    (PostgreSQL's READ COMMITTED gives each statement its own). Their rows are to be added up."""
    return statements[0] if len(statements) == 1 else union_all(*statements)


def tally(facts: Subquery, *conditions: ColumnElement[bool]) -> ColumnElement[Any]:
    """The number of members of `facts` (a subquery of `tallies_as_of`) meeting `conditions`."""
    counted: FunctionElement[Any] = func.sum(facts.c.weight) if "weight" in facts.c else func.count()
    return counted.filter(and_(*conditions)) if conditions else counted
