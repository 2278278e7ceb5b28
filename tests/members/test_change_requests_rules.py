"""The pure rules of change requests: what is asked, the evidence of an education change, the
reason of a rejection, what an evidence file may be."""

import base64

from services.members.enums import ChangeDecision
from services.members.rules.change_requests import (
    ADDRESS,
    EDUCATION,
    EVIDENCE_MAX_BYTES,
    PHONE,
    asked_fields,
    decision_errors,
    evidence_file,
    request_errors,
)

CURRENT = {PHONE: "13800001111", ADDRESS: None, EDUCATION: "secondary"}


def test_only_values_that_differ_are_asked() -> None:
    asked = {PHONE: "13800001111", ADDRESS: "3組", EDUCATION: None}
    assert asked_fields(asked, CURRENT) == [ADDRESS]


def test_nothing_asked_is_an_error() -> None:
    assert request_errors({}, CURRENT, has_evidence=False) == [("phone", "name at least one of phone, address, education")]


def test_the_same_value_is_an_error() -> None:
    errors = request_errors({PHONE: "13800001111"}, CURRENT, has_evidence=False)
    assert errors == [("phone", "the record already says so")]


def test_education_needs_evidence() -> None:
    assert request_errors({EDUCATION: "college"}, CURRENT, has_evidence=False)[0][0] == "evidence_note"
    assert request_errors({EDUCATION: "college"}, CURRENT, has_evidence=True) == []
    assert request_errors({PHONE: "13912345678"}, CURRENT, has_evidence=False) == []


def test_a_rejection_gives_its_reason() -> None:
    assert decision_errors(ChangeDecision.reject, None) == [("note", "a rejection gives its reason")]
    assert decision_errors(ChangeDecision.reject, "不符") == []
    assert decision_errors(ChangeDecision.approve, None) == []


def test_evidence_files_are_known_by_their_first_bytes() -> None:
    def encoded(content: bytes) -> str:
        return base64.b64encode(content).decode()

    assert evidence_file(encoded(b"%PDF-1.7 ...")) == (b"%PDF-1.7 ...", "application/pdf")
    assert evidence_file(encoded(b"\x89PNG\r\n\x1a\n...")) == (b"\x89PNG\r\n\x1a\n...", "image/png")
    assert evidence_file(encoded(b"\xff\xd8\xff\xe0...")) == (b"\xff\xd8\xff\xe0...", "image/jpeg")
    assert evidence_file(encoded(b"<html>")) == "not a PDF, PNG or JPEG file"
    assert evidence_file("not base64!") == "not valid base64"
    assert evidence_file("") == "empty"
    assert evidence_file(encoded(b"%PDF-" + b"0" * EVIDENCE_MAX_BYTES)) == f"larger than {EVIDENCE_MAX_BYTES} bytes"
