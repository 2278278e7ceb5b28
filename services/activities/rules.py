"""Pure rules of activity logging (no I/O), and the policy holding every number they use."""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field

from services.kit.policy import Policy

FrequencyCode = Literal["monthly", "quarterly", "yearly"]
MONTHS_PER = {"monthly": 1, "quarterly": 3, "yearly": 12}


class Indicator(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str
    zh_hant: str
    zh_hans: str
    min_score: int = 0
    max_score: int = 20


# The seed's 五個好 (對策(三)): 組織設置好, 領導班子好, 黨員隊伍好, 工作機制好, 活動陣地好, 作用發揮好.
FIVE_GOOD_INDICATORS = (
    Indicator(code="organization_setup", zh_hant="組織設置好", zh_hans="组织设置好"),
    Indicator(code="leadership_team", zh_hant="領導班子好", zh_hans="领导班子好"),
    Indicator(code="member_corps", zh_hant="黨員隊伍好", zh_hans="党员队伍好"),
    Indicator(code="work_mechanism", zh_hant="工作機制好", zh_hans="工作机制好"),
    Indicator(code="activity_venue", zh_hant="活動陣地好", zh_hans="活动阵地好"),
    Indicator(code="role_played", zh_hant="作用發揮好", zh_hans="作用发挥好"),
)


# 三會一課 (支部工作條例 and local practice): how often each type is expected.
DEFAULT_FREQUENCIES: dict[str, FrequencyCode] = {
    "general_meeting": "quarterly",
    "committee_meeting": "monthly",
    "group_meeting": "monthly",
    "party_lecture": "quarterly",
    "study_day": "monthly",
    "life_meeting": "yearly",
    "democratic_review": "yearly",
}


class ActivitiesPolicy(Policy):
    """The numbers the activities rules use (defaults from the seed report and national rules)."""

    # Local time of the deployment: an activity's day, month and quarter are local.
    timezone: str = "Asia/Shanghai"
    frequencies: dict[str, FrequencyCode] = Field(default_factory=lambda: dict(DEFAULT_FREQUENCIES))
    # Which organizations compliance looks at (a township committee is not held to 三會一課 here).
    compliance_tiers: tuple[str, ...] = ("community", "inner", "unit")
    # The type counted per party group under an organization, and the one the seed says work stops at.
    group_meeting_type: str = "group_meeting"
    study_day_type: str = "study_day"
    campaigns: tuple[str, ...] = ("five_good", "satisfied_community", "cohesion_project")
    # Types that serve one member at home and must name them.
    served_member_types: tuple[str, ...] = ("home_study_delivery", "home_visit")
    home_service_types: tuple[str, ...] = ("home_study_delivery", "home_visit")
    volunteer_type: str = "volunteer_service"
    max_hours_per_attendance: Decimal = Decimal(24)
    # Work lists: members with no attendance for N months; followed members not contacted for N days.
    inactive_member_months: int = 6
    contact_overdue_days: int = 90
    followed_whereabouts: tuple[str, ...] = ("floating_out", "displaced", "not_transferred")
    # Attachments (photos, minutes): under the app-wide 10 MB request limit.
    attachment_max_bytes: int = 8 * 1024 * 1024
    attachment_media_types: tuple[str, ...] = ("image/jpeg", "image/png", "application/pdf")
    # Evaluations: the indicator set and grade thresholds (share of the maximum total).
    evaluation_indicators: tuple[Indicator, ...] = FIVE_GOOD_INDICATORS
    evaluated_tiers: tuple[str, ...] = ("community",)
    evaluation_grade_thresholds: dict[str, Decimal] = Field(
        default_factory=lambda: {"excellent": Decimal("0.9"), "good": Decimal("0.75"), "pass": Decimal("0.6")}
    )
    satisfaction_min: int = 1
    satisfaction_max: int = 5
    # Democratic review: at most this share graded excellent; probationary members are not graded.
    excellent_max_numerator: int = 1
    excellent_max_denominator: int = 3
    # Study hours (黨員教育管理工作條例): what a member owes a year; community secretaries and team
    # members (a team role in a community's top organization) owe more. Pro-rated by month.
    yearly_study_hours: Decimal = Decimal(32)
    team_yearly_study_hours: Decimal = Decimal(56)
    team_roles: tuple[str, ...] = (
        "secretary",
        "deputy_secretary",
        "organization_member",
        "propaganda_member",
        "discipline_member",
        "committee_member",
    )
    team_tiers: tuple[str, ...] = ("community",)
    # Activity types whose present attendees get the attendance's hours as study hours.
    study_types: tuple[str, ...] = ("study_day", "party_lecture", "training")
    # Home-delivered study counts only for elderly (by age) and needy (green channel) members.
    home_study_types: tuple[str, ...] = ("home_study_delivery",)
    home_study_min_age: int = 70
    # No member studies more than this in one day (attendance and self-study of that day summed).
    max_study_hours_per_day: Decimal = Decimal(24)
    # Whose hours are owed: members in these states.
    study_member_states: tuple[str, ...] = ("normal",)


def cannot_organize(status: str) -> str | None:
    """Why an organization in `status` cannot organize activities, or None."""
    if status != "active":
        return "the organization is not active"
    return None


# ---------------------------------------------------------------- periods


@dataclass(frozen=True)
class Period:
    """A calendar period [start, end) in local days: a year, a quarter or a month."""

    label: str
    start: date
    end: date

    @property
    def months(self) -> int:
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month


_PERIOD = re.compile(r"^(?P<year>\d{4})(?:-Q(?P<quarter>\d)|-(?P<month>\d{2}))?$")


def parse_period(text: str) -> Period:
    """`2026` (a year), `2026-Q3` (a quarter) or `2026-07` (a month); ValueError otherwise."""
    match = _PERIOD.match(text.strip())
    if not match:
        raise ValueError("a period is YYYY, YYYY-Qn or YYYY-MM")
    year = int(match["year"])
    if year < 1900:
        raise ValueError("the year is out of range")
    if match["quarter"]:
        quarter = int(match["quarter"])
        if not 1 <= quarter <= 4:
            raise ValueError("a quarter is Q1 to Q4")
        first = 3 * (quarter - 1) + 1
        return Period(text, date(year, first, 1), _add_months(date(year, first, 1), 3))
    if match["month"]:
        month = int(match["month"])
        if not 1 <= month <= 12:
            raise ValueError("a month is 01 to 12")
        return Period(text, date(year, month, 1), _add_months(date(year, month, 1), 1))
    return Period(text, date(year, 1, 1), date(year + 1, 1, 1))


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier (clamped to the month's end)."""
    first = _add_months(day.replace(day=1), -months)
    last_day = (_add_months(first, 1) - timedelta(days=1)).day
    return first.replace(day=min(day.day, last_day))


def expected_count(frequency: str, period: Period) -> int:
    """How many activities of a frequency a period holds: whole frequency units inside it."""
    return period.months // MONTHS_PER[frequency]


def local_day(moment: datetime, timezone: str) -> date:
    return aware(moment).astimezone(ZoneInfo(timezone)).date()


# ---------------------------------------------------------------- activities and attendance


def aware(moment: datetime) -> datetime:
    """SQLite hands timestamps back without a zone; they were stored as UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def schedule_error(starts_at: datetime, ends_at: datetime | None) -> str | None:
    if ends_at is not None and aware(ends_at) < aware(starts_at):
        return "the end is before the start"
    return None


# planned → held or cancelled; held → cancelled (logged by mistake); cancelled is final.
_STATUS_MOVES = {"planned": {"held", "cancelled"}, "held": {"cancelled"}, "cancelled": set()}


def status_change_error(old: str, new: str) -> str | None:
    if old == new or new in _STATUS_MOVES.get(old, set()):
        return None
    return f"a {old} activity cannot become {new}"


def attendance_rate(present: int, expected: int) -> float | None:
    return round(present / expected, 4) if expected else None


# ---------------------------------------------------------------- attachments

_MAGIC: dict[str, tuple[bytes, ...]] = {
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "application/pdf": (b"%PDF-",),
}


def content_matches(media_type: str, head: bytes) -> bool:
    """Whether the first bytes of a file are those of its declared type."""
    signatures = _MAGIC.get(media_type)
    return signatures is None or any(head.startswith(s) for s in signatures)


# ---------------------------------------------------------------- reviews and evaluations


def excellent_limit(graded: int, policy: ActivitiesPolicy) -> int:
    """The most members of `graded` who may be excellent (at most a third by default)."""
    return graded * policy.excellent_max_numerator // policy.excellent_max_denominator


def evaluation_grade(total: Decimal, maximum: Decimal, policy: ActivitiesPolicy) -> str:
    share = total / maximum if maximum else Decimal(0)
    for grade, threshold in sorted(policy.evaluation_grade_thresholds.items(), key=lambda item: -item[1]):
        if share >= threshold:
            return grade
    return "fail"


# ---------------------------------------------------------------- study hours

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
        last = _add_months(first, 1) - timedelta(days=1)
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
