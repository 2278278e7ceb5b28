"""The form rules of the diagnostics, with the policy's default numbers and an override."""

import pytest

from services.orgs.enums import OrgKind
from services.orgs.rules import OrgsPolicy
from services.orgs.rules import diagnostics as rules

POLICY = OrgsPolicy()


class TestExpectedForm:
    @pytest.mark.parametrize(
        ("members", "full", "kind"),
        [
            (151, 151, OrgKind.committee),
            (101, 90, OrgKind.committee),
            (100, 100, OrgKind.general_branch),
            (51, 51, OrgKind.general_branch),
            (50, 50, OrgKind.branch),
            (3, 3, OrgKind.branch),
            (4, 2, OrgKind.joint_branch),
        ],
    )
    def test_form_follows_the_thresholds(self, members: int, full: int, kind: OrgKind) -> None:
        assert rules.expected_form(members, full, POLICY) is kind

    def test_a_community_of_150_members_as_a_branch_does_not_match(self) -> None:
        assert not rules.form_matches(OrgKind.branch, 150, 150, POLICY)

    def test_a_joint_branch_with_enough_full_members_still_matches(self) -> None:
        assert rules.form_matches(OrgKind.joint_branch, 10, 10, POLICY)

    def test_thresholds_come_from_the_policy(self) -> None:
        policy = OrgsPolicy(committee_above_members=200)
        assert rules.expected_form(150, 150, policy) is OrgKind.general_branch


class TestCommitteeByApproval:
    def test_a_committee_of_exactly_100_is_allowed_with_approval_not_a_mismatch(self) -> None:
        assert rules.expected_form(100, 100, POLICY) is OrgKind.general_branch
        assert rules.committee_by_approval(100, POLICY)
        assert rules.form_matches(OrgKind.committee, 100, 100, POLICY)
        assert not rules.form_matches(OrgKind.committee, 99, 99, POLICY)

    def test_the_approval_threshold_follows_the_policy(self) -> None:
        policy = OrgsPolicy(committee_with_approval_members=80)
        assert rules.form_matches(OrgKind.committee, 80, 80, policy)
        assert not rules.form_matches(OrgKind.committee, 79, 79, policy)

    def test_a_members_congress_from_500(self) -> None:
        assert rules.needs_representatives_congress(500, POLICY)
        assert not rules.needs_representatives_congress(499, POLICY)
        assert rules.needs_representatives_congress(300, OrgsPolicy(representatives_congress_members=300))
