"""Member statistics: counts and shares by dimension."""

from datetime import date

from pydantic import BaseModel, Field

from services.members.enums import StatsDimension, StatsPopulation


class StatsGroup(BaseModel):
    key: dict[str, str | bool | None]
    count: int
    share: float = Field(description="count / total (the denominator is `total`)")


class MemberStats(BaseModel):
    as_of: date
    population: StatsPopulation
    group_by: list[StatsDimension]
    age_bands: list[str] | None
    joined_before: date | None
    total: int
    groups: list[StatsGroup]
