"""How many resident ID numbers fit what a reader sees: the masking argument of docs/security.md
("Personal data: what each role sees"), counted by enumeration rather than by reasoning.

The reader is assumed to know more than it is shown: the region (the district it works in tells
it), the sex (shown on every record) and so the serial's parity, and whatever the view shows of
the number, the birth date and its month. Every 18-character number of that region, with a birth
date the view allows, a serial of that parity and the right check character is a candidate.
"""

import calendar
from datetime import date
from typing import Any

from stdnum.cn import ric


def id_number_candidates(
    *, region: str, sex: str, shown_id: str, birth_date: str | None = None, birth_year_month: str | None = None
) -> int:
    """The numbers of `region` consistent with `shown_id` ("*" for a hidden character), the sex, and
    the birth date or month shown."""
    days = _days(birth_date, birth_year_month)
    parity = 1 if sex == "male" else 0
    count = 0
    for day in days:
        for serial in range(parity, 1000, 2):
            body = f"{region}{day:%Y%m%d}{serial:03d}"
            number = body + ric.calc_check_digit(body + "?")  # it reads the first 17 only
            if all(shown in ("*", actual) for shown, actual in zip(shown_id, number, strict=True)):
                count += 1
    return count


def candidates_of(view: dict[str, Any], *, region: str) -> int:
    """`id_number_candidates` of one record as an answer shows it (a member or an application)."""
    return id_number_candidates(
        region=region,
        sex=view["sex"],
        shown_id=view["id_number"],
        birth_date=view.get("birth_date"),
        birth_year_month=view.get("birth_year_month"),
    )


def _days(birth_date: str | None, birth_year_month: str | None) -> list[date]:
    if birth_date:
        return [date.fromisoformat(birth_date)]
    if birth_year_month:
        year, month = (int(part) for part in birth_year_month.split("-"))
        return [date(year, month, day) for day in range(1, calendar.monthrange(year, month)[1] + 1)]
    raise ValueError("every view shows the birth date or its month")
