"""Rules of the probation (預備期, 《中國共產黨發展黨員工作細則》): it lasts the policy's year from
admission (the branch meeting, the record's `joined_on`), may be extended once by six months to a
year, and a probationary member becomes full (轉正) on its end or later, never before."""

from datetime import date
from typing import Any

from services.kit.problems import field_error
from services.members.rules import MembersPolicy
from services.members.rules.common import months_after


def probation_ends_on(joined_on: date, extension_months: int, policy: MembersPolicy) -> date:
    """The first day the member may become full: the probation year, plus a recorded extension."""
    return months_after(joined_on, policy.probation_months + extension_months)


def too_early_message(earliest: date) -> str:
    return f"the probation ends on {earliest.isoformat()}: that is the earliest day to become full"


def full_on_errors(full_on: date, *, joined_on: date, earliest: date, today: date) -> list[dict[str, Any]]:
    """Why the member cannot be recorded as made full on `full_on` (`earliest`: `probation_ends_on`)."""
    if full_on < joined_on:
        return [field_error("full_on", "becoming full before joining")]
    if full_on < earliest:
        return [field_error("full_on", too_early_message(earliest))]
    if full_on > today:
        return [field_error("full_on", "is in the future")]
    return []


def extension_errors(*, months: int, already_extended: bool, policy: MembersPolicy) -> list[dict[str, Any]]:
    if already_extended:
        return [field_error("months", "the probation was already extended once")]
    low, high = policy.probation_extension_min_months, policy.probation_extension_max_months
    if not low <= months <= high:
        return [field_error("months", f"an extension lasts {low}-{high} months")]
    return []


def extension_date_errors(*, decided_on: date, joined_on: date, today: date) -> list[dict[str, Any]]:
    if decided_on > today:
        return [field_error("decided_on", "is in the future")]
    if decided_on < joined_on:
        return [field_error("decided_on", "is before the member joined")]
    return []
