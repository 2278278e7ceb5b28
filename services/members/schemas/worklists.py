"""Work lists for the diagnostics report: members the education upgrade is for who are not in it."""

import uuid
from datetime import date

from pydantic import BaseModel, Field

from services.members.enums import Education
from services.members.schemas.common import MonthOut


class EducationUpgradeGap(BaseModel):
    """A member the education upgrade is for who is not in it."""

    member_id: uuid.UUID
    name: str
    org_id: uuid.UUID
    birth_date: date | None = Field(description="null below full view (see /members)")
    birth_year_month: MonthOut
    age: int = Field(description="on as_of; below full view reached by the end of its month")
    education: Education
