"""The pure rules of study hours: months owed, the team months, the requirement, the day limit."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from services.activities.rules import ActivitiesPolicy
from services.activities.rules import study as rules

POLICY = ActivitiesPolicy()


class TestMonthsOver:
    @pytest.mark.parametrize(
        ("as_of", "months"),
        [
            (date(2026, 1, 1), 0),
            (date(2026, 1, 31), 1),
            (date(2026, 3, 30), 2),
            (date(2026, 3, 31), 3),
            (date(2026, 2, 28), 2),
            (date(2028, 2, 28), 1),
            (date(2028, 2, 29), 2),
            (date(2026, 12, 31), 12),
        ],
    )
    def test_a_month_counts_from_its_last_day(self, as_of: date, months: int) -> None:
        assert rules.months_over(as_of) == months


class TestOwedMonths:
    def test_a_member_from_before_the_year_owes_every_month_over(self) -> None:
        assert rules.owed_months(date(2026, 4, 30), date(1990, 7, 1)) == [1, 2, 3, 4]

    def test_an_unknown_joining_day_owes_every_month_over(self) -> None:
        assert rules.owed_months(date(2026, 2, 28), None) == [1, 2]

    def test_joining_on_the_first_owes_that_month(self) -> None:
        assert rules.owed_months(date(2026, 4, 30), date(2026, 3, 1)) == [3, 4]

    def test_joining_mid_month_owes_from_the_next(self) -> None:
        assert rules.owed_months(date(2026, 4, 30), date(2026, 3, 15)) == [4]

    def test_joining_in_december_owes_nothing_this_year(self) -> None:
        assert rules.owed_months(date(2026, 12, 31), date(2026, 12, 2)) == []

    def test_joining_after_the_day_owes_nothing(self) -> None:
        assert rules.owed_months(date(2026, 6, 30), date(2027, 1, 1)) == []


class TestTeamMonths:
    def test_a_month_with_any_day_on_the_team_is_a_team_month(self) -> None:
        positions = [(date(2026, 4, 15), date(2026, 6, 1))]
        assert rules.team_months(2026, [1, 2, 3, 4, 5, 6, 7], positions) == {4, 5, 6}

    def test_an_open_position_from_before_the_year_covers_every_month(self) -> None:
        assert rules.team_months(2026, [1, 2, 3], [(date(2021, 5, 1), None)]) == {1, 2, 3}

    def test_a_position_ended_last_year_covers_nothing(self) -> None:
        assert rules.team_months(2026, [1, 2, 3], [(date(2021, 5, 1), date(2025, 12, 31))]) == set()

    def test_only_owed_months_are_looked_at(self) -> None:
        assert rules.team_months(2026, [3], [(date(2026, 1, 1), None)]) == {3}


class TestRequiredHours:
    @pytest.mark.parametrize(
        ("months", "team", "required"),
        [
            ([], set(), "0.00"),
            ([1, 2, 3], set(), "8.00"),
            ([1, 2, 3], {1, 2, 3}, "14.00"),
            (list(range(1, 13)), set(), "32.00"),
            (list(range(1, 13)), set(range(1, 13)), "56.00"),
            (list(range(1, 13)), {7, 8, 9, 10, 11, 12}, "44.00"),
            ([1, 2], set(), "5.33"),
            ([1], set(), "2.67"),
        ],
    )
    def test_a_twelfth_of_the_yearly_requirement_per_month(self, months: list[int], team: set[int], required: str) -> None:
        assert rules.required_hours(months, team, POLICY) == Decimal(required)

    def test_the_numbers_come_from_the_policy(self) -> None:
        policy = ActivitiesPolicy(yearly_study_hours=Decimal(48), team_yearly_study_hours=Decimal(72))
        assert rules.required_hours([1, 2, 3], set(), policy) == Decimal(12)
        assert rules.required_hours([1, 2, 3], {1, 2, 3}, policy) == Decimal(18)

    def test_the_shortfall_is_never_negative(self) -> None:
        assert rules.shortfall(Decimal(10), Decimal(8)) == Decimal(0)
        assert rules.shortfall(Decimal("5.5"), Decimal(8)) == Decimal("2.50")


class TestHomeStudy:
    def test_it_counts_for_a_green_channel_member_of_any_age(self) -> None:
        assert rules.home_study_counts(green_channel=True, birth_date=date(1990, 1, 1), on=date(2026, 6, 1), policy=POLICY)

    def test_it_counts_from_the_elderly_age(self) -> None:
        on = date(2026, 6, 1)
        assert rules.home_study_counts(green_channel=False, birth_date=date(1956, 6, 1), on=on, policy=POLICY)
        assert not rules.home_study_counts(green_channel=False, birth_date=date(1956, 6, 2), on=on, policy=POLICY)
        assert not rules.home_study_counts(green_channel=False, birth_date=None, on=on, policy=POLICY)

    def test_the_age_comes_from_the_policy(self) -> None:
        policy = ActivitiesPolicy(home_study_min_age=60)
        assert rules.home_study_counts(green_channel=False, birth_date=date(1966, 1, 1), on=date(2026, 6, 1), policy=policy)

    def test_a_birthday_on_29_february(self) -> None:
        assert rules.born_by(date(2028, 2, 29), 70) == date(1958, 2, 28)


class TestDayLimit:
    def test_up_to_the_limit_is_allowed(self) -> None:
        assert rules.day_hours_error(Decimal(20), Decimal(4), POLICY) is None

    def test_over_the_limit_is_refused(self) -> None:
        assert rules.day_hours_error(Decimal(20), Decimal("4.01"), POLICY)

    def test_the_limit_comes_from_the_policy(self) -> None:
        assert rules.day_hours_error(Decimal(10), Decimal(3), ActivitiesPolicy(max_study_hours_per_day=Decimal(12)))


class TestActivityStudyHours:
    def test_the_length_of_the_activity(self) -> None:
        start = datetime(2026, 3, 10, 1, 0, tzinfo=UTC)
        assert rules.activity_study_hours(start, datetime(2026, 3, 10, 3, 30, tzinfo=UTC), POLICY) == Decimal("2.50")

    def test_none_without_an_end(self) -> None:
        assert rules.activity_study_hours(datetime(2026, 3, 10, tzinfo=UTC), None, POLICY) is None

    def test_none_for_a_course_longer_than_a_day(self) -> None:
        start = datetime(2026, 3, 10, 1, 0, tzinfo=UTC)
        assert rules.activity_study_hours(start, datetime(2026, 3, 12, 9, 0, tzinfo=UTC), POLICY) is None
