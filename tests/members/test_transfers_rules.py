"""The pure rules of relationship transfers, tested directly."""

from datetime import date

from services.members.enums import TransferKind, TransferSide, TransferStatus
from services.members.rules import MembersPolicy
from services.members.rules import transfers as rules


class TestDates:
    def test_letters_last_three_months_or_six_across_provinces(self) -> None:
        policy = MembersPolicy()
        assert rules.letter_valid_until(date(2026, 11, 30), across_provinces=False, policy=policy) == date(2027, 2, 28)
        assert rules.letter_valid_until(date(2026, 11, 30), across_provinces=True, policy=policy) == date(2027, 5, 30)


class TestSides:
    def test_within_the_system_the_sender_approves_and_withdraws_the_receiver_receives(self) -> None:
        within, sending, receiving = TransferKind.within, TransferSide.sending, TransferSide.receiving
        assert rules.side_of_step(within, TransferStatus.requested, TransferStatus.approved) == sending
        assert rules.side_of_step(within, TransferStatus.approved, TransferStatus.received) == receiving
        assert rules.side_of_step(within, TransferStatus.requested, TransferStatus.cancelled) == sending
        assert rules.side_of_step(within, TransferStatus.approved, TransferStatus.cancelled) == sending

    def test_a_refusal_is_the_side_whose_decision_is_pending(self) -> None:
        within = TransferKind.within
        assert rules.side_of_step(within, TransferStatus.requested, TransferStatus.rejected) == TransferSide.sending
        assert rules.side_of_step(within, TransferStatus.approved, TransferStatus.rejected) == TransferSide.receiving
        assert rules.side_of_step(within, TransferStatus.received, TransferStatus.rejected) is None
        assert rules.side_of_step(within, TransferStatus.expired, TransferStatus.rejected) is None

    def test_with_the_outside_the_one_side_here_takes_every_step(self) -> None:
        for step in (TransferStatus.approved, TransferStatus.received, TransferStatus.rejected, TransferStatus.cancelled):
            assert rules.side_of_step(TransferKind.out, TransferStatus.approved, step) == TransferSide.sending
            assert rules.side_of_step(TransferKind.in_, TransferStatus.approved, step) == TransferSide.receiving
