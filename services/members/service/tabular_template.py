"""The import template people fill in: the columns in the reader's script, a dropdown (data
validation) for every coded column with the labels `/meta/enums` serves, an example row the import
skips, and a sheet of instructions. As csv: the header and the example row.
"""

# ruff: noqa: RUF001 - Chinese text takes full-width punctuation

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from services.kit.script import Script, in_script, label
from services.members.enums import ENUM_LABELS, Education, Occupation, PartyStatus, Sex, TabularFormat, Whereabouts
from services.members.service.tabular_rows import COLUMNS, header_in

# The example row (Traditional script; shown in the reader's). Its name marks it: the import skips
# a row with this name, so a template filled in below the example imports as it is.
EXAMPLE_NAME = "示例：張三（導入時忽略此行）"
EXAMPLE: dict[str, str] = {
    "name": EXAMPLE_NAME,
    "sex": Sex.male,
    "ethnicity": "漢族",
    "id_number": "110105198003151234",  # GB 11643 with its MOD 11-2 check character
    "birth_date": "1980-03-15",
    "phone": "13800000000",
    "education": Education.bachelor,
    "occupation": Occupation.farmer,
    "party_status": PartyStatus.full,
    "joined_on": "2005-07-01",
    "full_on": "2006-07-01",
    "org_id": "某縣/某鎮/某村黨總支/第一黨支部",
    "whereabouts": Whereabouts.resident,
}
_EXAMPLE_NAMES = {EXAMPLE_NAME, in_script(EXAMPLE_NAME, Script.hans)}

INSTRUCTIONS: tuple[str, ...] = (
    "填寫說明",
    "1. 在「黨員」表第3行起每行填一名黨員；第2行是示例，導入時忽略，可保留或刪除。",
    "2. 帶下拉框的列（性別、學歷、職業類別、黨員類別、去向）請從下拉框中選擇；繁體、簡體均可識別。",
    "3. 日期寫作 年-月-日，如 1980-03-15。",
    "4. 身份證號碼為18位（末位可為X），須與出生日期、性別一致。",
    "5. 「所在黨組織」填黨組織代碼，或名稱路徑，如 某縣/某鎮/某村黨總支/第一黨支部；"
    "路徑可只寫末尾幾級，只要能唯一確定。黨員須落在黨支部（未設支部的社區黨組織除外）。",
    "6. 正式黨員須填轉正日期，預備黨員不填。",
    "7. 去向為「組織關係未轉入」須填組織關係所在單位，「外出流動」須填外出地點，「拆遷過渡在外」須填臨時住址。",
    "8. 導入時檢查所有行：有任何問題則不寫入任何記錄，並逐行列出全部問題；可先選「只檢查不導入」（dry_run=true）。",
)


def is_example(fields: list[str | None], cells: list[str | None]) -> bool:
    """Whether a row of a file is the template's example row."""
    return "name" in fields and (at := fields.index("name")) < len(cells) and cells[at] in _EXAMPLE_NAMES


def _example_cells(script: Script) -> list[str]:
    cells = []
    for name, _hant, _hans, enum in COLUMNS:
        value = EXAMPLE.get(name, "")
        cells.append(label(ENUM_LABELS[enum][value], script) if enum and value else in_script(value, script))
    return cells


def template(fmt: TabularFormat, script: Script) -> bytes:
    headers = [str(header_in(name, script)) for name, _hant, _hans, _enum in COLUMNS]
    if fmt == TabularFormat.csv:
        out = io.StringIO()
        csv.writer(out).writerows([headers, _example_cells(script)])
        return ("\ufeff" + out.getvalue()).encode()  # the BOM makes Excel read UTF-8
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)  # a new workbook always has its first sheet
    sheet.title = in_script("黨員", script)
    sheet.append(headers)
    sheet.append(_example_cells(script))
    sheet.freeze_panes = "A3"
    for column in range(1, len(headers) + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 16
        sheet.cell(row=1, column=column).font = Font(bold=True)
        sheet.cell(row=2, column=column).fill = PatternFill("solid", fgColor="EEEEEE")
    _dropdowns(book, sheet, script)
    notes = book.create_sheet(in_script("填寫說明", script))
    for line in INSTRUCTIONS:
        notes.append([in_script(line, script)])
    notes.column_dimensions["A"].width = 120
    notes["A1"].font = Font(bold=True)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _dropdowns(book: Workbook, sheet: Worksheet, script: Script) -> None:
    """A list validation on each coded column, its values on a hidden sheet of the labels."""
    values = book.create_sheet(in_script("代碼表", script))
    values.sheet_state = "hidden"
    coded = [(index, name, enum) for index, (name, _h, _s, enum) in enumerate(COLUMNS, start=1) if enum]
    for held, (index, name, enum) in enumerate(coded, start=1):
        labels = [label(labels, script) for labels in ENUM_LABELS[enum].values()]
        column = get_column_letter(held)
        values[f"{column}1"] = header_in(name, script)
        for row, text in enumerate(labels, start=2):
            values[f"{column}{row}"] = text
        source = f"={quote_sheetname(values.title)}!${column}$2:${column}${len(labels) + 1}"
        validation = DataValidation(type="list", formula1=source, allow_blank=True, showErrorMessage=True)
        validation.error = in_script(f"請從下拉框中選擇：{'、'.join(labels)}", script)
        validation.errorTitle = in_script("取值無效", script)
        target = get_column_letter(index)
        validation.add(f"{target}2:{target}10000")
        sheet.add_data_validation(validation)
