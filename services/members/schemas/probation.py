"""The probation of a member record: its extension (延長預備期)."""

from datetime import date

from pydantic import Field

from services.kit.schemas import InputSchema


class ProbationExtension(InputSchema):
    months: int = Field(ge=1, le=24, description="how long the probation is extended (the policy allows 6-12 months, once)")
    decided_on: date = Field(description="the day the branch meeting decided it (支部大會決議)")
    reason: str | None = Field(default=None, max_length=500)
