"""The pure rules of the spreadsheets, tested directly."""

import pytest

from services.members.rules import tabular as rules


class TestPresentation:
    @pytest.mark.parametrize("text", ["=HYPERLINK(1)", "+1", "-1", "@SUM(A1)"])
    def test_cells_that_could_run_are_quoted(self, text: str) -> None:
        assert rules.escape_cell(text) == "'" + text
