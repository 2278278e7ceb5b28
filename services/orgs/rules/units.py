"""Rules of community units: how many a joint branch may join."""

from services.orgs.rules import OrgsPolicy


def joint_branch_units_error(units_after: int, policy: OrgsPolicy) -> str | None:
    """A joint branch joins at most `joint_branch_max_units` units."""
    if units_after > policy.joint_branch_max_units:
        return f"a joint branch joins at most {policy.joint_branch_max_units} units ({units_after} with this one)"
    return None
