"""The pure rules of rectifications and of recording inspections."""

from datetime import date

import pytest

from services.orgs.enums import RectificationStatus, RectificationStep
from services.orgs.rules import inspections, rectifications

R = RectificationStatus
TODAY = date(2026, 11, 26)


def test_a_rectification_is_reported_closed_reopened_and_closed_again() -> None:
    status = R.open
    for step, after in [
        (RectificationStep.reported, R.reported),
        (RectificationStep.closed, R.closed),
        (RectificationStep.reopened, R.reopened),
        (RectificationStep.closed, R.closed),
    ]:
        assert rectifications.next_status(status, step) is after
        status = after


@pytest.mark.parametrize(
    ("status", "step"),
    [
        (R.open, RectificationStep.closed),  # nothing reported yet
        (R.open, RectificationStep.reopened),
        (R.reported, RectificationStep.reported),  # the report awaits the issuer
        (R.closed, RectificationStep.reported),
        (R.closed, RectificationStep.closed),
        (R.reopened, RectificationStep.reopened),
    ],
)
def test_steps_out_of_turn_are_refused(status: R, step: RectificationStep) -> None:
    assert rectifications.next_status(status, step) is None


def test_a_rectification_is_overdue_while_the_report_is_owed_past_the_deadline() -> None:
    late = date(2026, 11, 1)
    assert rectifications.is_overdue(R.open, late, TODAY)
    assert rectifications.is_overdue(R.reopened, late, TODAY)
    assert not rectifications.is_overdue(R.reported, late, TODAY)
    assert not rectifications.is_overdue(R.open, TODAY, TODAY)


def test_an_inspection_is_recorded_after_it_took_place() -> None:
    assert inspections.inspection_date_error(TODAY, TODAY) is None
    assert inspections.inspection_date_error(date(2026, 11, 27), TODAY)
