"""The pure rules of relationship transfers, tested directly."""

from datetime import date

from services.members.rules import MembersPolicy
from services.members.rules import transfers as rules


class TestDates:
    def test_letters_last_three_months_or_six_across_provinces(self) -> None:
        policy = MembersPolicy()
        assert rules.letter_valid_until(date(2026, 11, 30), across_provinces=False, policy=policy) == date(2027, 2, 28)
        assert rules.letter_valid_until(date(2026, 11, 30), across_provinces=True, policy=policy) == date(2027, 5, 30)
