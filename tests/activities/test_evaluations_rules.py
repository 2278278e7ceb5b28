"""The pure rules of evaluations and reviews."""

from decimal import Decimal

import pytest

from services.activities.rules import ActivitiesPolicy
from services.activities.rules import evaluations as rules


class TestExcellentLimit:
    @pytest.mark.parametrize(("graded", "limit"), [(0, 0), (2, 0), (3, 1), (8, 2), (9, 3), (10, 3)])
    def test_at_most_a_third(self, graded: int, limit: int) -> None:
        assert rules.excellent_limit(graded, ActivitiesPolicy()) == limit


class TestEvaluationGrade:
    @pytest.mark.parametrize(
        ("total", "grade"), [(120, "excellent"), (108, "excellent"), (100, "good"), (72, "pass"), (71, "fail")]
    )
    def test_grade_by_share_of_the_maximum(self, total: int, grade: str) -> None:
        assert rules.evaluation_grade(Decimal(total), Decimal(120), ActivitiesPolicy()) == grade
