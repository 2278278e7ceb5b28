"""The pure rules of activity logging."""

from datetime import date
from decimal import Decimal

import pytest

from services.activities import rules
from services.activities.rules import ActivitiesPolicy


class TestParsePeriod:
    @pytest.mark.parametrize(
        ("text", "start", "end", "months"),
        [
            ("2026", date(2026, 1, 1), date(2027, 1, 1), 12),
            ("2026-Q1", date(2026, 1, 1), date(2026, 4, 1), 3),
            ("2026-Q4", date(2026, 10, 1), date(2027, 1, 1), 3),
            ("2026-07", date(2026, 7, 1), date(2026, 8, 1), 1),
            ("2026-12", date(2026, 12, 1), date(2027, 1, 1), 1),
        ],
    )
    def test_a_valid_period_is_its_days_and_months(self, text: str, start: date, end: date, months: int) -> None:
        period = rules.parse_period(text)
        assert (period.start, period.end, period.months) == (start, end, months)

    @pytest.mark.parametrize("text", ["2026-Q5", "2026-Q0", "2026-13", "2026-00", "26", "2026-7", "2026Q1", "", "abcd"])
    def test_an_invalid_period_is_refused(self, text: str) -> None:
        with pytest.raises(ValueError, match=r"\w"):
            rules.parse_period(text)


class TestExpectedCount:
    @pytest.mark.parametrize(
        ("frequency", "period", "expected"),
        [
            ("monthly", "2026", 12),
            ("quarterly", "2026", 4),
            ("yearly", "2026", 1),
            ("monthly", "2026-Q2", 3),
            ("quarterly", "2026-Q2", 1),
            ("yearly", "2026-Q2", 0),
            ("quarterly", "2026-05", 0),
        ],
    )
    def test_whole_units_of_the_frequency_in_the_period(self, frequency: str, period: str, expected: int) -> None:
        assert rules.expected_count(frequency, rules.parse_period(period)) == expected


class TestExcellentLimit:
    @pytest.mark.parametrize(("graded", "limit"), [(0, 0), (2, 0), (3, 1), (8, 2), (9, 3), (10, 3)])
    def test_at_most_a_third(self, graded: int, limit: int) -> None:
        assert rules.excellent_limit(graded, ActivitiesPolicy()) == limit


class TestSchedule:
    def test_an_end_before_the_start_is_an_error(self) -> None:
        from datetime import UTC, datetime

        start = datetime(2026, 3, 1, 10, tzinfo=UTC)
        assert rules.schedule_error(start, datetime(2026, 3, 1, 9, tzinfo=UTC))
        assert rules.schedule_error(start, datetime(2026, 3, 1, 11, tzinfo=UTC)) is None
        assert rules.schedule_error(start, None) is None

    def test_the_local_day_is_in_the_policy_time_zone(self) -> None:
        from datetime import UTC, datetime

        # 2026-03-31 20:00 UTC is already April 1st in Beijing.
        assert rules.local_day(datetime(2026, 3, 31, 20, tzinfo=UTC), "Asia/Shanghai") == date(2026, 4, 1)


class TestContentMatches:
    def test_signatures(self) -> None:
        assert rules.content_matches("image/png", b"\x89PNG\r\n\x1a\n....")
        assert rules.content_matches("image/jpeg", b"\xff\xd8\xff\xe0")
        assert rules.content_matches("application/pdf", b"%PDF-1.7")
        assert not rules.content_matches("image/png", b"MZ\x90\x00")
        assert not rules.content_matches("application/pdf", b"\xff\xd8\xff")


class TestEvaluationGrade:
    @pytest.mark.parametrize(
        ("total", "grade"), [(120, "excellent"), (108, "excellent"), (100, "good"), (72, "pass"), (71, "fail")]
    )
    def test_grade_by_share_of_the_maximum(self, total: int, grade: str) -> None:
        assert rules.evaluation_grade(Decimal(total), Decimal(120), ActivitiesPolicy()) == grade


def test_months_before_clamps_to_the_month_end() -> None:
    assert rules.months_before(date(2026, 8, 31), 6) == date(2026, 2, 28)
    assert rules.months_before(date(2026, 11, 26), 6) == date(2026, 5, 26)


class TestStatusChange:
    @pytest.mark.parametrize(
        ("old", "new", "allowed"),
        [
            ("planned", "held", True),
            ("planned", "cancelled", True),
            ("held", "cancelled", True),
            ("held", "planned", False),
            ("cancelled", "held", False),
            ("cancelled", "planned", False),
            ("held", "held", True),
        ],
    )
    def test_moves(self, old: str, new: str, allowed: bool) -> None:
        assert (rules.status_change_error(old, new) is None) is allowed
