"""The life of a rectification: demanded (open) → reported by the organization → closed by the
issuer, who may instead reopen a report, or reopen a closed one; and when it is overdue."""

from datetime import date

from services.orgs.enums import RectificationStatus, RectificationStep

S = RectificationStatus
# Which status each step leads to, from which statuses it may be taken.
STEPS: dict[RectificationStep, tuple[frozenset[RectificationStatus], RectificationStatus]] = {
    # The organization reports what it did while the rectification is open (again).
    RectificationStep.reported: (frozenset({S.open, S.reopened}), S.reported),
    # The issuer closes a report it accepts, or a reopened one it finds done on the spot.
    RectificationStep.closed: (frozenset({S.reported, S.reopened}), S.closed),
    # The issuer sends back a report that does not convince, or reopens a closed one that relapsed.
    RectificationStep.reopened: (frozenset({S.reported, S.closed}), S.reopened),
}
OWING = frozenset({S.open, S.reopened})


def next_status(status: RectificationStatus, step: RectificationStep) -> RectificationStatus | None:
    """The status after `step`, or None when the step is not allowed from `status`."""
    allowed, after = STEPS[step]
    return after if status in allowed else None


def is_overdue(status: RectificationStatus, deadline: date, today: date) -> bool:
    """Past the deadline and the organization still owes its report."""
    return status in OWING and today > deadline
