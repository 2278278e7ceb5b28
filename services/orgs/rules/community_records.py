"""Rules of a community's small records: a worker's dates, a venue's facilities."""

from datetime import date

from services.orgs.enums import Facility


def worker_dates_error(birth_date: date, since: date, until: date | None) -> tuple[str, str] | None:
    """(field, message) when a worker's dates, as they would be after a change, are not a range:
    employed before birth, or leaving before starting."""
    if since < birth_date:
        return "since", "since is before the birth date"
    if until is not None and until < since:
        return "until", "until is before since"
    return None


def facilities_set(facilities: list[Facility]) -> list[Facility]:
    """Each facility once, in the order of the codes (a venue lists what it has, not how often)."""
    have = set(facilities)
    return [facility for facility in Facility if facility in have]
