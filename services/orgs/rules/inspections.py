"""The rules of recording an inspection."""

from datetime import date


def inspection_date_error(inspected_on: date, today: date) -> str | None:
    """An inspection is recorded after it took place, not planned ahead here."""
    return "the inspection date is in the future" if inspected_on > today else None
