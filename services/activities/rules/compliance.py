"""Rules of compliance (三會一課): calendar periods, how many activities a period expects, look-backs."""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from services.activities.enums import Frequency
from services.activities.rules.common import add_months

MONTHS_PER: dict[str, int] = {Frequency.monthly: 1, Frequency.quarterly: 3, Frequency.yearly: 12}


@dataclass(frozen=True)
class Period:
    """A calendar period [start, end) in local days: a year, a quarter or a month."""

    label: str
    start: date
    end: date

    @property
    def months(self) -> int:
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month


_PERIOD = re.compile(r"^(?P<year>\d{4})(?:-H(?P<half>\d)|-Q(?P<quarter>\d)|-(?P<month>\d{2}))?$")


def parse_period(text: str) -> Period:
    """`2026` (a year), `2026-H1` (a half year), `2026-Q3` (a quarter) or `2026-07` (a month);
    ValueError otherwise."""
    match = _PERIOD.match(text.strip())
    if not match:
        raise ValueError("a period is YYYY, YYYY-Hn, YYYY-Qn or YYYY-MM")
    year = int(match["year"])
    if year < 1900:
        raise ValueError("the year is out of range")
    if match["half"]:
        half = int(match["half"])
        if not 1 <= half <= 2:
            raise ValueError("a half year is H1 or H2")
        half_start = date(year, 6 * (half - 1) + 1, 1)
        return Period(text, half_start, add_months(half_start, 6))
    if match["quarter"]:
        quarter = int(match["quarter"])
        if not 1 <= quarter <= 4:
            raise ValueError("a quarter is Q1 to Q4")
        first = 3 * (quarter - 1) + 1
        return Period(text, date(year, first, 1), add_months(date(year, first, 1), 3))
    if match["month"]:
        month = int(match["month"])
        if not 1 <= month <= 12:
            raise ValueError("a month is 01 to 12")
        return Period(text, date(year, month, 1), add_months(date(year, month, 1), 1))
    return Period(text, date(year, 1, 1), date(year + 1, 1, 1))


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier (clamped to the month's end)."""
    first = add_months(day.replace(day=1), -months)
    last_day = (add_months(first, 1) - timedelta(days=1)).day
    return first.replace(day=min(day.day, last_day))


def expected_count(frequency: str, period: Period) -> int:
    """How many activities of a frequency a period holds: whole frequency units inside it."""
    return period.months // MONTHS_PER[frequency]
