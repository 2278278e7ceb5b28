"""How many units a joint branch may join; who a post's holder change ends."""

import uuid
from datetime import date

from services.orgs.rules import OrgsPolicy
from services.orgs.rules import units as rules

POLICY = OrgsPolicy()


class TestJointBranch:
    def test_at_most_five_units(self) -> None:
        assert rules.joint_branch_units_error(5, POLICY) is None
        assert "at most 5" in (rules.joint_branch_units_error(6, POLICY) or "")
        assert rules.joint_branch_units_error(4, OrgsPolicy(joint_branch_max_units=3))


class TestPostHolders:
    A, B = uuid.UUID(int=1), uuid.UUID(int=2)

    def test_the_holding_that_runs_the_day_before_is_ended(self) -> None:
        open_holding = (self.A, date(2024, 1, 1), None)
        assert rules.holding_to_end([open_holding], self.A, date(2026, 4, 1)) == open_holding
        running = (self.A, date(2024, 1, 1), date(2026, 12, 31))
        assert rules.holding_to_end([running], self.A, date(2026, 4, 1)) == running

    def test_no_holding_to_end_when_it_ended_earlier_or_starts_on_the_day(self) -> None:
        assert rules.holding_to_end([(self.A, date(2024, 1, 1), date(2026, 3, 30))], self.A, date(2026, 4, 1)) is None
        assert rules.holding_to_end([(self.A, date(2026, 4, 1), None)], self.A, date(2026, 4, 1)) is None
        assert rules.holding_to_end([(self.B, date(2024, 1, 1), None)], self.A, date(2026, 4, 1)) is None

    def test_a_member_holds_a_post_once_at_a_time(self) -> None:
        assert rules.holder_overlap_error([(self.A, date(2024, 1, 1), None)], self.A, date(2026, 4, 1)) is not None
        assert rules.holder_overlap_error([(self.A, date(2024, 1, 1), date(2026, 3, 31))], self.A, date(2026, 4, 1)) is None
        assert rules.holder_overlap_error([(self.B, date(2024, 1, 1), None)], self.A, date(2026, 4, 1)) is None
