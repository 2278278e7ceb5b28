"""The training register's pure rules."""

from datetime import date
from decimal import Decimal

from services.activities.rules import training as rules


def test_a_course_ends_after_it_starts_and_has_begun() -> None:
    today = date(2026, 12, 6)
    assert rules.course_errors(date(2026, 3, 2), date(2026, 3, 6), today) == []
    assert [e["field"] for e in rules.course_errors(date(2026, 3, 2), date(2026, 3, 1), today)] == ["ended_on"]
    assert [e["field"] for e in rules.course_errors(date(2027, 1, 2), date(2027, 1, 6), today)] == ["started_on"]


def test_an_attendee_gets_the_courses_hours_or_fewer() -> None:
    assert rules.credited_hours(Decimal(32), None) == Decimal(32)
    assert rules.credited_hours(Decimal(32), Decimal(16)) == Decimal(16)
    assert rules.attendee_errors(0, Decimal(32), Decimal(32)) == []
    assert [e["field"] for e in rules.attendee_errors(2, Decimal(32), Decimal(33))] == ["attendees.2.hours"]
