"""Rewards and discipline on the record: the five measures (中國共產黨紀律處分條例 第八條), 留黨察看
with its period of one or two years (第十條), expulsion ending the membership."""

from datetime import date
from typing import Any

from services.kit.problems import field_error
from services.members.enums import DisciplineMeasure

PROBATION_YEARS = (1, 2)


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def probation_end(decided_on: date, years: int) -> date:
    """The first day after a 留黨察看 of `years` from `decided_on`."""
    return add_years(decided_on, years)


def on_probation(decided_on: date, ends_on: date | None, as_of: date) -> bool:
    return decided_on <= as_of and (ends_on is None or as_of < ends_on)


def discipline_errors(
    measure: DisciplineMeasure, probation_years: int | None, decided_on: date, today: date
) -> list[dict[str, Any]]:
    errors: list[dict[str, Any]] = []
    if decided_on > today:
        errors.append(field_error("decided_on", "the decision is in the future"))
    if measure is DisciplineMeasure.probation and probation_years not in PROBATION_YEARS:
        errors.append(field_error("probation_years", "留黨察看 is for 1 or 2 years"))
    if measure is not DisciplineMeasure.probation and probation_years is not None:
        errors.append(field_error("probation_years", "only 留黨察看 has a period"))
    return errors
