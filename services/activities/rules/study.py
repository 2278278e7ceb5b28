"""Rules of study hours: the months a member owes, the team months, the requirement, the day limit."""

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal

from services.activities.rules import ActivitiesPolicy
from services.activities.rules.common import add_months, aware

HOURS = Decimal("0.01")


def months_over(as_of: date) -> int:
    """Months of `as_of`'s year that are over by that day (a month counts from its last day)."""
    ends_today = (as_of + timedelta(days=1)).month != as_of.month
    return as_of.month if ends_today else as_of.month - 1


def owed_months(as_of: date, joined_on: date | None) -> list[int]:
    """The months (1 to 12) of the year so far the member owes hours for: those over by `as_of`
    that began with the member already in the party (a member who joins mid-month owes from the next)."""
    start_month = 1
    if joined_on is not None and joined_on.year == as_of.year:
        start_month = joined_on.month if joined_on.day == 1 else joined_on.month + 1
    elif joined_on is not None and joined_on.year > as_of.year:
        return []
    return list(range(start_month, months_over(as_of) + 1))


def team_months(year: int, months: list[int], positions: Sequence[tuple[date, date | None]]) -> set[int]:
    """Which of `months` the member held a team position on any day of (positions: since, until)."""
    held: set[int] = set()
    for month in months:
        first = date(year, month, 1)
        last = add_months(first, 1) - timedelta(days=1)
        if any(since <= last and (until is None or until >= first) for since, until in positions):
            held.add(month)
    return held


def required_hours(months: list[int], team: set[int], policy: ActivitiesPolicy) -> Decimal:
    """Hours owed for `months`: a twelfth of the yearly requirement each, the team's in `team` months."""
    total = sum((policy.team_yearly_study_hours if month in team else policy.yearly_study_hours for month in months), Decimal(0))
    return (total / 12).quantize(HOURS)


def shortfall(hours: Decimal, required: Decimal) -> Decimal:
    return max(required - hours, Decimal(0)).quantize(HOURS)


def born_by(day: date, age: int) -> date:
    """The latest birth date of someone at least `age` years old on `day` (no earlier than the
    first day a date can hold: a `day` in the first centuries counts back past it)."""
    if day.year - age < date.min.year:
        return date.min
    try:
        return day.replace(year=day.year - age)
    except ValueError:  # 29 February
        return day.replace(year=day.year - age, day=28)


def home_study_counts(*, green_channel: bool, birth_date: date | None, on: date, policy: ActivitiesPolicy) -> bool:
    """Home-delivered study counts for the needy (green channel) and the elderly (by age)."""
    return green_channel or (birth_date is not None and birth_date <= born_by(on, policy.home_study_min_age))


def day_hours_error(already: Decimal, adding: Decimal, policy: ActivitiesPolicy) -> str | None:
    if already + adding > policy.max_study_hours_per_day:
        return f"{already + adding} hours in one day (already {already}); at most {policy.max_study_hours_per_day}"
    return None


def activity_study_hours(starts_at: datetime, ends_at: datetime | None, policy: ActivitiesPolicy) -> Decimal | None:
    """The hours a present attendee of a study activity gets when none are recorded: its length,
    when it has an end and fits in a day (a longer course records its hours)."""
    if ends_at is None:
        return None
    length = Decimal((aware(ends_at) - aware(starts_at)).total_seconds()) / 3600
    if length <= 0 or length > policy.max_study_hours_per_day:
        return None
    return length.quantize(HOURS)
