"""The rules of a task sent down: when a deadline may be set, what a reply must carry, who may
reply or decide when, and when a recipient is overdue."""

from collections.abc import Iterable
from datetime import date

from services.orgs.enums import AssignmentStatus, Evidence, ReplyDecision

# A recipient may (re)reply while nothing of theirs awaits the issuer and nothing is accepted.
REPLYABLE = frozenset({AssignmentStatus.pending, AssignmentStatus.returned})
# The recipients still owing the issuer a reply: these are the ones a deadline can leave behind.
OWING = REPLYABLE


def deadline_error(deadline: date, today: date) -> str | None:
    """A task is sent down for work still to do: its deadline is today or later."""
    return "the deadline is in the past" if deadline < today else None


def missing_evidence(
    required: Iterable[str], *, text: str | None, attachment_ids: Iterable[object], activity_ids: Iterable[object]
) -> list[Evidence]:
    """The kinds of evidence required that a reply (or a rectification report) does not carry."""
    carried = {
        Evidence.text: bool(text and text.strip()),
        Evidence.attachment: any(True for _ in attachment_ids),
        Evidence.activity: any(True for _ in activity_ids),
    }
    return [Evidence(kind) for kind in required if not carried[Evidence(kind)]]


def reply_error(status: AssignmentStatus) -> str | None:
    if status in REPLYABLE:
        return None
    if status is AssignmentStatus.replied:
        return "the last reply awaits the issuer's decision"
    return "the task is accepted: nothing more to reply"


def decision_error(status: AssignmentStatus) -> str | None:
    return None if status is AssignmentStatus.replied else "there is no reply awaiting a decision"


def after_decision(decision: ReplyDecision) -> AssignmentStatus:
    return AssignmentStatus.accepted if decision is ReplyDecision.accept else AssignmentStatus.returned


def is_overdue(status: AssignmentStatus, deadline: date, today: date) -> bool:
    """Past the deadline (the deadline day itself is still in time) and still owing a reply: never
    replied, or returned and not replied again. A reply awaiting the decision is not overdue: the
    recipient has done its part, the issuer is the one to act."""
    return status in OWING and today > deadline


def days_overdue(deadline: date, today: date) -> int:
    return max((today - deadline).days, 0)
