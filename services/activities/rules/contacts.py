"""Rules of following members up (聯繫): what counts as the last contact with a member. A contact
logged by the organization and the member's own periodic report (定期匯報, a floating member's)
both count; the later of the two is the member's last contact."""

from datetime import date


def last_contact(contacted_on: date | None, reported_on: date | None) -> date | None:
    """The later of the last logged contact and the last own report (None: neither)."""
    days = [day for day in (contacted_on, reported_on) if day is not None]
    return max(days) if days else None
