"""The pure rules of attachments."""

from services.activities.rules import attachments as rules


class TestContentMatches:
    def test_signatures(self) -> None:
        assert rules.content_matches("image/png", b"\x89PNG\r\n\x1a\n....")
        assert rules.content_matches("image/jpeg", b"\xff\xd8\xff\xe0")
        assert rules.content_matches("application/pdf", b"%PDF-1.7")
        assert not rules.content_matches("image/png", b"MZ\x90\x00")
        assert not rules.content_matches("application/pdf", b"\xff\xd8\xff")
