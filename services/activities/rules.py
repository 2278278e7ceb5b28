"""Pure rules of activity logging (no I/O)."""


def cannot_organize(status: str) -> str | None:
    """Why an organization in `status` cannot organize activities, or None."""
    if status != "active":
        return "the organization is not active"
    return None
