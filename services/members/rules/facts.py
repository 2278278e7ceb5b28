"""A member's facts as of a day, rebuilt from the dated history (`member_events`).

The reports (survey, statistics, diagnostics and the work lists that take a date) count members
by four facts: the state, the party status, the whereabouts and the organization holding the
relationship. Each is changed only by dated events, and the record's columns hold the result of
the last one recorded, so the facts on a day D are:

- for each fact, the value of the event of that fact **recorded last** (highest `seq`) among those
  effective on or before D. The order of recording, not of effective dates, decides between two
  events both before D: an event recorded later with an earlier date is a correction and
  supersedes. With no event after D this is exactly the record's columns;
- when the fact has events but none by D, the value a record opens with (normal, probationary,
  resident, the organization it was made in);
- when the fact has no event at all, the record's column;
- a member who joined after D has no facts on D.

The whereabouts a record is opened with (an event without a `from`) is what the record knew from
the start: it counts from joining, whatever day it was recorded on. A transfer in (an
`org_changed` of kind `in`) also ends "not transferred": the member is resident from that day.

`service/facts.py` builds the same rule in SQL; the tests hold the two together on random histories.
"""

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from services.members.enums import MemberEventKind, MemberState, PartyStatus, TransferKind, Whereabouts

# The kinds of event that change a fact the reports count by.
FACT_KINDS = (
    MemberEventKind.state_changed,
    MemberEventKind.became_full,
    MemberEventKind.whereabouts_changed,
    MemberEventKind.org_changed,
)


@dataclass(frozen=True)
class Facts:
    state: str
    party_status: str
    whereabouts: str
    org_id: uuid.UUID


@dataclass(frozen=True)
class DatedEvent:
    seq: int
    kind: str
    effective_on: date
    details: dict[str, Any]


def is_opening_whereabouts(kind: str, details: dict[str, Any]) -> bool:
    """The whereabouts a record was opened with: it names no earlier whereabouts."""
    return kind == MemberEventKind.whereabouts_changed and details.get("from") is None


def is_transfer_in(kind: str, details: dict[str, Any]) -> bool:
    return kind == MemberEventKind.org_changed and details.get("kind") == TransferKind.in_


def changes_a_fact_after(event: DatedEvent, as_of: date) -> bool:
    """Whether the event may make the facts on `as_of` differ from the record's columns."""
    if event.kind not in FACT_KINDS or is_opening_whereabouts(event.kind, event.details):
        return False
    return event.effective_on > as_of


def _fact(
    events: list[DatedEvent],
    *,
    concerns: Callable[[DatedEvent], bool],
    by_day: Callable[[DatedEvent], bool],
    value: Callable[[DatedEvent], Any],
    opening: Any,
    current: Any,
) -> Any:
    """One fact: the value of its last recorded event by the day; its opening value when it has
    events but none by then; the record's column when it has none."""
    mine = [event for event in events if concerns(event)]
    if not mine:
        return current
    known = [event for event in mine if by_day(event)]
    return value(known[-1]) if known else opening


def facts_as_of(record: Facts, joined_on: date, events: Iterable[DatedEvent], as_of: date) -> Facts | None:
    """The member's facts on `as_of` (None before joining), from the record's columns and its history."""
    if joined_on > as_of:
        return None
    ordered = sorted(events, key=lambda event: event.seq)
    joined_org = next(
        (uuid.UUID(str(e.details["org_id"])) for e in ordered if e.kind == MemberEventKind.joined and e.details.get("org_id")),
        record.org_id,
    )

    def of_kind(kind: MemberEventKind) -> Callable[[DatedEvent], bool]:
        return lambda event: event.kind == kind

    def on_or_before(event: DatedEvent) -> bool:
        return event.effective_on <= as_of

    def whereabouts_by_day(event: DatedEvent) -> bool:
        # The opening whereabouts counts from joining, and the member has joined by `as_of`.
        return is_opening_whereabouts(event.kind, event.details) or on_or_before(event)

    return Facts(
        state=_fact(
            ordered,
            concerns=of_kind(MemberEventKind.state_changed),
            by_day=on_or_before,
            value=lambda event: str(event.details["to"]),
            opening=MemberState.normal.value,
            current=record.state,
        ),
        party_status=_fact(
            ordered,
            concerns=of_kind(MemberEventKind.became_full),
            by_day=on_or_before,
            value=lambda event: PartyStatus.full.value,
            opening=PartyStatus.probationary.value,
            current=record.party_status,
        ),
        whereabouts=_fact(
            ordered,
            concerns=lambda event: event.kind == MemberEventKind.whereabouts_changed or is_transfer_in(event.kind, event.details),
            by_day=whereabouts_by_day,
            value=lambda event: (
                Whereabouts.resident.value if is_transfer_in(event.kind, event.details) else str(event.details["whereabouts"])
            ),
            opening=Whereabouts.resident.value,
            current=record.whereabouts,
        ),
        org_id=_fact(
            ordered,
            concerns=of_kind(MemberEventKind.org_changed),
            by_day=on_or_before,
            value=lambda event: uuid.UUID(str(event.details["to_org_id"])),
            opening=joined_org,
            current=record.org_id,
        ),
    )
