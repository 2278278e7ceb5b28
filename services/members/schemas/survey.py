"""The members' half of the survey report (issue 7): its figures, counted in SQL per setting."""

import uuid
from datetime import date

from pydantic import BaseModel, Field


class SurveyParameters(BaseModel):
    team_age_min: int
    secretary_age_min: int
    member_age_min: int
    reform_date: date
    college_or_above: list[str]
    junior_high_or_below: list[str]


class MembersSurveyCounts(BaseModel):
    """Counts of one side (rural, urban, or everything in scope); keys are the report's figure keys."""

    team_members: int = 0
    team_members_aged_46_plus: int = 0
    team_members_college_or_above: int = 0
    secretaries: int = 0
    secretaries_aged_45_plus: int = 0
    secretaries_college_or_above: int = 0
    members: int = 0
    members_aged_46_plus: int = 0
    members_junior_high_or_below: int = 0
    members_joined_before_reform: int = 0
    not_transferred: int = 0
    floating_out: int = 0
    displaced: int = 0
    members_on_party_probation: int = 0


class MembersSurvey(BaseModel):
    within: uuid.UUID | None
    as_of: date
    parameters: SurveyParameters
    rural: MembersSurveyCounts
    urban: MembersSurveyCounts
    total: MembersSurveyCounts = Field(description="Everything in scope, incl. organizations outside any community")


class LatestJoinedResult(BaseModel):
    """The latest `joined_on` among each community's members, keyed by community id."""

    latest: dict[str, date]
