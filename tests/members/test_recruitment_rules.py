"""The pure rules of the recruitment pipeline, tested directly."""

from datetime import date

import pytest

from services.members.rules import MembersPolicy
from services.members.rules import recruitment as rules

POLICY = MembersPolicy()


class TestWorkingDays:
    @pytest.mark.parametrize(
        ("first", "last", "expected"),
        [
            (date(2024, 4, 1), date(2024, 4, 5), 5),  # Monday to Friday
            (date(2024, 4, 5), date(2024, 4, 10), 4),  # Friday to Wednesday over a weekend
            (date(2024, 4, 6), date(2024, 4, 7), 0),  # a weekend
            (date(2024, 4, 1), date(2024, 4, 14), 10),
            (date(2024, 4, 2), date(2024, 4, 1), 0),
        ],
    )
    def test_mondays_to_fridays_are_counted(self, first: date, last: date, expected: int) -> None:
        assert rules.working_days(first, last) == expected


class TestRecruitmentRules:
    def test_an_applicant_is_at_least_18_on_the_day(self) -> None:
        assert (
            rules.applicant_errors(
                birth_date=date(2005, 1, 10), applied_on=date(2023, 1, 10), today=date(2026, 1, 1), policy=POLICY
            )
            == []
        )
        assert rules.applicant_errors(
            birth_date=date(2005, 1, 11), applied_on=date(2023, 1, 10), today=date(2026, 1, 1), policy=POLICY
        )

    def test_a_development_target_after_a_year_as_activist_and_not_a_day_before(self) -> None:
        assert rules.target_errors(activist_on=date(2023, 3, 1), target_on=date(2024, 3, 1), policy=POLICY) == []
        assert rules.target_errors(activist_on=date(2023, 3, 1), target_on=date(2024, 2, 29), policy=POLICY)

    @pytest.mark.parametrize(("days", "hours", "ok"), [(3, 0, True), (0, 24, True), (2, 23, False)])
    def test_training_of_three_days_or_24_hours(self, days: int, hours: int, ok: bool) -> None:
        assert (rules.training_errors(days=days, hours=hours, policy=POLICY) == []) is ok

    def test_contacts_and_introducers_are_counted_and_distinct(self) -> None:
        assert rules.contacts_errors(["a"], POLICY) == []
        assert rules.contacts_errors(["a", "b", "c"], POLICY)
        assert rules.contacts_errors(["a", "a"], POLICY)
        assert rules.introducers_errors(["a", "b"], POLICY) == []
        assert rules.introducers_errors(["a"], POLICY)
        assert rules.introducers_errors(["a", "a"], POLICY)

    def test_the_notice_precedes_the_meeting_and_lasts_five_working_days(self) -> None:
        ok = rules.admission_errors(
            target_on=date(2024, 3, 1),
            notice_from=date(2024, 4, 1),
            notice_to=date(2024, 4, 5),
            meeting_on=date(2024, 4, 6),
            policy=POLICY,
        )
        on_notice = rules.admission_errors(
            target_on=date(2024, 3, 1),
            notice_from=date(2024, 4, 1),
            notice_to=date(2024, 4, 5),
            meeting_on=date(2024, 4, 5),
            policy=POLICY,
        )
        assert ok == []
        assert [e["field"] for e in on_notice] == ["effective_on"]

    def test_approval_within_three_months_six_with_a_reason(self) -> None:
        meeting = date(2024, 4, 15)
        assert rules.approval_errors(meeting_on=meeting, approved_on=date(2024, 7, 15), reason=None, policy=POLICY) == []
        assert rules.approval_errors(meeting_on=meeting, approved_on=date(2024, 7, 16), reason=None, policy=POLICY)
        assert rules.approval_errors(meeting_on=meeting, approved_on=date(2024, 10, 15), reason="換屆", policy=POLICY) == []
        assert rules.approval_errors(meeting_on=meeting, approved_on=date(2024, 10, 16), reason="換屆", policy=POLICY)

    def test_the_numbers_come_from_the_policy(self) -> None:
        strict = MembersPolicy(activist_months_before_target=18, notice_min_working_days=7)
        assert rules.target_errors(activist_on=date(2023, 3, 1), target_on=date(2024, 3, 1), policy=strict)
        assert rules.working_days(date(2024, 4, 1), date(2024, 4, 8)) == 6
        assert rules.admission_errors(
            target_on=date(2024, 3, 1),
            notice_from=date(2024, 4, 1),
            notice_to=date(2024, 4, 8),
            meeting_on=date(2024, 4, 9),
            policy=strict,
        )
