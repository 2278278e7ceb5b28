"""File names that come from callers (attachments): made safe to store and to send back.

A name is a label, never a path: only its last segment is kept, without control or format
characters (a right-to-left override can disguise `gpj.exe` as `exe.jpg`) and without quotes or
backslashes, which would end or escape the quoted `filename` of a `Content-Disposition`. Chinese
names stay as they are; the header carries them as RFC 6266 / RFC 5987 `filename*=UTF-8''…`
with a plain ASCII `filename` beside it for old clients.
"""

import re
import unicodedata
from urllib.parse import quote

FALLBACK = "attachment"
MAX_LENGTH = 200
_UNSAFE = frozenset('"\\')


def safe_filename(name: str) -> str:
    """The last path segment of `name`, without control, format, quote or backslash characters,
    leading dots or surrounding spaces; `attachment` when nothing is left."""
    last = re.split(r"[/\\]", name)[-1]
    kept = "".join(c for c in last if c not in _UNSAFE and unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Zl", "Zp"))
    kept = kept.strip().lstrip(".").strip()
    return kept[:MAX_LENGTH] or FALLBACK


def content_disposition(name: str, disposition: str = "attachment") -> str:
    """`attachment; filename="<ASCII>"; filename*=UTF-8''<percent-encoded UTF-8>` of a safe name."""
    safe = safe_filename(name)
    ascii_name = "".join(c if 0x20 <= ord(c) < 0x7F else "_" for c in safe)
    return f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(safe, safe='')}"
