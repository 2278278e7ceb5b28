"""kit.tables and kit.sheets: a table file read within limits checked before parsing (the zip's
directory) and while parsing (rows, columns, cells, shared strings), in a worker process capped
in memory and time and killed with its caller; normal files read as openpyxl reads them."""

import asyncio
import csv
import io
import os
import time
import tracemalloc
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from services.kit.tables import TableFormat, TableLimits, TableTooLarge, TableUnreadable, parse_table, read_table
from tests.workbooks import (
    MAIN,
    SHEET_HEAD,
    SHEET_TAIL,
    STRINGS_HEAD,
    STRINGS_TAIL,
    huge_shared_strings,
    one_long_row,
    sheet_of,
    workbook,
)

# Limits that let a bomb past the checks of the zip's directory, to show the parse's own counts.
PAST_THE_DIRECTORY = TableLimits(max_uncompressed_bytes=2**40, max_compression_ratio=10**9)


def refused(data: bytes, fmt: TableFormat, limits: TableLimits) -> TableTooLarge:
    with pytest.raises(TableTooLarge) as caught:
        parse_table(data, fmt, limits)
    return caught.value


def csv_of(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


class TestBeforeParsing:
    def test_a_part_that_unzips_to_hundreds_of_times_its_size_is_refused(self) -> None:
        assert refused(one_long_row(3_000_000), TableFormat.xlsx, TableLimits()).limit == "max_compression_ratio"
        assert refused(huge_shared_strings(174), TableFormat.xlsx, TableLimits()).limit == "max_compression_ratio"

    def test_the_unzipped_total_is_bounded(self) -> None:
        limits = TableLimits(max_uncompressed_bytes=10 * 1024 * 1024, max_compression_ratio=10**9)
        error = refused(huge_shared_strings(20), TableFormat.xlsx, limits)
        assert (error.limit, error.maximum) == ("max_uncompressed_bytes", 10 * 1024 * 1024)

    def test_the_number_of_parts_is_bounded(self) -> None:
        error = refused(workbook(sheet_of([["a"]]), extra=30), TableFormat.xlsx, TableLimits(max_zip_entries=20))
        assert (error.limit, error.maximum) == ("max_zip_entries", 20)


class TestWhileParsing:
    def test_a_row_of_three_million_cells_stops_at_the_column_limit_in_little_time_and_memory(self) -> None:
        bomb = one_long_row(3_000_000)
        tracemalloc.start()
        started = time.monotonic()
        try:
            error = refused(bomb, TableFormat.xlsx, PAST_THE_DIRECTORY)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert (error.limit, error.maximum) == ("max_columns", 64)
        assert time.monotonic() - started < 5
        assert peak < 20 * 1024 * 1024

    def test_cells_repeating_one_reference_still_count_as_columns(self) -> None:
        row = "<row>" + '<c r="A1" t="n"><v>1</v></c>' * 100 + "</row>"
        assert refused(workbook([SHEET_HEAD, row, SHEET_TAIL]), TableFormat.xlsx, TableLimits()).limit == "max_columns"

    def test_a_cell_referenced_far_to_the_right_passes_the_column_limit(self) -> None:
        row = '<row><c r="XFD1" t="n"><v>1</v></c></row>'
        assert refused(workbook([SHEET_HEAD, row, SHEET_TAIL]), TableFormat.xlsx, TableLimits()).limit == "max_columns"

    def test_a_huge_shared_strings_table_stops_at_its_count(self) -> None:
        bomb = huge_shared_strings(174)
        tracemalloc.start()
        try:
            error = refused(bomb, TableFormat.xlsx, replace(PAST_THE_DIRECTORY, max_shared_strings=100_000))
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert (error.limit, error.maximum) == ("max_shared_strings", 100_000)
        assert peak < 50 * 1024 * 1024

    @pytest.mark.parametrize("fmt", list(TableFormat))
    def test_rows_and_cells_are_bounded_in_both_formats(self, fmt: TableFormat) -> None:
        rows = [["header", "b"]] + [["x", "y"]] * 11

        def data(rows: list[list[str]]) -> bytes:
            return csv_of(rows) if fmt == TableFormat.csv else workbook(sheet_of(rows))

        assert len(parse_table(data(rows), fmt, TableLimits(max_rows=11))) == 12
        assert refused(data(rows), fmt, TableLimits(max_rows=10)).limit == "max_rows"
        assert refused(data(rows), fmt, TableLimits(max_cells=23)).limit == "max_cells"
        assert refused(data([["a"] * 65]), fmt, TableLimits()).limit == "max_columns"

    def test_a_row_far_below_counts_the_rows_before_it(self) -> None:
        row = '<row r="30000"><c t="inlineStr"><is><t>late</t></is></c></row>'
        assert refused(workbook([SHEET_HEAD, row, SHEET_TAIL]), TableFormat.xlsx, TableLimits()).limit == "max_rows"

    def test_a_document_type_declaration_is_refused_unread(self) -> None:
        laughs = (
            '<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
            f'<sst xmlns="{MAIN}"><si><t>&b;</t></si></sst>'
        )
        data = workbook(sheet_of([["a"]]), [laughs])
        with pytest.raises(TableUnreadable):
            parse_table(data, TableFormat.xlsx, TableLimits())

    def test_a_damaged_file_is_unreadable(self) -> None:
        for data, fmt in ((b"PK\x03\x04 not really a zip", TableFormat.xlsx), (b"a\n" + b"x" * 200_000, TableFormat.csv)):
            with pytest.raises(TableUnreadable):
                parse_table(data, fmt, TableLimits())


def test_cells_read_as_openpyxl_reads_them() -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["姓名", "日期", "數", "布爾", "公式", None, "尾"])
    sheet.append(["𠮷田 ", date(1960, 5, 3), 440102, True, "=SUM(A1:B2)", None, 1.5])
    sheet.append([])
    sheet.append([None, datetime(2020, 1, 2, 3, 4), 1e17, False, "  ", 3.0, "x"])
    sheet["J7"] = "far"
    buffer = io.BytesIO()
    book.save(buffer)

    def text(value: object) -> str | None:
        if isinstance(value, datetime):
            return value.date().isoformat()
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return (str(value).strip() or None) if value is not None else None

    opened = load_workbook(io.BytesIO(buffer.getvalue()), read_only=True)
    expected = [[text(v) for v in row] for row in opened.worksheets[0].iter_rows(values_only=True)]
    opened.close()

    read = parse_table(buffer.getvalue(), TableFormat.xlsx, TableLimits())

    assert [row + [None] * (len(expected[0]) - len(row)) for row in read] == expected
    assert read[1] == ["𠮷田", "1960-05-03", "440102", "True", "=SUM(A1:B2)", None, "1.5"]


