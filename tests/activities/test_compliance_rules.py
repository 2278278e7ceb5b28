"""The pure rules of compliance: periods, expected counts, look-backs."""

from datetime import date

import pytest

from services.activities.rules import compliance as rules


class TestParsePeriod:
    @pytest.mark.parametrize(
        ("text", "start", "end", "months"),
        [
            ("2026", date(2026, 1, 1), date(2027, 1, 1), 12),
            ("2026-H1", date(2026, 1, 1), date(2026, 7, 1), 6),
            ("2026-H2", date(2026, 7, 1), date(2027, 1, 1), 6),
            ("2026-Q1", date(2026, 1, 1), date(2026, 4, 1), 3),
            ("2026-Q4", date(2026, 10, 1), date(2027, 1, 1), 3),
            ("2026-07", date(2026, 7, 1), date(2026, 8, 1), 1),
            ("2026-12", date(2026, 12, 1), date(2027, 1, 1), 1),
        ],
    )
    def test_a_valid_period_is_its_days_and_months(self, text: str, start: date, end: date, months: int) -> None:
        period = rules.parse_period(text)
        assert (period.start, period.end, period.months) == (start, end, months)

    @pytest.mark.parametrize(
        "text", ["2026-H3", "2026-H0", "2026-Q5", "2026-Q0", "2026-13", "2026-00", "26", "2026-7", "2026Q1", "", "abcd"]
    )
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


def test_months_before_clamps_to_the_month_end() -> None:
    assert rules.months_before(date(2026, 8, 31), 6) == date(2026, 2, 28)
    assert rules.months_before(date(2026, 11, 26), 6) == date(2026, 5, 26)
