"""The probation of a member record: its extension (延長預備期)."""

from datetime import date

from pydantic import ConfigDict, Field

from services.kit.schemas import InputSchema


class ProbationExtension(InputSchema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"months": 6, "decided_on": "2026-06-28", "reason": "預備期內學習不夠深入,支部大會決議延長預備期。"}]
        }
    )

    months: int = Field(ge=1, le=24, description="how long the probation is extended (the policy allows 6-12 months, once)")
    decided_on: date = Field(description="the day the branch meeting decided it (支部大會決議)")
    reason: str | None = Field(default=None, max_length=500)
