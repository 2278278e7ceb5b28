"""Yearly evaluations of community organizations, residents' satisfaction, democratic review of members."""

import uuid
from decimal import Decimal

from pydantic import ConfigDict, Field

from services.activities.enums import EvaluationGrade, FiveGood, ReviewGrade
from services.activities.schemas.common import Code
from services.kit.schemas import InputSchema, Schema


class ScoreIn(InputSchema):
    indicator: str = Code
    score: Decimal = Field(max_digits=8, decimal_places=2)
    evidence: list[uuid.UUID] = Field(default_factory=list, max_length=200)


class EvaluationCreate(InputSchema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "org_id": "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
                    "year": 2025,
                    "scores": [
                        {"indicator": FiveGood.organization_setup, "score": "18"},
                        {"indicator": FiveGood.leadership_team, "score": "17.5"},
                        {"indicator": FiveGood.member_corps, "score": "16"},
                        {"indicator": FiveGood.work_mechanism, "score": "18"},
                        {"indicator": FiveGood.activity_venue, "score": "19"},
                        {"indicator": FiveGood.role_played, "score": "17"},
                    ],
                    "comment": "組織健全,陣地規範;黨員作用發揮仍需加強。",
                }
            ]
        }
    )

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
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"org_id": "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d", "year": 2025, "rating": 5, "comment": "社區幹部辦事熱心。"}
            ]
        }
    )

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
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "org_id": "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
                    "year": 2025,
                    "grades": [
                        {"member_id": "5d6e7f80-9a1b-4c2d-8e3f-4a5b6c7d8e9f", "grade": ReviewGrade.excellent},
                        {"member_id": "7c1e9a52-3b4d-4f6a-8e2c-9d0b1a2c3e4f", "grade": ReviewGrade.qualified},
                    ],
                }
            ]
        }
    )

    org_id: uuid.UUID
    year: int = Field(ge=1990, le=2100)
    grades: list[ReviewGradeIn] = Field(min_length=1, max_length=5000)


class ReviewOut(Schema):
    member_id: uuid.UUID
    org_id: uuid.UUID
    year: int
    grade: ReviewGrade
