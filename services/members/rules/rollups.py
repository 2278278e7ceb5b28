"""Roll-ups of member counts: which pairs of dimensions are kept and how a member's facts map to
their keys (`service/rollups.py` keeps them, `service/rollup_reads.py` reads them).

A roll-up row counts the members of one organization's WHOLE subtree by (pair of dimensions,
community setting of the member's organization, population class, value a, value b). A
subtree's figures are then one organization's rows, never a scan of its members. Dates are kept
by month ('YYYY-MM'): an age edge or a reform date cuts at most one month in two, and that month
is counted exactly from the member rows.
"""

from collections.abc import Mapping
from datetime import date, timedelta
from itertools import combinations
from typing import Any

from services.members.enums import Whereabouts
from services.members.rules.records import CLOSED_STATES

BIRTH = "birth_month"
JOINED = "joined_month"
PLAIN = ("education", "occupation", "sex", "state", "party_status", "whereabouts")
# The months crossed with the dimensions the reports pivot them by; every pair of the plain ones.
DATED_WITH = ("education", "sex", "party_status", "whereabouts")
PAIRS: tuple[tuple[str, str], ...] = (
    *((BIRTH, d) for d in DATED_WITH),
    *((JOINED, d) for d in DATED_WITH),
    *combinations(PLAIN, 2),
)
# Population classes: an open record with the relationship here, an open one not transferred in, a closed one.
MEMBER, NOT_TRANSFERRED, CLOSED = "member", Whereabouts.not_transferred.value, "closed"
NO_SETTING = ""  # the key's setting when the member's organization has none


def pair_name(pair: tuple[str, str]) -> str:
    return f"{pair[0]}|{pair[1]}"


def month_key(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def population_class(state: str, whereabouts: str) -> str:
    if state in CLOSED_STATES:
        return CLOSED
    return NOT_TRANSFERRED if whereabouts == Whereabouts.not_transferred else MEMBER


def key_value(dimension: str, facts: Mapping[str, Any]) -> str:
    if dimension == BIRTH:
        return month_key(facts["birth_date"])
    if dimension == JOINED:
        return month_key(facts["joined_on"])
    return str(facts[dimension])


def keys_of(facts: Mapping[str, Any], setting: str | None) -> list[tuple[str, str, str, str, str]]:
    """Every roll-up key one member counts under: (pair, setting, population class, a, b)."""
    population = population_class(str(facts["state"]), str(facts["whereabouts"]))
    side = setting or NO_SETTING
    return [(pair_name(p), side, population, key_value(p[0], facts), key_value(p[1], facts)) for p in PAIRS]


def pair_for(dimensions: set[str]) -> tuple[str, str] | None:
    """The kept pair holding every dimension asked for (at most two), or None: not served."""
    for pair in PAIRS:
        if dimensions <= set(pair):
            return pair
    return None


def on_or_before(cutoff: date) -> tuple[str, str | None]:
    """A date condition `day <= cutoff` on month keys: the last month wholly on or before the
    cutoff, and the month the cutoff cuts in two (None when it is the month's last day), whose
    members are counted from their rows."""
    next_day = cutoff + timedelta(days=1)
    if next_day.month != cutoff.month:
        return month_key(cutoff), None
    first = cutoff.replace(day=1)
    return month_key(first - timedelta(days=1)), month_key(cutoff)


def month_bounds(key: str) -> tuple[date, date]:
    """The first day of the month `key` and the first day of the next."""
    year, month = int(key[:4]), int(key[5:])
    first = date(year, month, 1)
    return first, (date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1))
