"""Caller-given file names: a label, never a path, and a header that cannot be broken."""

import pytest

from services.kit.filenames import MAX_LENGTH, content_disposition, safe_filename


@pytest.mark.parametrize(
    ("given", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\a\\報告.pdf", "報告.pdf"),
        ("/", "attachment"),
        ("  .hidden  ", "hidden"),
        ("a\x00b\x1fc\x7f.png", "abc.png"),
        ('say "hi".png', "say hi.png"),
        ("\u202egnp.exe", "gnp.exe"),
        ("𠮷野家.jpg", "𠮷野家.jpg"),
    ],
)
def test_safe_filename(given: str, safe: str) -> None:
    assert safe_filename(given) == safe


def test_a_long_name_is_cut() -> None:
    assert len(safe_filename("名" * 500)) == MAX_LENGTH


def test_the_header_has_an_ascii_name_and_the_utf8_one() -> None:
    assert content_disposition("../張三 簡歷.pdf") == (
        "attachment; filename=\"__ __.pdf\"; filename*=UTF-8''%E5%BC%B5%E4%B8%89%20%E7%B0%A1%E6%AD%B7.pdf"
    )
    assert content_disposition("a.png", "inline") == "inline; filename=\"a.png\"; filename*=UTF-8''a.png"
