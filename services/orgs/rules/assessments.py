"""The rules of a target-based assessment (目標管理考核): its period, how each computed indicator is
normalised to 0 to the policy's full score (100), the weighted total and the ranking.

Every computed indicator is a share: the records that meet the indicator's standard among those it
counts, as a score `full * counted / of` (`full`: the policy's `assessment_full_score`, 100; rounded
to 2 decimals; nothing to count is `full`: nothing was owed). The total is the weighted mean of the
indicator scores, `Σ weight * score / Σ weight` (2 decimals), so that weights may be given as points
(20, 30 …) or as shares. A manual indicator
not yet scored counts 0 and leaves the target's result incomplete. Equal totals share a rank
(1, 1, 3 …: "competition" ranking), listed by name.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from services.orgs.enums import AssessmentIndicator, DiagnosticRule, OrgKind, OrgTier

PERIOD_PATTERN = r"^\d{4}(-H[12]|-Q[1-4]|-(0[1-9]|1[0-2]))?$"
# The calendar's parts of a year (H1-H2, Q1-Q4), each the same number of months.
MONTHS_IN_YEAR = 12
HALVES = ("H1", "H2")
QUARTERS = ("Q1", "Q2", "Q3", "Q4")
_PERIOD = re.compile(r"^(?P<year>\d{4})(?:-H(?P<half>[12])|-Q(?P<quarter>[1-4])|-(?P<month>\d{2}))?$")

# The indicators the orgs service counts from its own records, and those asked of a peer.
OWN = frozenset(
    {
        AssessmentIndicator.team_completeness,
        AssessmentIndicator.terms_on_time,
        AssessmentIndicator.rectifications,
        AssessmentIndicator.diagnostics,
    }
)
# The diagnostics that count against a team's completeness and against terms on time.
TEAM_PROBLEMS = frozenset({DiagnosticRule.team_too_small, DiagnosticRule.no_secretary})
TERM_PROBLEMS = frozenset({DiagnosticRule.term_overdue})
# Diagnostics that are a notice or an option, not a problem of the organization's setup.
NOT_PROBLEMS = frozenset({DiagnosticRule.term_ending_soon, DiagnosticRule.representatives_congress})
# Organizations that hold a team of their own (the township and county levels are the assessors).
TEAM_TIERS = frozenset({OrgTier.community, OrgTier.inner, OrgTier.unit})


@dataclass(frozen=True)
class Period:
    """A calendar period [start, end): a year, a half year, a quarter or a month."""

    label: str
    start: date
    end: date


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def parse_period(text: str) -> Period:
    """`2026`, `2026-H1`, `2026-Q3` or `2026-07`; ValueError otherwise."""
    match = _PERIOD.match(text)
    if not match:
        raise ValueError("a period is YYYY, YYYY-Hn, YYYY-Qn or YYYY-MM")
    year = int(match["year"])
    for part, parts in (("half", HALVES), ("quarter", QUARTERS)):
        if match[part]:
            months = MONTHS_IN_YEAR // len(parts)  # a year divides into equal halves and quarters
            first = date(year, months * (int(match[part]) - 1) + 1, 1)
            return Period(text, first, _add_months(first, months))
    if match["month"]:
        month = int(match["month"])
        if not 1 <= month <= 12:
            raise ValueError("a month is 01 to 12")
        first = date(year, month, 1)
        return Period(text, first, _add_months(first, 1))
    return Period(text, date(year, 1, 1), date(year + 1, 1, 1))


def evaluation_day(period: Period, today: date) -> date:
    """The day the records are judged on: the period's last day, or today while it runs."""
    return min(period.end - timedelta(days=1), today)


def months_through(period: Period, day: date) -> list[str]:
    """The months (`YYYY-MM`) of the period up to and including `day`'s month."""
    months = []
    month = period.start
    while month < period.end and month <= day:
        months.append(f"{month.year:04d}-{month.month:02d}")
        month = _add_months(month, 1)
    return months


def share_score(counted: int, of: int, *, full: float) -> float:
    """An indicator's score: the share meeting the standard, 0 to `full` (the policy's full score,
    100); nothing to count is `full`."""
    if of <= 0:
        return float(full)
    return round(full * min(max(counted, 0), of) / of, 2)


def weighted_total(parts: Iterable[tuple[float, float]]) -> float:
    """`Σ weight * score / Σ weight` of (weight, score) pairs, 2 decimals (0 without weights)."""
    pairs = list(parts)
    weights = sum(w for w, _ in pairs)
    if weights <= 0:
        return 0.0
    return round(sum(w * s for w, s in pairs) / weights, 2)


def ranks(scores: Sequence[float]) -> list[int]:
    """Competition ranks of `scores` (highest first, equal scores the same rank: 1, 1, 3)."""
    return [1 + sum(1 for other in scores if other > score) for score in scores]


def holds_a_team(tier: str, kind: str) -> bool:
    """An organization judged on its team, terms and setup: below the township, not a party group."""
    return OrgTier(tier) in TEAM_TIERS and OrgKind(kind) is not OrgKind.group


def is_problem(rule: DiagnosticRule) -> bool:
    return rule not in NOT_PROBLEMS


def indicators_error(keys: Sequence[str]) -> str | None:
    """A scheme's indicators are told apart by their keys."""
    return "two indicators share a key" if len(set(keys)) != len(keys) else None
