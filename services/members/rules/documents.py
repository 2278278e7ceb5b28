"""Rules of the printed documents: each kind's number prefix, which transfers have a letter, who
issues it, and the Chinese of a date.

A transfer has an introduction letter once the sending side approved it (approved, and so
received or expired after); a request not yet decided, refused or withdrawn has none. The letter
is the sending organization's; a transfer in from outside the system has its letter from the
organization outside, and what prints here is the receiving organization's copy of it.
"""

from datetime import date

from services.members.enums import DocumentKind, TransferKind, TransferStatus

# The number prefix of each kind (`JS2026000012`): 介紹信, 證明, 發展檔案.
PREFIXES: dict[DocumentKind, str] = {
    DocumentKind.transfer_letter: "JS",
    DocumentKind.membership_certificate: "ZM",
    DocumentKind.recruitment_dossier: "FZ",
}
LETTER_STATUSES = (TransferStatus.approved, TransferStatus.received, TransferStatus.expired)


def has_letter(status: TransferStatus, issued_on: date | None) -> bool:
    return status in LETTER_STATUSES and issued_on is not None


def letter_issuer_is_sender(kind: TransferKind) -> bool:
    """Whether the letter's issuing organization is the sending one here (else the receiving)."""
    return kind != TransferKind.in_


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def validity_months(valid_until: date | None, issued_on: date) -> int:
    """Whole months between the letter's date and the end of its validity (3, or 6 across provinces)."""
    if valid_until is None:
        return 0
    return (valid_until.year - issued_on.year) * 12 + valid_until.month - issued_on.month
