"""The pure rules of tasks sent down."""

from datetime import date

import pytest

from services.orgs.enums import AssignmentStatus, Evidence, ReplyDecision
from services.orgs.rules import tasks

A = AssignmentStatus
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
