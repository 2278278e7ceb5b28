"""Where an organization may sit in the tree, and which moves and merges keep it one."""

from services.orgs.enums import OrgKind, OrgTier
from services.orgs.rules import OrgsPolicy
from services.orgs.rules import tree as rules

POLICY = OrgsPolicy()


class TestPlacement:
    def test_a_group_directly_under_a_township_is_refused(self) -> None:
        assert rules.placement_error(OrgTier.inner, OrgKind.group, OrgTier.township, OrgKind.committee)

    def test_a_branch_inside_a_community_is_fine(self) -> None:
        assert rules.placement_error(OrgTier.inner, OrgKind.branch, OrgTier.community, OrgKind.general_branch) is None

    def test_nothing_under_a_group(self) -> None:
        assert rules.placement_error(OrgTier.inner, OrgKind.group, OrgTier.inner, OrgKind.group)

    def test_moving_under_an_own_descendant_is_a_cycle(self) -> None:
        assert rules.move_error("/a/", "/a/b/")
        assert rules.move_error("/a/", "/c/") is None


class TestMerge:
    def test_into_itself(self) -> None:
        assert rules.merge_error("/a/b/", "/a/b/", "active")

    def test_into_a_dissolved_one(self) -> None:
        assert rules.merge_error("/a/b/", "/a/c/", "dissolved")

    def test_into_a_descendant(self) -> None:
        assert rules.merge_error("/a/b/", "/a/b/c/", "active")

    def test_into_a_sibling(self) -> None:
        assert rules.merge_error("/a/b/", "/a/c/", "active") is None
