"""Rules of an activity: who may organize it, its schedule and local day, its status moves."""

from datetime import date, datetime

from services.activities.enums import ActivityStatus, OrgStatus
from services.activities.rules.common import aware
from services.kit.context import today_in


def cannot_organize(status: str) -> str | None:
    """Why an organization in `status` cannot organize activities, or None."""
    if status != OrgStatus.active:
        return "the organization is not active"
    return None


def local_day(moment: datetime, timezone: str) -> date:
    """The calendar day `moment` falls on in `timezone`: an activity's day, month and quarter are local."""
    return today_in(timezone, aware(moment))


def schedule_error(starts_at: datetime, ends_at: datetime | None) -> str | None:
    if ends_at is not None and aware(ends_at) < aware(starts_at):
        return "the end is before the start"
    return None


# planned → held or cancelled; held → cancelled (logged by mistake); cancelled is final.
_STATUS_MOVES: dict[str, set[str]] = {
    ActivityStatus.planned: {ActivityStatus.held, ActivityStatus.cancelled},
    ActivityStatus.held: {ActivityStatus.cancelled},
    ActivityStatus.cancelled: set(),
}


def status_change_error(old: str, new: str) -> str | None:
    if old == new or new in _STATUS_MOVES.get(old, set()):
        return None
    return f"a {old} activity cannot become {new}"
