"""The first sheet of an xlsx workbook as rows of text cells, streamed within `TableLimits`.

An xlsx is a zip of XML parts. Its central directory is checked before any part is opened
(entries, each entry's and all entries' unzipped size, compression ratios); then the parts the
rows need (workbook, relationships, styles, shared strings, the sheet) are parsed as streams of
elements (defusedxml: no DTD, no entities), each element dropped once read, counting rows,
columns, cells and shared strings as they come and stopping at the first limit passed. The zip
reader itself never unzips more than an entry declares (it stops there and the CRC fails), so the
directory's sizes bound the work.

Cells come as openpyxl gives them to a reader that keeps formulas (`data_only=False`): a formula
as its text, a date-formatted number as an ISO date, whole numbers without a decimal point; then
stripped, an empty cell None. Only the parse runs in the worker of `kit.tables`.

`write_xlsx` is the other way: named sheets of rows as a workbook, every text cell escaped so
that it cannot run as a formula and written in the reader's script.
"""

import io
import posixpath
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import IO
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from openpyxl import Workbook

from services.kit.script import Script, in_script
from services.kit.tables import RATIO_FLOOR, Counter, Row, TableLimits, TableTooLarge, TableUnreadable

# What a damaged or disguised workbook raises while it is read (zipfile's RuntimeError: an
# encrypted entry; NotImplementedError: a compression it does not know).
_DAMAGED = (
    zipfile.BadZipFile,
    zlib.error,
    ParseError,
    DefusedXmlException,
    KeyError,
    ValueError,
    IndexError,
    EOFError,
    RuntimeError,
    NotImplementedError,
)

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value: str) -> str:
    """A cell that cannot run as a formula: text starting with = + - @ (or a tab, a return) gets a quote."""
    return "'" + value if value[:1] in _FORMULA_STARTS else value


