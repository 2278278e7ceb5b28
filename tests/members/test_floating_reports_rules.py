"""The pure rules of a floating member's periodic reports: the next due day, missing, the date."""

from datetime import date

from services.members.rules.floating_reports import report_date_error, report_due_on, report_missing


def test_the_next_report_is_due_an_interval_after_the_last_or_after_leaving() -> None:
    assert report_due_on(floating_since=date(2026, 1, 1), last_report_on=None, interval_days=92) == date(2026, 4, 3)
    assert report_due_on(floating_since=date(2026, 1, 1), last_report_on=date(2026, 3, 1), interval_days=92) == date(2026, 6, 1)
    assert report_due_on(floating_since=None, last_report_on=None, interval_days=92) is None


def test_a_report_is_missing_only_after_its_due_day() -> None:
    def missing(as_of: date) -> bool:
        return report_missing(floating_since=date(2026, 1, 1), last_report_on=None, interval_days=92, as_of=as_of)

    assert (missing(date(2026, 4, 3)), missing(date(2026, 4, 4))) == (False, True)
    assert report_missing(floating_since=None, last_report_on=None, interval_days=92, as_of=date(2030, 1, 1)) is False


def test_a_report_is_dated_between_leaving_and_today() -> None:
    today = date(2026, 5, 1)
    assert report_date_error(date(2026, 5, 2), floating_since=date(2026, 1, 1), today=today) == "a day still to come"
    assert report_date_error(date(2025, 12, 31), floating_since=date(2026, 1, 1), today=today) == "before the member floated out"
    assert report_date_error(date(2026, 1, 1), floating_since=date(2026, 1, 1), today=today) is None
