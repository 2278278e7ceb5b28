"""The pure rules of assessment: periods, the evaluation day, normalisation, the weighted total, ranks."""

from datetime import date

import pytest

from services.orgs.enums import DiagnosticRule, OrgKind, OrgTier
from services.orgs.rules import assessments as rules


class TestPeriod:
    @pytest.mark.parametrize(
        ("text", "start", "end"),
        [
            ("2026", date(2026, 1, 1), date(2027, 1, 1)),
            ("2026-H1", date(2026, 1, 1), date(2026, 7, 1)),
            ("2026-H2", date(2026, 7, 1), date(2027, 1, 1)),
            ("2026-Q4", date(2026, 10, 1), date(2027, 1, 1)),
            ("2026-12", date(2026, 12, 1), date(2027, 1, 1)),
        ],
    )
    def test_a_period_is_its_days(self, text: str, start: date, end: date) -> None:
        period = rules.parse_period(text)
        assert (period.start, period.end) == (start, end)

    @pytest.mark.parametrize("text", ["2026-H3", "2026-Q5", "2026-13", "2026-00", "26", "2026H1", ""])
    def test_anything_else_is_refused(self, text: str) -> None:
        with pytest.raises(ValueError, match=r"\w"):
            rules.parse_period(text)

    def test_records_are_judged_on_the_last_day_or_today_while_the_period_runs(self) -> None:
        year = rules.parse_period("2026")
        assert rules.evaluation_day(year, date(2027, 3, 1)) == date(2026, 12, 31)
        assert rules.evaluation_day(year, date(2026, 5, 9)) == date(2026, 5, 9)

    def test_the_months_counted_stop_at_the_evaluation_day(self) -> None:
        half = rules.parse_period("2026-H2")
        assert rules.months_through(half, date(2026, 12, 31)) == [f"2026-{m:02d}" for m in range(7, 13)]
        assert rules.months_through(half, date(2026, 8, 1)) == ["2026-07", "2026-08"]
        assert rules.months_through(half, date(2026, 6, 30)) == []


class TestScores:
    @pytest.mark.parametrize(
        ("counted", "of", "score"),
        [(3, 4, 75.0), (0, 5, 0.0), (5, 5, 100.0), (0, 0, 100.0), (1, 3, 33.33), (2, 3, 66.67)],
    )
    def test_a_share_of_the_records_counted_is_0_to_100_and_nothing_owed_is_100(
        self, counted: int, of: int, score: float
    ) -> None:
        assert rules.share_score(counted, of, full=100) == score

    def test_the_total_is_the_weighted_mean_so_points_and_shares_agree(self) -> None:
        assert rules.weighted_total([(30, 100.0), (20, 50.0), (50, 0.0)]) == 40.0
        assert rules.weighted_total([(0.3, 100.0), (0.2, 50.0), (0.5, 0.0)]) == 40.0
        assert rules.weighted_total([(1, 33.33), (2, 66.67)]) == 55.56
        assert rules.weighted_total([]) == 0.0

    def test_equal_scores_share_a_rank_and_the_next_rank_skips(self) -> None:
        assert rules.ranks([80.0, 95.5, 80.0, 60.0]) == [2, 1, 2, 4]
        assert rules.ranks([]) == []


def test_teams_are_judged_below_the_township_and_not_in_party_groups() -> None:
    assert rules.holds_a_team(OrgTier.community, OrgKind.branch)
    assert rules.holds_a_team(OrgTier.inner, OrgKind.branch)
    assert not rules.holds_a_team(OrgTier.community, OrgKind.group)
    assert not rules.holds_a_team(OrgTier.township, OrgKind.committee)


def test_a_notice_or_an_option_is_not_a_problem_of_setup() -> None:
    assert rules.is_problem(DiagnosticRule.no_secretary)
    assert not rules.is_problem(DiagnosticRule.term_ending_soon)
    assert not rules.is_problem(DiagnosticRule.representatives_congress)


def test_indicator_keys_are_unique() -> None:
    assert rules.indicators_error(["a", "b"]) is None
    assert rules.indicators_error(["a", "a"]) is not None
