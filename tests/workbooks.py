"""xlsx workbooks made by hand, part by part, for the limits of file reading: bombs that are small
on disk and huge unzipped (one row of millions of cells, a shared-strings table of hundreds of
MB), and other hostile shapes. Each is a valid workbook openpyxl opens."""

import io
import zipfile
from collections.abc import Iterable

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
_SHEETML = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_SHEETML}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_SHEETML}.worksheet+xml"/>'
    f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_SHEETML}.sharedStrings+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE}">'
    f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}">'
    '<sheets><sheet name="黨員" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE}">'
    f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{RELATIONSHIPS}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)
SHEET_HEAD = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>'
SHEET_TAIL = "</sheetData></worksheet>"
STRINGS_HEAD = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">'
STRINGS_TAIL = "</sst>"


def workbook(sheet: Iterable[str], shared_strings: Iterable[str] = (STRINGS_HEAD, STRINGS_TAIL), *, extra: int = 0) -> bytes:
    """A workbook whose sheet and shared strings are the given pieces of XML, written as they come
    (so a part of hundreds of MB is never held); `extra` empty parts besides."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        for name, pieces in (("xl/worksheets/sheet1.xml", sheet), ("xl/sharedStrings.xml", shared_strings)):
            with archive.open(name, "w", force_zip64=True) as part:
                for piece in pieces:
                    part.write(piece.encode())
        for number in range(extra):
            archive.writestr(f"xl/media/empty{number}.bin", b"")
    return buffer.getvalue()


def sheet_of(rows: list[list[str]]) -> list[str]:
    """A sheet of inline-string cells."""
    body = "".join("<row>" + "".join(f'<c t="inlineStr"><is><t>{value}</t></is></c>' for value in row) + "</row>" for row in rows)
    return [SHEET_HEAD, body, SHEET_TAIL]


def one_long_row(cells: int) -> bytes:
    """One row of `cells` numeric cells: 3,000,000 of them unzip to 63 MB from about 150 KB."""
    block = '<c t="n"><v>1</v></c>' * 10_000
    return workbook([SHEET_HEAD, "<row>", *(block for _ in range(cells // 10_000)), "</row>", SHEET_TAIL])


def huge_shared_strings(megabytes: int) -> bytes:
    """A sheet of one cell and a shared-strings table of `megabytes` MB (ten million one-letter strings per 170 MB)."""
    block = "<si><t>x</t></si>" * 10_000  # 170 000 bytes
    count = megabytes * 1024 * 1024 // len(block)
    sheet = [SHEET_HEAD, '<row><c t="s"><v>0</v></c></row>', SHEET_TAIL]
    return workbook(sheet, [STRINGS_HEAD, *(block for _ in range(count)), STRINGS_TAIL])
