"""Date arithmetic every area counts with: months back and forth, ages, age bands."""

import calendar
import itertools
from datetime import date


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier (the month's last day when it has no such day); no earlier
    than the first day a date can hold (an `as_of` in the first centuries counts back past it)."""
    year, month_zero = divmod(day.year * 12 + day.month - 1 - months, 12)
    if year < date.min.year:
        return date.min
    if year > date.max.year:
        return date.max
    last_day = calendar.monthrange(year, month_zero + 1)[1]
    return date(year, month_zero + 1, min(day.day, last_day))


def months_after(day: date, months: int) -> date:
    return months_before(day, -months)


def born_on_or_before_for_age(as_of: date, age: int) -> date:
    """Latest birth date of someone aged at least `age` whole years on `as_of` (age ≥ n ⇔ born ≤ this)."""
    return months_before(as_of, 12 * age)


def age_on(birth_date: date, as_of: date) -> int:
    return as_of.year - birth_date.year - ((as_of.month, as_of.day) < (birth_date.month, birth_date.day))


def age_band_labels(edges: list[int]) -> list[str]:
    """Labels of the bands cut by `edges` (ascending): `<35`, `35-45`, `46+` style, inclusive ranges."""
    labels = [f"<{edges[0]}"]
    labels += [f"{low}-{high - 1}" for low, high in itertools.pairwise(edges)]
    labels.append(f"{edges[-1]}+")
    return labels
