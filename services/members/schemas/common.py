"""Shapes more than one area uses: a month as the API shows it."""

from datetime import date
from typing import Annotated

from pydantic import BeforeValidator


def _month_of(value: object) -> object:
    return f"{value.year:04d}-{value.month:02d}" if isinstance(value, date) else value


# A month as the API shows it (YYYY-MM), read from the first day of the month the tables hold.
MonthOut = Annotated[str, BeforeValidator(_month_of)]
