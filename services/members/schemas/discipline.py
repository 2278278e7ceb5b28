"""Rewards and discipline shapes: a commendation, a disciplinary measure."""

import uuid
from datetime import date

from pydantic import ConfigDict, Field

from services.kit.schemas import InputSchema, Schema
from services.members.enums import CommendationKind, DisciplineMeasure


class CommendationCreate(InputSchema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"kind": CommendationKind.excellent_member, "awarded_on": "2026-07-01", "awarded_by": "中共某街道工作委員會"}
            ]
        }
    )

    kind: CommendationKind
    title: str | None = Field(default=None, max_length=200)
    awarded_on: date
    awarded_by: str = Field(min_length=1, max_length=200)


class Commendation(Schema):
    id: uuid.UUID
    member_id: uuid.UUID
    kind: CommendationKind
    title: str | None
    awarded_on: date
    awarded_by: str


class DisciplineCreate(InputSchema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "measure": DisciplineMeasure.probation,
                    "decided_on": "2026-05-10",
                    "decided_by": "中共某街道紀律工作委員會",
                    "reason": "違反組織紀律",
                    "probation_years": 1,
                }
            ]
        }
    )

    measure: DisciplineMeasure
    decided_on: date
    decided_by: str = Field(min_length=1, max_length=200)
    reason: str | None = Field(default=None, max_length=2000)
    probation_years: int | None = Field(default=None, ge=1, le=2, description="留黨察看: 1 or 2 years")


class Discipline(Schema):
    id: uuid.UUID
    member_id: uuid.UUID
    measure: DisciplineMeasure
    decided_on: date
    decided_by: str
    reason: str | None
    probation_years: int | None
    ends_on: date | None
