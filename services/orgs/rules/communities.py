"""A community team against the 領頭雁 standard "三個60%"; reserve cadres' dates; an end as it happened."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from services.kit.problems import field_error
from services.orgs.enums import Education
from services.orgs.rules import OrgsPolicy

# Codes (not members): compared with the education a record or a row carries as text.
COLLEGE_OR_ABOVE = frozenset({Education.college.value, Education.bachelor.value, Education.postgraduate.value})


def age_on(birth_date: date, as_of: date) -> int:
    """Whole years on `as_of`."""
    return as_of.year - birth_date.year - ((as_of.month, as_of.day) < (birth_date.month, birth_date.day))


@dataclass(frozen=True)
class TeamPerson:
    birth_date: date | None
    education: str | None
    cross_appointed: bool


@dataclass(frozen=True)
class Share:
    count: int
    share: float | None
    threshold: float
    met: bool


def leading_goose(team: list[TeamPerson], as_of: date, policy: OrgsPolicy) -> dict[str, Share]:
    """The 領頭雁 "三個60%" of a community team: college or above, under the age limit, cross-appointed.

    A person whose birth date or education is unknown counts against the share (never for it).
    """

    def share(count: int, threshold: float) -> Share:
        value = count / len(team) if team else None
        return Share(count=count, share=value, threshold=threshold, met=value is not None and value >= threshold)

    college = sum(1 for p in team if p.education in COLLEGE_OR_ABOVE)
    young = sum(1 for p in team if p.birth_date is not None and age_on(p.birth_date, as_of) < policy.leading_goose_age_limit)
    crossed = sum(1 for p in team if p.cross_appointed)
    return {
        "college_or_above": share(college, policy.leading_goose_college_share),
        "under_age_limit": share(young, policy.leading_goose_young_share),
        "cross_appointed": share(crossed, policy.leading_goose_cross_appointed_share),
    }


def end_errors(*, since: date, until: date, today: date, field: str = "until") -> list[dict[str, Any]]:
    """An end is recorded as it happened: not before the start, not in the future. The same for a
    reserve cadre leaving the pool, a post holding or a post closing, a co-building agreement."""
    errors = []
    if until < since:
        errors.append(field_error(field, f"before the start ({since.isoformat()})"))
    if until > today:
        errors.append(field_error(field, "is in the future"))
    return errors


def reserve_cadre_errors(*, birth_date: date, since: date, until: date | None) -> list[dict[str, Any]]:
    """A cadre's dates after a change: born before joining the pool, in it before leaving it."""
    errors = []
    if birth_date >= since:
        errors.append(field_error("birth_date", "not before the day the cadre joined the pool"))
    if until is not None and since > until:
        errors.append(field_error("since", f"after the day the cadre left the pool ({until.isoformat()})"))
    return errors


def born_after_for_age_under(as_of: date, age: int) -> date:
    """Younger than `age` whole years on `as_of` ⇔ born after this day."""
    try:
        return as_of.replace(year=as_of.year - age)
    except ValueError:  # 29 February
        return as_of.replace(year=as_of.year - age, day=28)