def test_shared_strings_and_csv_in_gb18030_read_as_text() -> None:
    strings = [
        STRINGS_HEAD,
        "<si><t>黨員</t></si><si><r><t>王</t></r><r><t>小明</t></r><rPh><t>おう</t></rPh></si>",
        STRINGS_TAIL,
    ]
    sheet = [SHEET_HEAD, '<row><c t="s"><v>0</v></c><c t="s"><v>1</v></c></row>', SHEET_TAIL]
    assert parse_table(workbook(sheet, strings), TableFormat.xlsx, TableLimits()) == [["黨員", "王小明"]]
    assert parse_table("姓名,性别\n张三,男\n".encode("gb18030"), TableFormat.csv, TableLimits()) == [
        ["姓名", "性别"],
        ["张三", "男"],
    ]


def _children() -> set[int]:
    """This process's table-reading workers it started and has not reaped (in a whole run the
    suite's live processes are children of this process too: they are not counted)."""
    found: set[int] = set()
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        found |= {int(pid) for pid in (task / "children").read_text().split()}
    return {pid for pid in found if _is_table_worker(pid)}


def _is_table_worker(pid: int) -> bool:
    try:
        return b"services.kit.tables" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:  # reaped meanwhile
        return False


class TestWorker:
    async def test_the_worker_reads_a_file_and_refuses_as_the_parse_does(self) -> None:
        assert await read_table(csv_of([["a", "b"], ["c", ""]]), TableFormat.csv, TableLimits()) == [["a", "b"], ["c", None]]
        with pytest.raises(TableTooLarge) as caught:
            await read_table(one_long_row(3_000_000), TableFormat.xlsx, PAST_THE_DIRECTORY)
        assert caught.value.limit == "max_columns"
        with pytest.raises(TableUnreadable):
            await read_table(b"PK\x03\x04 broken", TableFormat.xlsx, TableLimits())

    async def test_a_file_needing_more_memory_than_the_cap_is_refused(self) -> None:
        one_wide_row = b"," * (40 * 1024 * 1024)  # forty million empty cells in one list
        limits = TableLimits(max_columns=10**9, max_cells=10**9, memory_bytes=256 * 1024 * 1024)
        with pytest.raises(TableTooLarge) as caught:
            await read_table(one_wide_row, TableFormat.csv, limits)
        assert (caught.value.limit, caught.value.maximum) == ("memory_bytes", 256 * 1024 * 1024)
        assert _children() == set()

    async def test_a_read_past_its_time_is_killed_and_refused(self) -> None:
        # Far more than a worker reads in the limit even on a quiet machine (100 000 rows fit in
        # 0.3 s there: the test passed only under load).
        many = csv_of([["x"] * 20] * 400_000)
        with pytest.raises(TableTooLarge) as caught:
            await read_table(many, TableFormat.csv, TableLimits(max_rows=10**6, max_cells=10**9, seconds=0.1))
        assert (caught.value.limit, caught.value.maximum) == ("seconds", 0.1)
        assert _children() == set()

    async def test_a_cancelled_read_kills_its_worker(self) -> None:
        many = csv_of([["x"] * 20] * 200_000)
        reading = asyncio.create_task(read_table(many, TableFormat.csv, TableLimits(max_rows=10**6, max_cells=10**9)))
        deadline = time.monotonic() + 10
        while not _children():
            assert time.monotonic() < deadline
            await asyncio.sleep(0.01)
        reading.cancel()
        with pytest.raises(asyncio.CancelledError):
            await reading
        assert _children() == set()
