"""Rules of evaluations and reviews: the grade of a total, how many members may be excellent."""

from decimal import Decimal

from services.activities.enums import EvaluationGrade
from services.activities.rules import ActivitiesPolicy


def excellent_limit(graded: int, policy: ActivitiesPolicy) -> int:
    """The most members of `graded` who may be excellent (at most a third by default)."""
    return graded * policy.excellent_max_numerator // policy.excellent_max_denominator


def evaluation_grade(total: Decimal, maximum: Decimal, policy: ActivitiesPolicy) -> str:
    share = total / maximum if maximum else Decimal(0)
    for grade, threshold in sorted(policy.evaluation_grade_thresholds.items(), key=lambda item: -item[1]):
        if share >= threshold:
            return grade
    return EvaluationGrade.fail
