"""The demo load's progress on stderr: a bar redrawn in place on a terminal, a line every tenth
elsewhere (a log file, CI), so that a load of several minutes is never silent."""

import sys
from typing import TextIO

WIDTH = 30


class Progress:
    """Counts the requests a load makes against the number it will make."""

    def __init__(self, total: int, stream: TextIO | None = None) -> None:
        self.total = max(total, 1)
        self.done = 0
        self.stream = stream if stream is not None else sys.stderr
        self.live = self.stream.isatty()
        self._tenths_shown = -1
        self.phase = ""

    def start(self, phase: str) -> None:
        self.phase = phase
        self._show(force=True)

    def advance(self, count: int = 1) -> None:
        self.done = min(self.done + count, self.total)
        self._show()

    def finish(self) -> None:
        self.done = self.total
        self.phase = "done"
        self._show(force=True)
        if self.live:
            self.stream.write("\n")
            self.stream.flush()

    def line(self) -> str:
        filled = WIDTH * self.done // self.total
        percent = 100 * self.done // self.total
        return f"[{'#' * filled}{'.' * (WIDTH - filled)}] {percent:3d}%  {self.done}/{self.total}  {self.phase}"

    def _show(self, *, force: bool = False) -> None:
        if self.live:
            self.stream.write("\r" + self.line().ljust(WIDTH + 60))
            self.stream.flush()
            return
        tenths = 10 * self.done // self.total
        if force or tenths > self._tenths_shown:
            self._tenths_shown = tenths
            self.stream.write(self.line() + "\n")
            self.stream.flush()