def write_xlsx(sheets: Sequence[tuple[str, Sequence[Sequence[object]]]], script: Script) -> bytes:
    """A workbook of `(title, rows)` sheets; titles and text cells written in Traditional are
    given in `script`, and every text cell escaped (`escape_cell`)."""
    book = Workbook(write_only=True)
    for title, rows in sheets:
        sheet = book.create_sheet(in_script(title, script)[:31])
        for row in rows:
            sheet.append([escape_cell(in_script(c, script)) if isinstance(c, str) else c for c in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read_xlsx(data: bytes, limits: TableLimits) -> list[Row]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_directory(archive, limits)
            return _Workbook(archive, limits).rows()
    except _DAMAGED:
        raise TableUnreadable("The file is not an xlsx workbook that can be read") from None


def check_directory(archive: zipfile.ZipFile, limits: TableLimits) -> None:
    """The zip's own account of itself, before anything is unzipped."""
    entries = archive.infolist()
    if len(entries) > limits.max_zip_entries:
        maximum = limits.max_zip_entries
        raise TableTooLarge("max_zip_entries", maximum, f"A workbook may hold at most {maximum} parts")
    if sum(entry.file_size for entry in entries) > limits.max_uncompressed_bytes:
        maximum = limits.max_uncompressed_bytes
        raise TableTooLarge("max_uncompressed_bytes", maximum, f"A workbook may unzip to at most {maximum} bytes")
    ratio = limits.max_compression_ratio
    for entry in entries:
        if entry.file_size > RATIO_FLOOR and entry.file_size > ratio * max(entry.compress_size, 1):
            raise TableTooLarge(
                "max_compression_ratio", ratio, f"A part of the workbook unzips to more than {ratio} times its size"
            )


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _attribute(element: Element, name: str) -> str | None:
    """An attribute by its local name, whatever its namespace (r:id)."""
    for key, value in element.attrib.items():
        if _local(key) == name:
            return value
    return None


def _elements(part: IO[bytes], events: tuple[str, ...] = ("end",)) -> Iterator[tuple[str, Element]]:
    return iter(iterparse(part, events=events, forbid_dtd=True))


class _Workbook:
    def __init__(self, archive: zipfile.ZipFile, limits: TableLimits) -> None:
        self.archive, self.limits = archive, limits
        self.names = set(archive.namelist())

    def rows(self) -> list[Row]:
        book = self._relations("").get("officeDocument", {})
        book_path = next(iter(book.values()), "xl/workbook.xml")
        sheet_id, date1904 = self._first_sheet(book_path)
        related = self._relations(book_path)
        sheet_path = related.get("worksheet", {}).get(sheet_id or "")
        if sheet_path is None:
            raise TableUnreadable("The workbook has no sheet")
        strings = self._shared_strings(next(iter(related.get("sharedStrings", {}).values()), None))
        dates = self._date_styles(next(iter(related.get("styles", {}).values()), None))
        cells = _Cells(strings, dates, date1904)
        with self.archive.open(sheet_path) as part:
            return _sheet_rows(part, cells, self.limits)

    def _relations(self, path: str) -> dict[str, dict[str, str]]:
        """The part's relationships: type (last word) → id → the target's path in the zip."""
        folder, _, name = path.rpartition("/")
        rels = posixpath.join(folder, "_rels", f"{name}.rels")
        found: dict[str, dict[str, str]] = {}
        if rels not in self.names:
            return found
        with self.archive.open(rels) as part:
            for _, element in _elements(part):
                if _local(element.tag) == "Relationship":
                    target = element.get("Target", "")
                    absolute = target.startswith("/")
                    resolved = target.lstrip("/") if absolute else posixpath.normpath(posixpath.join(folder, target))
                    kind = element.get("Type", "").rpartition("/")[2]
                    found.setdefault(kind, {})[element.get("Id", "")] = resolved
        return found

    def _first_sheet(self, path: str) -> tuple[str | None, bool]:
        date1904 = False
        with self.archive.open(path) as part:
            for _, element in _elements(part):
                tag = _local(element.tag)
                if tag == "workbookPr":
                    date1904 = element.get("date1904", "").lower() in ("1", "true")
                elif tag == "sheet":
                    return _attribute(element, "id"), date1904
        return None, date1904

    def _shared_strings(self, path: str | None) -> list[str]:
        strings: list[str] = []
        if path is None or path not in self.names:
            return strings
        maximum = self.limits.max_shared_strings
        root: Element | None = None
        with self.archive.open(path) as part:
            for event, element in _elements(part, ("start", "end")):
                if event == "start":
                    root = element if root is None else root
                    continue
                if _local(element.tag) == "si":
                    strings.append(_text(element))
                    if len(strings) > maximum:
                        detail = f"A workbook may hold at most {maximum} shared strings"
                        raise TableTooLarge("max_shared_strings", maximum, detail)
                    if root is not None:
                        root.clear()  # the strings read so far are kept as text, not as elements
        return strings

    def _date_styles(self, path: str | None) -> dict[int, bool]:
        """Cell style index → whether its number format shows a date (True) or a duration."""
        if path is None or path not in self.names:
            return {}
        formats: dict[int, str] = {}
        cell_styles: list[int] = []
        inside = False
        with self.archive.open(path) as part:
            for event, element in _elements(part, ("start", "end")):
                tag = _local(element.tag)
                if tag == "cellXfs":
                    inside = event == "start"
                elif event == "end" and tag == "numFmt":
                    formats[int(element.get("numFmtId", "0"))] = element.get("formatCode", "")
                elif event == "end" and tag == "xf" and inside:
                    cell_styles.append(int(element.get("numFmtId", "0")))
                    element.clear()
        if not any(cell_styles):
            return {}
        # openpyxl's own reading of number formats, so that a date reads as openpyxl reads it.
        from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format

        dates: dict[int, bool] = {}
        for index, format_id in enumerate(cell_styles):
            code = formats.get(format_id) or BUILTIN_FORMATS.get(format_id)
            if code and is_date_format(code):
                dates[index] = not is_timedelta_format(code)
        return dates


def _text(element: Element) -> str:
    """The text of a string item: its plain text or its runs, without phonetic hints (rPh)."""
    parts: list[str] = []
    for child in element:
        tag = _local(child.tag)
        if tag == "t":
            parts.append(child.text or "")
        elif tag == "r":
            parts.extend(t.text or "" for t in child if _local(t.tag) == "t")
    return "".join(parts)


class _Cells:
    """A cell element's value as text."""

    def __init__(self, strings: list[str], dates: dict[int, bool], date1904: bool) -> None:
        self.strings, self.dates = strings, dates
        if dates:
            from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

            self.epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900

    def value(self, cell: Element) -> str | None:
        kind = cell.get("t", "n")
        value: str | None = None
        formula: str | None = None
        inline: Element | None = None
        for child in cell:
            tag = _local(child.tag)
            if tag == "v":
                value = child.text
            elif tag == "f":
                formula = child.text
            elif tag == "is":
                inline = child
        raw: str | None
        if formula:
            raw = "=" + formula  # kept as the text it is, never evaluated
        elif kind == "inlineStr":
            raw = _text(inline) if inline is not None else None
        elif value is None:
            raw = None
        elif kind == "s":
            raw = self.strings[int(value)]
        elif kind == "b":
            raw = str(value.strip() not in ("0", "false"))
        elif kind == "d":
            raw = _iso_date(value)
        elif kind == "n":
            raw = self._number(value, int(cell.get("s", "0")))
        else:
            raw = value  # str (a formula's text result), e (an error such as #N/A)
        return (raw.strip() or None) if raw is not None else None

    def _number(self, value: str, style: int) -> str:
        number: float = float(value) if any(c in value for c in ".eE") else int(value)
        calendar_day = self.dates.get(style)
        if calendar_day is not None:
            from openpyxl.utils.datetime import from_excel

            shown = from_excel(number, self.epoch, timedelta=not calendar_day)
            return shown.date().isoformat() if isinstance(shown, datetime) else str(shown)
        if isinstance(number, float) and number.is_integer():
            return str(int(number))
        return str(number)


def _iso_date(value: str) -> str:
    try:
        return datetime.fromisoformat(value).date().isoformat()
    except ValueError:
        return value


def _column(reference: str | None) -> int | None:
    """The column number of a cell reference (A1 → 1, AB7 → 28)."""
    if not reference:
        return None
    number = 0
    for character in reference:
        if "A" <= character <= "Z":
            number = number * 26 + ord(character) - 64
        elif "a" <= character <= "z":
            number = number * 26 + ord(character) - 96
        else:
            break
    return number or None


def _sheet_rows(part: IO[bytes], cells: _Cells, limits: TableLimits) -> list[Row]:
    """The sheet's rows in order, an empty row where the sheet skips one; trailing empty rows
    left out. Each row is counted (and refused) as soon as its last cell is read; a row's cells
    are counted as they come, so a row of millions of cells stops at the column limit."""
    counter = Counter(limits)
    rows: list[Row] = []
    values: dict[int, str] = {}
    row_cells = 0  # cell elements in this row, whatever their references say
    column = 0
    next_row = 1
    sheet_data: Element | None = None
    for event, element in _elements(part, ("start", "end")):
        tag = _local(element.tag)
        if event == "start":
            if tag == "sheetData":
                sheet_data = element
            continue
        if tag == "c":
            row_cells += 1
            column = _column(element.get("r")) or column + 1
            counter.column(max(column, row_cells))
            value = cells.value(element)
            if value is not None:
                values[column] = value
            element.clear()
        elif tag == "row":
            given = element.get("r")
            number = int(given) if given and int(given) >= next_row else next_row
            if values:
                while len(rows) + 1 < number:
                    counter.row(0)
                    rows.append([])
                width = max(values)
                counter.row(width)
                rows.append([values.get(at) for at in range(1, width + 1)])
            next_row = number + 1
            values, row_cells, column = {}, 0, 0
            if sheet_data is not None:
                sheet_data.clear()  # the rows read so far are kept as lists, not as elements
        elif tag == "sheetData":
            break
    return rows
