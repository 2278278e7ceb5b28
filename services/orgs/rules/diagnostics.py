"""The form an organization should have for its membership, and the other figures the
diagnostics (and the survey's form mismatches) judge a subtree by."""

from services.orgs.enums import OrgKind
from services.orgs.rules import OrgsPolicy

BRANCH_KINDS = frozenset({OrgKind.branch, OrgKind.joint_branch})


def expected_form(members: int, full_members: int, policy: OrgsPolicy) -> OrgKind:
    """The form a community (or unit) organization should have for its membership."""
    if members > policy.committee_above_members:
        return OrgKind.committee
    if members > policy.general_branch_above_members:
        return OrgKind.general_branch
    if full_members < policy.branch_min_full_members:
        return OrgKind.joint_branch
    return OrgKind.branch


def committee_by_approval(members: int, policy: OrgsPolicy) -> bool:
    """Whether a village (community) organization may be a committee only with the county's approval:
    from `committee_with_approval_members` up to the size where a committee is the rule."""
    return policy.committee_with_approval_members <= members <= policy.committee_above_members


def form_matches(kind: OrgKind, members: int, full_members: int, policy: OrgsPolicy) -> bool:
    expected = expected_form(members, full_members, policy)
    # A joint branch is a branch too: several small units may share one even with 3 full members.
    if kind == expected or (kind is OrgKind.joint_branch and expected is OrgKind.branch):
        return True
    return kind is OrgKind.committee and committee_by_approval(members, policy)


def needs_representatives_congress(members: int, policy: OrgsPolicy) -> bool:
    """From this many members a village committee may hold a members' representative congress."""
    return members >= policy.representatives_congress_members
