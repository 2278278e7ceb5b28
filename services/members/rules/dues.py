"""Rules of the dues ledger (中組部 2008 關於黨費收繳、使用和管理的規定): months, rates, amounts, back payments."""

from datetime import date

from services.members.enums import DuesCategory
from services.members.rules import MembersPolicy
from services.members.rules.common import months_after

# Categories paying a flat amount a month rather than a share of income.
FLAT_DUES_CATEGORIES = frozenset(
    {DuesCategory.farmer, DuesCategory.student, DuesCategory.unemployed, DuesCategory.basic_allowance}
)


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def months_between(earlier: date, later: date) -> int:
    """Whole calendar months from `earlier`'s month to `later`'s (2026-01 → 2026-07 is 6)."""
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def dues_rate_bp(category: str, base_fen: int, policy: MembersPolicy) -> int | None:
    """The rate in basis points of a salaried or retired member's base; None for a flat category."""
    if category == DuesCategory.salaried:
        brackets, top = policy.dues_salaried_brackets, policy.dues_salaried_top_rate_bp
    elif category == DuesCategory.retiree:
        brackets, top = policy.dues_retiree_brackets, policy.dues_retiree_top_rate_bp
    else:
        return None
    return next((rate for up_to, rate in brackets if base_fen <= up_to), top)


def dues_amount_fen(category: str, base_fen: int | None, policy: MembersPolicy) -> tuple[int | None, int]:
    """(rate in basis points or None, the month's amount in fen) — computed, never typed.
    A share of income is rounded half up to the fen."""
    if category == DuesCategory.farmer:
        return None, policy.dues_farmer_fen
    if category in FLAT_DUES_CATEGORIES:
        return None, policy.dues_minimal_fen
    base = base_fen or 0
    rate = dues_rate_bp(category, base, policy)
    assert rate is not None
    return rate, (base * rate + 5_000) // 10_000


def back_payment_error(month: date, paid_on: date, policy: MembersPolicy) -> str | None:
    if months_between(month, paid_on) > policy.dues_back_payment_months:
        return f"a back payment reaches at most {policy.dues_back_payment_months} months back"
    return None


def paid_through(first_month: date, settled: set[date]) -> date | None:
    """The last month of the unbroken run of settled months from the member's first ledger month."""
    month, last = first_month, None
    while month in settled:
        last, month = month, months_after(month, 1)
    return last


def parse_month(value: str) -> date:
    """'2026-07' → 2026-07-01 (the value is already checked against the YYYY-MM pattern)."""
    year, month = value.split("-")
    return date(int(year), int(month), 1)


def month_label(month: date) -> str:
    return f"{month.year:04d}-{month.month:02d}"
