"""Rules of relationship transfers: how long an introduction letter is valid."""

from datetime import date

from services.members.rules import MembersPolicy
from services.members.rules.common import months_after


def letter_valid_until(issued_on: date, *, across_provinces: bool, policy: MembersPolicy) -> date:
    months = policy.letter_valid_months_across_provinces if across_provinces else policy.letter_valid_months
    return months_after(issued_on, months)
