"""Pure rules of activity logging (no I/O), one module per area, and here the policy holding every
number they use (`ACTIVITIES_POLICY__…` overrides a value; `GET /policy` shows the one in force).

The time zone of an activity's local day and of "today" is the deployment's (`Policy.timezone`).
"""

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from services.activities.enums import (
    ActivityType,
    Campaign,
    EvaluationGrade,
    FiveGood,
    Frequency,
    FrequencyCode,
    MemberState,
    OrgTier,
    TeamRole,
    Whereabouts,
)
from services.kit.policy import Policy


class Indicator(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str
    zh_hant: str
    zh_hans: str
    min_score: int = 0
    max_score: int = 20


FIVE_GOOD_INDICATORS = tuple(Indicator(code=good, zh_hant=good.zh_hant, zh_hans=good.zh_hans) for good in FiveGood)


# 三會一課 (支部工作條例 and local practice): how often each type is expected.
DEFAULT_FREQUENCIES: dict[str, FrequencyCode] = {
    ActivityType.general_meeting: Frequency.quarterly,
    ActivityType.committee_meeting: Frequency.monthly,
    ActivityType.group_meeting: Frequency.monthly,
    ActivityType.party_lecture: Frequency.quarterly,
    ActivityType.study_day: Frequency.monthly,
    ActivityType.life_meeting: Frequency.yearly,
    ActivityType.democratic_review: Frequency.yearly,
}

_GRADE_THRESHOLDS: dict[str, Decimal] = {
    EvaluationGrade.excellent: Decimal("0.9"),
    EvaluationGrade.good: Decimal("0.75"),
    EvaluationGrade.pass_: Decimal("0.6"),
}
_HOME_SERVICES = (ActivityType.home_study_delivery, ActivityType.home_visit)


class ActivitiesPolicy(Policy):
    """The numbers the activities rules use (defaults from the seed report and national rules)."""

    frequencies: dict[str, FrequencyCode] = Field(default_factory=lambda: dict(DEFAULT_FREQUENCIES))
    # Which organizations compliance looks at (a township committee is not held to 三會一課 here).
    compliance_tiers: tuple[str, ...] = (OrgTier.community, OrgTier.inner, OrgTier.unit)
    # The type counted per party group under an organization, and the one the seed says work stops at.
    group_meeting_type: str = ActivityType.group_meeting
    study_day_type: str = ActivityType.study_day
    campaigns: tuple[str, ...] = tuple(Campaign)
    # Types that serve one member at home and must name them.
    served_member_types: tuple[str, ...] = _HOME_SERVICES
    home_service_types: tuple[str, ...] = _HOME_SERVICES
    volunteer_type: str = ActivityType.volunteer_service
    # The service activities (服務活動) the orgs diagnostics count per community (seed 四.三).
    service_activity_types: tuple[str, ...] = (ActivityType.volunteer_service, *_HOME_SERVICES)
    max_hours_per_attendance: Decimal = Decimal(24)
    # Work lists: members with no attendance for N months; followed members not contacted for N days.
    inactive_member_months: int = 6
    contact_overdue_days: int = 90
    followed_whereabouts: tuple[str, ...] = tuple(Whereabouts)
    # Attachments (photos, minutes): under the app-wide 10 MB request limit.
    attachment_max_bytes: int = 8 * 1024 * 1024
    attachment_media_types: tuple[str, ...] = ("image/jpeg", "image/png", "application/pdf")
    # Evaluations: the indicator set and grade thresholds (share of the maximum total).
    evaluation_indicators: tuple[Indicator, ...] = FIVE_GOOD_INDICATORS
    evaluated_tiers: tuple[str, ...] = (OrgTier.community,)
    evaluation_grade_thresholds: dict[str, Decimal] = Field(default_factory=lambda: dict(_GRADE_THRESHOLDS))
    satisfaction_min: int = 1
    satisfaction_max: int = 5
    # Democratic review: at most this share graded excellent; probationary members are not graded.
    excellent_max_numerator: int = 1
    excellent_max_denominator: int = 3
    # Study hours (黨員教育管理工作條例): what a member owes a year; community secretaries and team
    # members (a team role in a community's top organization) owe more. Pro-rated by month.
    yearly_study_hours: Decimal = Decimal(32)
    team_yearly_study_hours: Decimal = Decimal(56)
    team_roles: tuple[str, ...] = tuple(TeamRole)
    team_tiers: tuple[str, ...] = (OrgTier.community,)
    # Activity types whose present attendees get the attendance's hours as study hours.
    study_types: tuple[str, ...] = (ActivityType.study_day, ActivityType.party_lecture, ActivityType.training)
    # Home-delivered study counts only for elderly (by age) and needy (green channel) members.
    home_study_types: tuple[str, ...] = (ActivityType.home_study_delivery,)
    home_study_min_age: int = 70
    # No member studies more than this in one day (attendance and self-study of that day summed).
    max_study_hours_per_day: Decimal = Decimal(24)
    # Whose hours are owed: members in these states.
    study_member_states: tuple[str, ...] = (MemberState.normal,)
