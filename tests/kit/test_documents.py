"""The kit's documents: check codes that only the key makes, and the PDF renderer's limits (not
installed → 503 `renderer-unavailable`; over its time limit → killed, 503 `rendering-failed`;
no output → 503 `rendering-failed`)."""

import time
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import MetaData

from services.kit.documents import DocumentRegistry, document_counters_table, documents_table, normalize_code
from services.kit.printing import html_to_pdf
from services.kit.problems import Problem

PAGE = "<!DOCTYPE html><html><body>x</body></html>"


def registry(key: bytes) -> DocumentRegistry:
    metadata = MetaData()
    return DocumentRegistry(documents_table(metadata), document_counters_table(metadata), key)


class TestCheckCodes:
    def test_a_code_depends_on_every_part_and_on_the_key(self) -> None:
        one = registry(b"k" * 32)
        code = one.code("transfer_letter", "JS2026000001", "石山村支部", date(2026, 11, 2))

        assert len(normalize_code(code)) == 16
        assert code == one.code("transfer_letter", "JS2026000001", "石山村支部", date(2026, 11, 2))
        others = {
            one.code("membership_certificate", "JS2026000001", "石山村支部", date(2026, 11, 2)),
            one.code("transfer_letter", "JS2026000002", "石山村支部", date(2026, 11, 2)),
            one.code("transfer_letter", "JS2026000001", "東村支部", date(2026, 11, 2)),
            one.code("transfer_letter", "JS2026000001", "石山村支部", date(2026, 11, 3)),
            registry(b"j" * 32).code("transfer_letter", "JS2026000001", "石山村支部", date(2026, 11, 2)),
        }
        assert code not in others
        assert len(others) == 5

    def test_a_short_key_is_refused(self) -> None:
        with pytest.raises(ValueError, match="16 bytes"):
            registry(b"short")


def _renderer(folder: Path, script: str) -> str:
    path = folder / "fake-browser"
    path.write_text(f"#!/bin/sh\n{script}\n")
    path.chmod(0o755)
    return str(path)


class TestRenderer:
    async def test_no_renderer_is_a_503_problem(self) -> None:
        with pytest.raises(Problem) as raised:
            await html_to_pdf(PAGE, renderer="no-such-browser-here", timeout_s=5)
        assert (raised.value.status, raised.value.slug) == (503, "renderer-unavailable")

    async def test_a_renderer_over_its_limit_is_killed(self, tmp_path: Path) -> None:
        started = time.monotonic()
        with pytest.raises(Problem) as raised:
            await html_to_pdf(PAGE, renderer=_renderer(tmp_path, "exec sleep 600"), timeout_s=0.2)
        assert (raised.value.status, raised.value.slug) == (503, "rendering-failed")
        assert time.monotonic() - started < 300  # killed at its limit, not waited out (600 s)

    async def test_a_renderer_that_prints_nothing_fails_clearly(self, tmp_path: Path) -> None:
        with pytest.raises(Problem) as raised:
            await html_to_pdf(PAGE, renderer=_renderer(tmp_path, "exit 0"), timeout_s=30)
        assert raised.value.slug == "rendering-failed"
