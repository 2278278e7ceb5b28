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


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def born_on_or_before_for_age(as_of: date, age: int, *, by_month: bool = False) -> date:
    """Latest birth date of someone aged at least `age` whole years on `as_of` (age ≥ n ⇔ born ≤ this).

    `by_month` counts the age reached by the end of `as_of`'s month, so that the cut falls between
    two months: a caller who sees birth dates only to the month (a masked view) cannot learn the
    day by moving `as_of` a day at a time. On a month's last day both counts agree (but for
    someone born on 29 February, a year that has none)."""
    cut = months_before(as_of, 12 * age)
    return month_end(cut) if by_month else cut


def age_on(birth_date: date, as_of: date, *, by_month: bool = False) -> int:
    """Whole years on `as_of`; `by_month`: reached by the end of its month (see above)."""
    if by_month:
        as_of = month_end(as_of)
    return as_of.year - birth_date.year - ((as_of.month, as_of.day) < (birth_date.month, birth_date.day))


def age_band_labels(edges: list[int]) -> list[str]:
    """Labels of the bands cut by `edges` (ascending): `<35`, `35-45`, `46+` style, inclusive ranges."""
    labels = [f"<{edges[0]}"]
    labels += [f"{low}-{high - 1}" for low, high in itertools.pairwise(edges)]
    labels.append(f"{edges[-1]}+")
    return labels
