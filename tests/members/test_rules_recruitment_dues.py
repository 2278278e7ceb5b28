"""The pure rules of the recruitment pipeline and the dues ledger, tested directly."""

from datetime import date

import pytest

from services.members import rules
from services.members.rules import MembersPolicy

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

    def test_probation_of_a_year_extended_once_by_6_to_12_months(self) -> None:
        assert rules.probation_ends_on(date(2024, 4, 15), 0, POLICY) == date(2025, 4, 15)
        assert rules.probation_ends_on(date(2024, 4, 15), 6, POLICY) == date(2025, 10, 15)
        assert rules.extension_errors(months=6, already_extended=False, policy=POLICY) == []
        assert rules.extension_errors(months=12, already_extended=False, policy=POLICY) == []
        assert rules.extension_errors(months=5, already_extended=False, policy=POLICY)
        assert rules.extension_errors(months=13, already_extended=False, policy=POLICY)
        assert rules.extension_errors(months=6, already_extended=True, policy=POLICY)

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


class TestDues:
    @pytest.mark.parametrize(
        ("category", "base", "expected"),
        [
            ("salaried", 300_000, (50, 1_500)),
            ("salaried", 300_001, (100, 3_000)),
            ("salaried", 1_000_001, (200, 20_000)),
            ("salaried", 99, (50, 0)),  # 0.495 fen rounds to nothing
            ("salaried", 100, (50, 1)),  # 0.5 fen rounds half up
            ("retiree", 500_000, (50, 2_500)),
            ("retiree", 500_001, (100, 5_000)),
            ("farmer", None, (None, 20)),
            ("student", None, (None, 20)),
        ],
    )
    def test_the_2008_table(self, category: str, base: int | None, expected: tuple[int | None, int]) -> None:
        assert rules.dues_amount_fen(category, base, POLICY) == expected

    def test_the_province_sets_the_farmers_amount_within_its_range(self) -> None:
        assert rules.dues_amount_fen("farmer", None, MembersPolicy(dues_farmer_fen=100)) == (None, 100)
        with pytest.raises(ValueError, match="dues_farmer_fen"):
            MembersPolicy(dues_farmer_fen=101)

    def test_a_back_payment_reaches_six_months(self) -> None:
        assert rules.back_payment_error(date(2026, 2, 1), date(2026, 8, 31), POLICY) is None
        assert rules.back_payment_error(date(2026, 1, 1), date(2026, 8, 1), POLICY)

    def test_paid_through_is_the_end_of_the_unbroken_run(self) -> None:
        first = date(2026, 1, 1)
        assert rules.paid_through(first, set()) is None
        assert rules.paid_through(first, {date(2026, 1, 1), date(2026, 2, 1), date(2026, 4, 1)}) == date(2026, 2, 1)
        assert rules.paid_through(date(2025, 12, 1), {date(2025, 12, 1), date(2026, 1, 1)}) == date(2026, 1, 1)
