"""Pure rules of member records (no I/O)."""

from services.kit.policy import Policy


class MembersPolicy(Policy):
    """The numbers the members rules use (defaults from the seed report and national rules)."""


# Organizations that can hold members' relationships (組織關係): not a party group, not dissolved.
MEMBER_HOLDING_KINDS = frozenset({"committee", "general_branch", "branch", "joint_branch"})


def cannot_hold_members(kind: str, status: str) -> str | None:
    """Why an organization of `kind` in `status` cannot hold member relationships, or None."""
    if status != "active":
        return "the organization is not active"
    if kind not in MEMBER_HOLDING_KINDS:
        return f"a {kind} cannot hold member relationships"
    return None
