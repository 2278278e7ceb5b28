"""What the orgs schemas share: the longest name and text, and the check of a date range."""

from datetime import date

from pydantic import Field

NAME_MAX = 200
TEXT_MAX = 4000
# Far above any real term, and inside the columns' 32-bit integers (a larger number was a 500
# from PostgreSQL).
MAX_TERM_NUMBER = 1_000

Name = Field(min_length=1, max_length=NAME_MAX)


def check_range(start: date | None, end: date | None, end_field: str) -> None:
    """For a model validator: an end date before its start is not a range."""
    if start is not None and end is not None and end < start:
        raise ValueError(f"{end_field} is before the start")
