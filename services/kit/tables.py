"""Bounded reading of an uploaded table (csv or xlsx) into rows of text cells, in a worker process.

An uploaded spreadsheet is input from outside: a 150 KB xlsx can unzip to 63 MB of one row of
three million cells, and a parser that trusts it takes the whole process down. So a file is read

- in a child process of its own (`read_table`), capped in address space and in time and killed
  when its request goes away, at most `parallel_reads` at once per process: the event loop and
  every other request never wait for a parse, and a bomb costs the child, not the service;
- against `TableLimits`, checked before parsing (the zip's central directory: entries, sizes,
  compression ratios) and while parsing (rows, columns, cells, shared strings), streaming: the
  workbook is never loaded whole (`services.kit.sheets` reads its XML part by part).

A limit passed is `TableTooLarge` naming it; a file that is not what it says is
`TableUnreadable`. The numbers are the caller's (a service's policy); nothing here knows what the
rows mean.
"""

import asyncio
import csv
import io
import logging
import resource
import signal
import sys
import weakref
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from enum import StrEnum

import orjson

logger = logging.getLogger("kit.tables")

Row = list[str | None]


class TableFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"


@dataclass(frozen=True)
class TableLimits:
    """What one file may hold and cost. Row counts do not include the header row."""

    max_rows: int = 20_000
    max_columns: int = 64
    max_cells: int = 2_000_000
    max_uncompressed_bytes: int = 256 * 1024 * 1024  # all the zip's entries together
    max_compression_ratio: int = 200  # per entry of more than RATIO_FLOOR bytes unzipped
    max_zip_entries: int = 1_000
    max_shared_strings: int = 1_000_000
    memory_bytes: int = 1024 * 1024 * 1024  # the worker's address space
    seconds: float = 60.0  # the worker's wall clock
    parallel_reads: int = 2  # workers at once in one process; more wait their turn


# A small entry may compress as well as it likes: the ratio is checked from this size on.
RATIO_FLOOR = 1024 * 1024


class TableTooLarge(Exception):
    """The file passes `limit` (a field of `TableLimits`), whose value is `maximum`."""

    def __init__(self, limit: str, maximum: float, detail: str) -> None:
        super().__init__(detail)
        self.limit, self.maximum, self.detail = limit, maximum, detail


class TableUnreadable(Exception):
    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class Counter:
    """Counts rows, columns and cells as they are read, refusing at the first one past a limit."""

    def __init__(self, limits: TableLimits) -> None:
        self.limits = limits
        self.rows = 0
        self.cells = 0

    def row(self, cells: int) -> None:
        """One more row (the header is the first) of `cells` cells."""
        limits = self.limits
        self.rows += 1
        if self.rows > limits.max_rows + 1:
            raise TableTooLarge("max_rows", limits.max_rows, f"A file may carry at most {limits.max_rows} rows")
        self.column(cells)
        self.cells += cells
        if self.cells > limits.max_cells:
            raise TableTooLarge("max_cells", limits.max_cells, f"A file may carry at most {limits.max_cells} cells")

    def column(self, number: int) -> None:
        """A cell in column `number` (1 is the first)."""
        if number > self.limits.max_columns:
            maximum = self.limits.max_columns
            raise TableTooLarge("max_columns", maximum, f"A row may have at most {maximum} columns")


def read_csv(data: bytes, limits: TableLimits) -> list[Row]:
    """The rows of a csv file in UTF-8 (with Excel's BOM or without), else GB18030 as Excel on
    Chinese Windows writes it; decoded as it is read, never held as one string."""
    try:
        return list(_csv_rows(data, "utf-8-sig", limits))
    except UnicodeDecodeError:
        pass
    try:
        return list(_csv_rows(data, "gb18030", limits))
    except UnicodeDecodeError:
        raise TableUnreadable("The file is neither UTF-8 nor GB18030 text") from None


def _csv_rows(data: bytes, encoding: str, limits: TableLimits) -> Iterator[Row]:
    counter = Counter(limits)
    text = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
    try:
        for cells in csv.reader(text):
            counter.row(len(cells))
            # A csv cell is text already: stripped inline (a call per cell was a third of reading a large file).
            yield [c.strip() or None for c in cells]
    except csv.Error:
        raise TableUnreadable("The file is not a csv file that can be read") from None


