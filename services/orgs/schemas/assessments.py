"""Shapes of target-based assessment (目標管理考核): the scheme, a manual score, the results with
the figures and records behind each computed score."""

import uuid
from datetime import date
from typing import Any

from pydantic import ConfigDict, Field, model_validator

from services.kit.schemas import InputSchema, Schema
from services.orgs.enums import AssessmentIndicator, AssessmentLevel
from services.orgs.rules.assessments import PERIOD_PATTERN
from services.orgs.schemas.common import NAME_MAX, TEXT_MAX, Name

MAX_INDICATORS = 30
KEY_PATTERN = r"^[a-z][a-z0-9_]{0,39}$"


class IndicatorIn(InputSchema):
    key: str = Field(
        pattern=KEY_PATTERN, max_length=40, description="The indicator's name in the scheme (a manual score names it)"
    )
    indicator: AssessmentIndicator
    name: str | None = Field(default=None, min_length=1, max_length=NAME_MAX, description="Default: the indicator's label")
    weight: float = Field(gt=0, le=1000, description="Points or share: the total is the weighted mean")


class SchemeCreate(InputSchema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "owner_org_id": "0b5f6a8e-4f7e-4a59-9a53-2f3c0a6f1b10",
                    "title": "2026年度社區黨組織目標管理考核",
                    "period": "2026",
                    "target_level": AssessmentLevel.community,
                    "indicators": [
                        {"key": "meetings", "indicator": AssessmentIndicator.meeting_compliance, "weight": 30},
                        {"key": "team", "indicator": AssessmentIndicator.team_completeness, "weight": 20},
                        {"key": "rectify", "indicator": AssessmentIndicator.rectifications, "weight": 20},
                        {"key": "service", "indicator": AssessmentIndicator.manual, "name": "為民服務", "weight": 30},
                    ],
                }
            ]
        }
    )

    owner_org_id: uuid.UUID = Field(description="The assessing organization (in the caller's scope)")
    title: str = Name
    period: str = Field(pattern=PERIOD_PATTERN, max_length=7, description="`2026`, `2026-H1`, `2026-Q3` or `2026-07`")
    target_level: AssessmentLevel = Field(description="Which organizations of the owner's subtree are assessed")
    indicators: list[IndicatorIn] = Field(min_length=1, max_length=MAX_INDICATORS)

    @model_validator(mode="after")
    def _manual_named(self) -> "SchemeCreate":
        if any(i.indicator is AssessmentIndicator.manual and not i.name for i in self.indicators):
            raise ValueError("a manual indicator has a name (what is scored)")
        return self


class Indicator(Schema):
    key: str
    indicator: AssessmentIndicator
    name: str
    weight: float


class Scheme(Schema):
    id: uuid.UUID
    owner_org_id: uuid.UUID
    title: str
    period: str
    starts_on: date
    ends_on: date = Field(description="The period's last day")
    target_level: AssessmentLevel
    indicators: list[Indicator]
    version: int


class ManualScoreIn(InputSchema):
    model_config = ConfigDict(json_schema_extra={"examples": [{"score": 85, "note": "為民服務台賬齊全,群眾評價較好。"}]})

    score: float = Field(ge=0, le=100)
    note: str | None = Field(default=None, max_length=TEXT_MAX)


class ManualScore(Schema):
    scheme_id: uuid.UUID
    indicator_key: str
    org_id: uuid.UUID
    score: float
    note: str | None
    scored_on: date
    scored_by: str
    version: int


class Trace(Schema):
    """Where a score comes from: the query that produced the figures and the records counted
    against the target (the organizations, rectifications … that fall short)."""

    source: str = Field(description="The service and query the figures come from")
    against: list[uuid.UUID] = Field(description="The ids of the records that count against the target")


class IndicatorResult(Schema):
    key: str
    indicator: AssessmentIndicator
    name: str
    weight: float
    score: float = Field(description="0-100")
    counted: int | None = Field(description="Computed: the records meeting the standard")
    of: int | None = Field(description="Computed: the records counted (score = 100 * counted / of; none → 100)")
    figures: dict[str, Any] = Field(description="The raw figures behind the score")
    trace: Trace


class SecretaryRef(Schema):
    member_id: uuid.UUID
    name: str | None


class TargetResult(Schema):
    org_id: uuid.UUID
    org_name: str
    score: float = Field(description="The weighted mean of the indicator scores")
    rank: int
    complete: bool = Field(description="Every manual indicator is scored (an unscored one counts 0)")
    secretary: SecretaryRef | None = Field(description="The secretary of the organization's team: its first responsible person")
    indicators: list[IndicatorResult]


class SecretaryRank(Schema):
    rank: int
    member_id: uuid.UUID
    name: str | None
    org_id: uuid.UUID
    org_name: str
    score: float


class Results(Schema):
    scheme: Scheme
    as_of: date = Field(description="The day the records are judged on: the period's last day, or today")
    targets: list[TargetResult] = Field(description="Ranked, best first")
    secretaries: list[SecretaryRank] = Field(description="The targets' secretaries ranked by their organization's score")
