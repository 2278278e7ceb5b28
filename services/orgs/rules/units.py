"""Rules of community units (how many a joint branch may join) and of posts' holders."""

import uuid
from datetime import date, timedelta

from services.orgs.rules import OrgsPolicy

# A holding of a post: who, from, until (the last day; None: still held).
Holding = tuple[uuid.UUID, date, date | None]


def joint_branch_units_error(units_after: int, policy: OrgsPolicy) -> str | None:
    """A joint branch joins at most `joint_branch_max_units` units."""
    if units_after > policy.joint_branch_max_units:
        return f"a joint branch joins at most {policy.joint_branch_max_units} units ({units_after} with this one)"
    return None


def holding_to_end(holdings: list[Holding], member_id: uuid.UUID, since: date) -> Holding | None:
    """The holding of `member_id` that a successor from `since` ends (on the day before): one that
    began before `since` and still runs on the day before; None if there is none."""
    day_before = since - timedelta(days=1)
    for holding in holdings:
        who, start, until = holding
        if who == member_id and start <= day_before and (until is None or until >= day_before):
            return holding
    return None


def holder_overlap_error(holdings: list[Holding], member_id: uuid.UUID, since: date) -> str | None:
    """A member holds a post once at a time: a new holding from `since` (open-ended) may not meet
    one of theirs that runs on or after `since`."""
    for who, start, until in holdings:
        if who == member_id and (until is None or until >= since):
            return f"the member already holds this post from {start.isoformat()}"
    return None
