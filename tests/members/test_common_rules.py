"""Date arithmetic every area counts with, tested directly."""

from datetime import date

import pytest

from services.members.rules import common as rules


class TestDates:
    @pytest.mark.parametrize(
        ("day", "months", "expected"),
        [
            (date(2026, 11, 26), 6, date(2026, 5, 26)),
            (date(2026, 8, 31), 6, date(2026, 2, 28)),
            (date(2026, 1, 15), 12, date(2025, 1, 15)),
            (date(2024, 2, 29), 12, date(2023, 2, 28)),
        ],
    )
    def test_months_before(self, day: date, months: int, expected: date) -> None:
        assert rules.months_before(day, months) == expected

    def test_age_cutoff_agrees_with_age_on(self) -> None:
        as_of = date(2026, 2, 28)
        for born in (date(1980, 2, 28), date(1980, 2, 29), date(1980, 3, 1)):
            assert (rules.age_on(born, as_of) >= 46) == (born <= rules.born_on_or_before_for_age(as_of, 46))


class TestPresentation:
    def test_age_band_labels(self) -> None:
        assert rules.age_band_labels([35, 46]) == ["<35", "35-45", "46+"]