def parse_table(data: bytes, fmt: TableFormat, limits: TableLimits) -> list[Row]:
    """The file's rows (header first) as text cells, in this process: what the worker runs."""
    if fmt == TableFormat.csv:
        return read_csv(data, limits)
    from services.kit.sheets import read_xlsx  # only the xlsx worker pays for its imports

    return read_xlsx(data, limits)


# The worker's answer: exit 0 with JSON documents on stdout, one a line — the rows, a part at a
# time, or why not — or this code when its memory ran out.
_OUT_OF_MEMORY = 3
# Rows a line: decoding one part is short enough that other requests get the loop between parts
# (100 000 rows as one document held it for 0.2-3 s, depending on the machine's load).
_ROWS_A_LINE = 2_000
_WORKER = "import sys; from services.kit.tables import worker_main; sys.exit(worker_main(*sys.argv[1:]))"
_slots: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore]" = weakref.WeakKeyDictionary()


async def read_table(data: bytes, fmt: TableFormat, limits: TableLimits) -> list[Row]:
    """The file's rows (header first) as text cells, read by a worker process of its own.

    The worker is a fresh interpreter (no fork of this process's threads and sockets); its
    address space is capped with RLIMIT_AS and its CPU time with RLIMIT_CPU, and it is killed at
    `limits.seconds` or as soon as the caller is cancelled (a request that timed out or went away
    stops its parse with it)."""
    loop = asyncio.get_running_loop()
    slots = _slots.setdefault(loop, asyncio.Semaphore(limits.parallel_reads))
    async with slots:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            _WORKER,
            fmt.value,
            orjson.dumps(asdict(limits)).decode(),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            # Its errors may quote the file's cells (personal data): never kept or logged.
            stderr=asyncio.subprocess.DEVNULL,
        )
        try:
            async with asyncio.timeout(limits.seconds):
                out, _ = await process.communicate(data)
        except TimeoutError:
            raise _too_slow(limits) from None
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
    return await _answer(process.returncode, out, limits)


def _too_slow(limits: TableLimits) -> TableTooLarge:
    return TableTooLarge("seconds", limits.seconds, f"The file takes longer than {limits.seconds:g} s to read")


async def _answer(code: int | None, out: bytes, limits: TableLimits) -> list[Row]:
    if code == -signal.SIGXCPU:
        raise _too_slow(limits)
    # MemoryError caught, or an allocation that failed where Python cannot raise (abort), or the
    # kernel's OOM killer: the file needs more than the worker may have.
    if code in (_OUT_OF_MEMORY, -signal.SIGABRT, -signal.SIGKILL):
        maximum = limits.memory_bytes
        raise TableTooLarge("memory_bytes", maximum, f"The file needs more than {maximum} bytes of memory to read")
    if code != 0:
        logger.error("table worker failed", extra={"exit_code": code})
        raise RuntimeError(f"the table worker exited with {code}")
    rows: list[Row] = []
    for line in out.splitlines():
        answer = orjson.loads(line)
        if "too_large" in answer:
            limit, maximum, detail = answer["too_large"]
            raise TableTooLarge(limit, maximum, detail)
        if "unreadable" in answer:
            raise TableUnreadable(answer["unreadable"])
        rows += answer["rows"]
        await asyncio.sleep(0)
    return rows


def worker_main(fmt: str, limits_json: str) -> int:
    """The child: caps itself, reads the file from stdin, writes its rows (or why not) to stdout."""
    limits = TableLimits(**orjson.loads(limits_json))
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    cpu = int(limits.seconds) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    try:
        data = sys.stdin.buffer.read()
        answers: list[dict[str, object]]
        try:
            rows = parse_table(data, TableFormat(fmt), limits)
            answers = [{"rows": rows[at : at + _ROWS_A_LINE]} for at in range(0, len(rows), _ROWS_A_LINE)]
        except TableTooLarge as error:
            answers = [{"too_large": [error.limit, error.maximum, error.detail]}]
        except TableUnreadable as error:
            answers = [{"unreadable": error.detail}]
        del data
        out = sys.stdout.buffer
        for answer in answers:
            out.write(orjson.dumps(answer) + b"\n")  # orjson writes a newline in a string as \n
        out.flush()
    except MemoryError:
        return _OUT_OF_MEMORY
    return 0
