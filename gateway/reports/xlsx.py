"""The survey report as an xlsx workbook: one sheet per table, and native Excel bar charts of the
age and education structure, rural against urban (openpyxl.chart)."""

# ruff: noqa: RUF001 - Chinese text takes full-width punctuation

from io import BytesIO

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.worksheet.worksheet import Worksheet

from gateway.reports.composition import Figure, SurveyReport
from gateway.reports.structure import CHARTS, Labels, chart_figures, scope_line
from services.kit.script import Script, in_script

SIDE_HEADERS = ("農村社區", "城市社區", "合計")


def _figures_sheet(sheet: Worksheet, report: SurveyReport) -> None:
    sheet.append(
        ["指標", "代碼", *[f"{side}{part}" for side in SIDE_HEADERS for part in ("人數", "基數", "比例%")], "相差(百分點)"]
    )
    for figure in report.figures:
        cells: list[object] = [figure.label, figure.key]
        for side in (figure.rural, figure.urban, figure.total):
            cells += [side.count, side.denominator, side.share]
        cells.append(figure.difference_points)
        sheet.append(cells)
    sheet.column_dimensions["A"].width = 36


def _structure_sheet(sheet: Worksheet, title: str, figures: list[Figure], script: Script) -> None:
    sheet.append(["指標", "農村社區%", "城市社區%", "相差(百分點)"])
    for figure in figures:
        sheet.append([figure.label, figure.rural.share, figure.urban.share, figure.difference_points])
    sheet.column_dimensions["A"].width = 36
    chart = BarChart()
    chart.type = "bar"
    chart.title = in_script(f"{title}：農村與城市社區", script)
    chart.y_axis.title = "%"
    data = Reference(sheet, min_col=2, max_col=3, min_row=1, max_row=len(figures) + 1)
    categories = Reference(sheet, min_col=1, min_row=2, max_row=len(figures) + 1)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(categories)
    chart.width, chart.height = 18, 9
    sheet.add_chart(chart, "F2")


def _mismatch_sheet(sheet: Worksheet, report: SurveyReport, labels: Labels) -> None:
    sheet.append(["社區", "類別", "黨組織", "現組織形式", "應有組織形式", "黨員數", "正式黨員數"])
    for item in report.form_mismatches:
        setting, kind, expected = labels.setting(item.setting), labels.kind(item.kind), labels.kind(item.expected_kind)
        sheet.append([item.community_name, setting, item.org_name, kind, expected, item.members, item.full_members])


def _cells_in_script(book: Workbook, script: Script) -> None:
    """Every text cell of the workbook (written in Traditional) in the reader's script."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.value = in_script(cell.value, script)


def workbook(report: SurveyReport, labels: Labels, script: Script) -> bytes:
    """The workbook in the reader's script: sheet names as they are made (the charts' references
    name them), the cells at the end."""
    book = Workbook()
    summary = book.active
    assert summary is not None  # a new workbook always has its first sheet
    summary.title = in_script("總表", script)
    _figures_sheet(summary, report)
    for title, keys in CHARTS:
        _structure_sheet(book.create_sheet(in_script(title, script)), title, chart_figures(report, keys), script)
    _mismatch_sheet(book.create_sheet(in_script("組織設置不符", script)), report, labels)
    meta = book.create_sheet(in_script("說明", script))
    meta.append(["範圍", scope_line(report)])
    meta.append(["統計日期", report.as_of.isoformat()])
    for name, value in report.parameters.model_dump(mode="json").items():
        meta.append([name, value if not isinstance(value, list) else ", ".join(value)])
    _cells_in_script(book, script)
    out = BytesIO()
    book.save(out)
    return out.getvalue()
