"""Pure rules of activity logging (no I/O)."""

from services.kit.policy import Policy


class ActivitiesPolicy(Policy):
    """The numbers the activities rules use (defaults from the seed report and national rules)."""


def cannot_organize(status: str) -> str | None:
    """Why an organization in `status` cannot organize activities, or None."""
    if status != "active":
        return "the organization is not active"
    return None
