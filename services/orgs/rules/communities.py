"""A community team against the 領頭雁 standard "三個60%"."""

from dataclasses import dataclass
from datetime import date

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
