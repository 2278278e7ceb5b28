"""Yearly evaluations of community organizations, residents' satisfaction, democratic review of members."""

import uuid
from decimal import Decimal

from pydantic import Field

from services.activities.enums import EvaluationGrade, ReviewGrade
from services.activities.schemas.common import Code
from services.kit.schemas import InputSchema, Schema


class ScoreIn(InputSchema):
    indicator: str = Code
    score: Decimal = Field(max_digits=8, decimal_places=2)
    evidence: list[uuid.UUID] = Field(default_factory=list, max_length=200)


class EvaluationCreate(InputSchema):
    org_id: uuid.UUID
    year: int = Field(ge=1990, le=2100)
    scores: list[ScoreIn] = Field(min_length=1, max_length=50)
    comment: str | None = Field(default=None, max_length=5000)


class ScoreOut(Schema):
    indicator: str
    score: Decimal
    max_score: int
    evidence: list[uuid.UUID]


class EvaluationOut(Schema):
    id: uuid.UUID
    org_id: uuid.UUID
    year: int
    scores: list[ScoreOut]
    total: Decimal
    grade: EvaluationGrade
    comment: str | None


class SatisfactionCreate(InputSchema):
    org_id: uuid.UUID
    year: int = Field(ge=1990, le=2100)
    rating: int
    comment: str | None = Field(default=None, max_length=2000)


class SatisfactionSummary(Schema):
    org_id: uuid.UUID
    year: int
    ratings: int
    average: float | None


class ReviewGradeIn(InputSchema):
    member_id: uuid.UUID
    grade: ReviewGrade


class ReviewCreate(InputSchema):
    org_id: uuid.UUID
    year: int = Field(ge=1990, le=2100)
    grades: list[ReviewGradeIn] = Field(min_length=1, max_length=5000)


class ReviewOut(Schema):
    member_id: uuid.UUID
    org_id: uuid.UUID
    year: int
    grade: ReviewGrade
