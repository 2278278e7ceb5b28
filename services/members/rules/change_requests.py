"""Rules of a member's change requests: what is asked, whether it changes anything, the evidence
an education change needs, the reason a rejection needs, and what an evidence file may be."""

import base64
import binascii
from typing import Any

from services.members.enums import ChangeDecision

# The evidence files accepted, by their first bytes (the name and the declared type prove nothing).
EVIDENCE_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)
EVIDENCE_MAX_BYTES = 2 * 1024 * 1024

# The fields of the record a member may ask to change (names of the record's fields, not codes).
PHONE, ADDRESS, EDUCATION = "phone", "address", "education"
CHANGEABLE = (PHONE, ADDRESS, EDUCATION)


def asked_fields(asked: dict[str, Any], current: dict[str, Any]) -> list[str]:
    """The fields whose asked value differs from the record's (`asked`: field → value or None
    where nothing is asked)."""
    return [field for field in CHANGEABLE if asked.get(field) is not None and asked[field] != current.get(field)]


def request_errors(asked: dict[str, Any], current: dict[str, Any], *, has_evidence: bool) -> list[tuple[str, str]]:
    """(field, message) for each thing wrong with a change request (empty: it may be filed)."""
    named = [field for field in CHANGEABLE if asked.get(field) is not None]
    if not named:
        return [("phone", "name at least one of phone, address, education")]
    errors = [(field, "the record already says so") for field in named if asked[field] == current.get(field)]
    if EDUCATION in named and not has_evidence:
        errors.append(("evidence_note", "a change of education needs its evidence (a note or a file)"))
    return errors


def decision_errors(decision: ChangeDecision, note: str | None) -> list[tuple[str, str]]:
    if decision is ChangeDecision.reject and not note:
        return [("note", "a rejection gives its reason")]
    return []


def evidence_file(encoded: str) -> tuple[bytes, str] | str:
    """The decoded evidence file and its media type, or why it is refused."""
    try:
        content = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        return "not valid base64"
    if not content:
        return "empty"
    if len(content) > EVIDENCE_MAX_BYTES:
        return f"larger than {EVIDENCE_MAX_BYTES} bytes"
    for signature, media_type in EVIDENCE_SIGNATURES:
        if content.startswith(signature):
            return content, media_type
    return "not a PDF, PNG or JPEG file"
