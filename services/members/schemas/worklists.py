"""Work lists for the diagnostics report: members the education upgrade is for who are not in it."""

import uuid
from datetime import date

from pydantic import BaseModel

from services.members.enums import Education


class EducationUpgradeGap(BaseModel):
    """A member the education upgrade is for who is not in it."""

    member_id: uuid.UUID
    name: str
    org_id: uuid.UUID
    birth_date: date
    age: int
    education: Education
