"""Rules of a floating member's periodic report (定期匯報): when the next one is due and whether
one is missing on a day."""

from datetime import date, timedelta


def report_due_on(*, floating_since: date | None, last_report_on: date | None, interval_days: int) -> date | None:
    """The day by which the next report is due: `interval_days` after the last report, or after
    the member floated out when none came since (None: the day they left is not known)."""
    start = max(d for d in (floating_since, last_report_on) if d is not None) if (floating_since or last_report_on) else None
    return start + timedelta(days=interval_days) if start is not None else None


def report_missing(*, floating_since: date | None, last_report_on: date | None, interval_days: int, as_of: date) -> bool:
    due = report_due_on(floating_since=floating_since, last_report_on=last_report_on, interval_days=interval_days)
    return due is not None and due < as_of


def report_date_error(reported_on: date, *, floating_since: date | None, today: date) -> str | None:
    if reported_on > today:
        return "a day still to come"
    if floating_since is not None and reported_on < floating_since:
        return "before the member floated out"
    return None
