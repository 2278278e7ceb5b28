"""Member facts as of a day, in SQL: the one building block the survey, the statistics, the member
counts orgs asks for and the work lists read instead of the current record.

The rule is `rules/facts.py`. For a day D, members with no fact-changing event effective after D
are exactly their current columns; only those with one (few, for any recent D) have their facts
rebuilt from the history. The subquery is their UNION ALL: the first arm reads the record (so the
covering indexes still serve it), the second picks the last event of each fact by D per member.
"Events after D" is a range read of `ix_members_member_events_effective_on`.
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
    exists,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import aliased

from services.members.enums import MemberEventKind, MemberState, PartyStatus, TransferKind, Whereabouts
from services.members.models import Member, MemberEventRow
from services.members.rules.facts import FACT_KINDS

# A condition on an alias of `member_events`.
Condition = Callable[[Any], ColumnElement[bool]]
# The columns of the facts subquery: the dated facts and the record's undated ones the reports use.
UNDATED = ("id", "joined_on", "birth_date", "education", "occupation", "sex", "residence_community_id")


def _from_is_missing(event: Any) -> ColumnElement[bool]:
    missing: ColumnElement[bool] = event.details["from"].as_string().is_(None)
    return missing


def changed_after(as_of: date) -> Select[Any]:
    """Ids of members with an event changing a fact effective after `as_of` (the opening
    whereabouts counts from joining, so it is no change)."""
    return (
        select(MemberEventRow.member_id)
        .where(
            MemberEventRow.effective_on > as_of,
            MemberEventRow.kind.in_([kind.value for kind in FACT_KINDS]),
            or_(MemberEventRow.kind != MemberEventKind.whereabouts_changed.value, ~_from_is_missing(MemberEventRow)),
        )
        .distinct()
    )


def _uuid(text: ColumnElement[Any], dialect: str) -> ColumnElement[Any]:
    # An id as JSON holds it ("8c1e…-…") as the column stores it: a uuid on PostgreSQL, 32 hex
    # digits on SQLite (SQLAlchemy's Uuid there).
    if dialect == "postgresql":
        return cast(text, Uuid)
    return func.replace(text, "-", "")


def _rebuilt(as_of: date, dialect: str) -> list[ColumnElement[Any]]:
    """The dated facts of one member (correlated to `Member`), by the rule of `rules/facts.py`."""

    def fact(kind: Condition, value: Callable[[Any], Any], dated: Condition, opening: Any, current: Any) -> Any:
        event = aliased(MemberEventRow)
        kind_of, value_of, dated_of = kind(event), value(event), dated(event)
        last = (
            select(value_of)
            .where(event.member_id == Member.id, kind_of, dated_of)
            .order_by(event.seq.desc())
            .limit(1)
            .scalar_subquery()
        )
        other = aliased(MemberEventRow)
        has_any = exists(select(other.id).where(other.member_id == Member.id, kind(other)))
        return func.coalesce(last, case((has_any, opening), else_=current))

    def of_kind(kind: MemberEventKind) -> Condition:
        return lambda e: e.kind == kind.value

    def by_date(e: Any) -> ColumnElement[bool]:
        on_or_before: ColumnElement[bool] = e.effective_on <= as_of
        return on_or_before

    def transfer_in(e: Any) -> ColumnElement[bool]:
        return and_(e.kind == MemberEventKind.org_changed.value, e.details["kind"].as_string() == TransferKind.in_.value)

    def joined_org() -> Any:
        event = aliased(MemberEventRow)
        opened = (
            select(event.details["org_id"].as_string())
            .where(event.member_id == Member.id, event.kind == MemberEventKind.joined.value)
            .order_by(event.seq)
            .limit(1)
            .scalar_subquery()
        )
        return func.coalesce(_uuid(opened, dialect), Member.org_id)

    state = fact(
        of_kind(MemberEventKind.state_changed),
        lambda e: e.details["to"].as_string(),
        by_date,
        MemberState.normal.value,
        Member.state,
    )
    party_status = fact(
        of_kind(MemberEventKind.became_full),
        lambda e: literal(PartyStatus.full.value),
        by_date,
        PartyStatus.probationary.value,
        Member.party_status,
    )
    whereabouts = fact(
        lambda e: or_(e.kind == MemberEventKind.whereabouts_changed.value, transfer_in(e)),
        lambda e: case((transfer_in(e), Whereabouts.resident.value), else_=e.details["whereabouts"].as_string()),
        # The opening whereabouts counts from joining (the member has joined by `as_of`).
        lambda e: or_(by_date(e), and_(e.kind == MemberEventKind.whereabouts_changed.value, _from_is_missing(e))),
        Whereabouts.resident.value,
        Member.whereabouts,
    )
    org_id = fact(
        of_kind(MemberEventKind.org_changed),
        lambda e: _uuid(e.details["to_org_id"].as_string(), dialect),
        by_date,
        joined_org(),
        Member.org_id,
    )
    return [
        org_id.label("org_id"),
        state.label("state"),
        party_status.label("party_status"),
        whereabouts.label("whereabouts"),
    ]


def facts_as_of(as_of: date, dialect: str) -> Subquery:
    """Every member record with its facts on `as_of`: columns `id`, `org_id`, `state`,
    `party_status`, `whereabouts` and the undated `UNDATED` ones. Joining after `as_of` is left
    to the caller (`joined_on <= as_of`), as the population of each report says."""
    changed = changed_after(as_of).scalar_subquery()
    undated = [getattr(Member, name).label(name) for name in UNDATED]
    unchanged = select(*undated, Member.org_id.label("org_id"), Member.state, Member.party_status, Member.whereabouts).where(
        Member.id.not_in(changed)
    )
    rebuilt = select(*undated, *_rebuilt(as_of, dialect)).where(Member.id.in_(changed))
    return union_all(unchanged, rebuilt).subquery("facts")
