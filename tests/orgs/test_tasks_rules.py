"""The pure rules of tasks sent down and of rectifications."""

from datetime import date

import pytest

from services.orgs.enums import AssignmentStatus, Evidence, RectificationStatus, RectificationStep, ReplyDecision
from services.orgs.rules import inspections, rectifications, tasks

A = AssignmentStatus
R = RectificationStatus
TODAY = date(2026, 11, 26)


def test_a_deadline_is_today_or_later() -> None:
    assert tasks.deadline_error(TODAY, TODAY) is None
    assert tasks.deadline_error(date(2026, 11, 25), TODAY) == "the deadline is in the past"


def test_missing_evidence_names_each_kind_required_and_not_carried() -> None:
    required = [Evidence.text, Evidence.attachment, Evidence.activity]
    assert tasks.missing_evidence(required, text="  ", attachment_ids=[], activity_ids=[]) == required
    assert tasks.missing_evidence(required, text="done", attachment_ids=["a"], activity_ids=[]) == [Evidence.activity]
    assert tasks.missing_evidence([], text=None, attachment_ids=[], activity_ids=[]) == []


@pytest.mark.parametrize(("status", "allowed"), [(A.pending, True), (A.returned, True), (A.replied, False), (A.accepted, False)])
def test_a_recipient_replies_when_nothing_awaits_a_decision_and_nothing_is_accepted(status: A, allowed: bool) -> None:
    assert (tasks.reply_error(status) is None) is allowed


def test_only_a_reply_awaiting_a_decision_is_decided_and_the_decision_sets_the_status() -> None:
    assert tasks.decision_error(A.replied) is None
    assert all(tasks.decision_error(s) for s in (A.pending, A.returned, A.accepted))
    assert tasks.after_decision(ReplyDecision.accept) is A.accepted
    assert tasks.after_decision(ReplyDecision.return_) is A.returned


@pytest.mark.parametrize(
    ("status", "deadline", "overdue"),
    [
        (A.pending, date(2026, 11, 25), True),
        (A.returned, date(2026, 11, 25), True),
        (A.pending, TODAY, False),  # the deadline day is still in time
        (A.replied, date(2026, 11, 1), False),  # the issuer owes the next step
        (A.accepted, date(2026, 11, 1), False),
    ],
)
def test_overdue_is_past_the_deadline_and_still_owing_a_reply(status: A, deadline: date, overdue: bool) -> None:
    assert tasks.is_overdue(status, deadline, TODAY) is overdue


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
