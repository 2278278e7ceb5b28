"""Rules of the printed documents: which transfers have a letter, who issues it, how long it is
valid, and the Chinese of a date."""

from datetime import date

from services.members.enums import TransferKind, TransferStatus
from services.members.rules.documents import PREFIXES, chinese_date, has_letter, letter_issuer_is_sender, validity_months


def test_a_letter_exists_once_approved_and_after() -> None:
    day = date(2026, 11, 2)
    assert [s for s in TransferStatus if has_letter(s, day)] == [
        TransferStatus.approved,
        TransferStatus.received,
        TransferStatus.expired,
    ]
    assert not has_letter(TransferStatus.approved, None)


def test_the_sender_issues_except_for_a_transfer_in_from_outside() -> None:
    assert [k for k in TransferKind if letter_issuer_is_sender(k)] == [TransferKind.within, TransferKind.out]


def test_validity_in_whole_months_and_dates_in_chinese() -> None:
    assert validity_months(date(2027, 2, 2), date(2026, 11, 2)) == 3
    assert validity_months(date(2027, 5, 2), date(2026, 11, 2)) == 6
    assert validity_months(None, date(2026, 11, 2)) == 0
    assert chinese_date(date(2026, 1, 9)) == "2026年1月9日"
    assert len(set(PREFIXES.values())) == len(PREFIXES)
