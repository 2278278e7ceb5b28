"""The demo load's progress: never silent for minutes, a line per tenth in a log, a bar on a terminal."""

import io
from datetime import date

from stack.demo.generate import generate
from stack.demo.load import planned_requests
from stack.demo.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_in_a_log_a_line_every_tenth_and_each_phase() -> None:
    out = io.StringIO()
    progress = Progress(200, out)
    progress.start("members (import)")
    for _ in range(200):
        progress.advance()
    progress.finish()

    lines = out.getvalue().splitlines()
    assert lines[0] == "[..............................]   0%  0/200  members (import)"
    assert [line.split()[1] for line in lines[1:11]] == [f"{p}%" for p in range(10, 101, 10)]
    assert lines[-1].endswith("200/200  done")
    assert len(lines) == 12


def test_on_a_terminal_one_bar_redrawn_in_place() -> None:
    out = Terminal()
    progress = Progress(4, out)
    progress.start("activities")
    progress.advance(3)

    assert "\n" not in out.getvalue()
    assert out.getvalue().rsplit("\r", 1)[1].startswith("[######################........]  75%  3/4  activities")


def test_the_plan_counts_every_item_the_load_posts_or_imports() -> None:
    district = generate(seed=7, scale=0.05, as_of=date(2026, 6, 30))
    planned = planned_requests(district)
    assert planned > len(district.members) + len(district.activities)
