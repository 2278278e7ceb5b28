"""The pure rules of the dues ledger, tested directly."""

from datetime import date

import pytest

from services.members.rules import MembersPolicy
from services.members.rules import dues as rules

POLICY = MembersPolicy()


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
