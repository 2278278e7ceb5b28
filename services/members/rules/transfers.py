"""Rules of relationship transfers: how long an introduction letter is valid, and which side of a
transfer takes each step.

A transfer within the system has two sides: the *sending* side (the organization the member's
relationship leaves, and its superiors) and the *receiving* side (`to_org_id`'s). Each step is
the work of one of them, as on paper: the sender requests the move and issues the introduction
letter (approve); the receiver takes the member in (receive). A refusal (reject) is the side's
whose decision is pending: the sender refuses to issue the letter, the receiver refuses to take
the member in (returns the letter). Withdrawing the request (cancel) is the sender's, as long as
the transfer is open: the receiver does not withdraw what it never asked for, it refuses.
A transfer with an organization outside the system has one side here, which takes every step:
the sender for a transfer out (receipt records the outside organization's acknowledgement), the
receiver for a transfer in. A caller whose scope covers both sides acts for either.
"""

from datetime import date

from services.members.enums import TransferKind, TransferSide, TransferStatus
from services.members.rules import MembersPolicy
from services.members.rules.common import months_after


def letter_valid_until(issued_on: date, *, across_provinces: bool, policy: MembersPolicy) -> date:
    months = policy.letter_valid_months_across_provinces if across_provinces else policy.letter_valid_months
    return months_after(issued_on, months)


def side_of_step(kind: TransferKind, status: TransferStatus, step: TransferStatus) -> TransferSide | None:
    """The side whose step it is to bring a transfer in `status` to `step` (approved, received,
    rejected, cancelled); None when no side decides now (a refusal of a closed transfer)."""
    if kind == TransferKind.out:
        return TransferSide.sending
    if kind == TransferKind.in_:
        return TransferSide.receiving
    if step == TransferStatus.received:
        return TransferSide.receiving
    if step == TransferStatus.rejected:
        pending = {TransferStatus.requested: TransferSide.sending, TransferStatus.approved: TransferSide.receiving}
        return pending.get(status)
    return TransferSide.sending
