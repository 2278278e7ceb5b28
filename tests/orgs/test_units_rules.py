"""How many units a joint branch may join."""

from services.orgs.rules import OrgsPolicy
from services.orgs.rules import units as rules

POLICY = OrgsPolicy()


class TestJointBranch:
    def test_at_most_five_units(self) -> None:
        assert rules.joint_branch_units_error(5, POLICY) is None
        assert "at most 5" in (rules.joint_branch_units_error(6, POLICY) or "")
        assert rules.joint_branch_units_error(4, OrgsPolicy(joint_branch_max_units=3))
