"""Rules of attachments: a file's first bytes are those of its declared type."""

_MAGIC: dict[str, tuple[bytes, ...]] = {
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "application/pdf": (b"%PDF-",),
}


def content_matches(media_type: str, head: bytes) -> bool:
    """Whether the first bytes of a file are those of its declared type."""
    signatures = _MAGIC.get(media_type)
    return signatures is None or any(head.startswith(s) for s in signatures)
