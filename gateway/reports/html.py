"""The survey report as a printable Chinese page laid out like the seed: the figures, then the
problems found with the organizations named, then the measures that apply — with inline SVG
charts of the age and education structure. Plain strings, every value escaped."""

# ruff: noqa: RUF001 - Chinese text takes full-width punctuation

import base64
import hashlib
from dataclasses import dataclass, field
from html import escape
from typing import Any

from gateway.reports.composition import Figure, SurveyReport
from gateway.reports.structure import CHARTS, Labels, chart_figures, scope_line
from gateway.reports.svg import bar_chart
from services.kit.script import Script, chinese, in_script

# The seed's measures (對策與措施), each shown when the figure it answers is found in the data.
MEASURES: tuple[tuple[str, str], ...] = (
    ("form_mismatches", "調整組織設置：黨員超過100名的社區建立社區黨委，50名以上的建立黨總支，做到黨員人數與組織形式相適應。"),
    ("team_members_aged_46_plus", "實施“領頭雁”工程，按“三個60%”標準選優配強社區班子，拓寬選人渠道，推進年輕化。"),
    ("team_members_college_or_above", "提高班子成員文化素質：組織學歷進修和區委黨校培訓，引進大學生社區工作者。"),
    ("reserve_cadres_college_or_above", "加強後備幹部隊伍建設，擴大後備幹部來源，優先選拔大專以上學歷的優秀青年。"),
    ("members_junior_high_or_below", "開展黨員學歷提升，45歲以下初中以下學歷黨員納入學歷進修計劃。"),
    ("members_aged_46_plus", "為老黨員、困難黨員開通“綠色通道”，開展上門送學、生活結對和工作幫扶。"),
    ("not_transferred", "摸清組織關係未轉入黨員底數，建立聯繫制度，督促及時轉接組織關係。"),
    ("floating_out", "加強流動黨員管理，定期聯繫，納入流入地黨組織活動。"),
    ("displaced", "對拆遷過渡在外黨員建立臨時聯繫點，保持經常性聯繫。"),
)


@dataclass(frozen=True)
class Problem:
    rule: str
    label: str
    org_name: str
    figures: dict[str, Any] = field(default_factory=dict)


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def _points(value: float | None) -> str:
    return "—" if value is None else f"{value:+.1f}"


def _figure_row(figure: Figure) -> str:
    cells = [escape(figure.label)]
    for side in (figure.rural, figure.urban, figure.total):
        cells.append(str(side.count))
        cells.append(_share(side.share) if side.denominator is not None else "")
    cells.append(_points(figure.difference_points))
    return f'<tr data-key="{escape(figure.key)}">' + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>"


def _summary(report: SurveyReport) -> str:
    by_key = {figure.key: figure for figure in report.figures}

    def count(key: str, side: str = "rural") -> int:
        return int(getattr(by_key[key], side).count)

    def pct(key: str, side: str = "rural") -> str:
        return _share(getattr(by_key[key], side).share)

    p = report.parameters
    return (
        f"<p>{count('communities')}個農村社區{count('team_members')}名黨組織班子成員中，年齡在{p.team_age_min}歲以上的有"
        f"{count('team_members_aged_46_plus')}人，占{pct('team_members_aged_46_plus')}。其中書記年齡在{p.secretary_age_min}"
        f"周歲以上的有{count('secretaries_aged_45_plus')}人，占{pct('secretaries_aged_45_plus')}，城市社區為"
        f"{pct('secretaries_aged_45_plus', 'urban')}。班子成員中大專文化以上的{count('team_members_college_or_above')}人，"
        f"占{pct('team_members_college_or_above')}，城市社區為{pct('team_members_college_or_above', 'urban')}；"
        f"書記大專以上{count('secretaries_college_or_above')}名，占{pct('secretaries_college_or_above')}，城市社區為"
        f"{pct('secretaries_college_or_above', 'urban')}。{count('reserve_cadres')}名後備幹部中大專文化以上的"
        f"{count('reserve_cadres_college_or_above')}人，占{pct('reserve_cadres_college_or_above')}。</p>"
        f"<p>農村社區有黨員{count('members')}名，其中{p.member_age_min}歲以上的{count('members_aged_46_plus')}名，"
        f"占{pct('members_aged_46_plus')}；初中文化以下的{count('members_junior_high_or_below')}名，"
        f"占{pct('members_junior_high_or_below')}；改革開放前入黨的{count('members_joined_before_reform')}名，"
        f"占{pct('members_joined_before_reform')}。組織關係未轉入的{count('not_transferred')}名，外出流動"
        f"{count('floating_out')}名，拆遷過渡在外{count('displaced')}名。</p>"
    )


def _problems(report: SurveyReport, problems: list[Problem] | None, labels: Labels) -> str:
    items = [
        f"<li>{escape(m.community_name)}（{escape(labels.setting(m.setting))}）：{escape(m.org_name)}有黨員{m.members}名，"
        f"現為{escape(labels.kind(m.kind))}，應為{escape(labels.kind(m.expected_kind))}。</li>"
        for m in report.form_mismatches
    ]
    mismatch = "".join(items) or "<li>未發現組織形式與黨員人數不符的社區。</li>"
    others = [p for p in problems or [] if p.rule != "form_mismatch"]
    other_items = "".join(f"<li>{escape(p.org_name)}：{escape(p.label)}</li>" for p in others)
    section = f"<h3>（一）組織設置與黨員人數不相適應</h3><ul class='mismatches'>{mismatch}</ul>"
    if other_items:
        section += f"<h3>（二）組織診斷發現的其他問題</h3><ul class='diagnostics'>{other_items}</ul>"
    elif problems is None:
        section += "<p class='note'>（組織診斷暫時無法取得，以上僅列組織設置問題。）</p>"
    return section


def _measures(report: SurveyReport) -> str:
    by_key = {figure.key: figure for figure in report.figures}
    applying = [text for key, text in MEASURES if by_key[key].rural.count or by_key[key].total.count]
    if not applying:
        return "<p>各項指標未發現需採取措施的問題。</p>"
    return "<ol>" + "".join(f"<li>{escape(text)}</li>" for text in applying) + "</ol>"


STYLE = """
body { font-family: "Noto Sans CJK TC", "Noto Sans CJK SC", "WenQuanYi Zen Hei", sans-serif; margin: 2em; color: #111; }
h1 { text-align: center; font-size: 22px; } h2 { font-size: 18px; margin-top: 1.5em; } h3 { font-size: 15px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; } th, td { border: 1px solid #555; padding: 3px 6px; }
td:not(:first-child) { text-align: right; } .meta { text-align: center; color: #444; }
@media print { body { margin: 1cm; } section { page-break-inside: avoid; } }
"""


# The page loads nothing and runs no script; its one style element is allowed by its hash. The
# policy is in the page too, so that a saved copy opened from disk keeps it (frame-ancestors
# only works as a header). The style is sent as written, never through the script conversion, so
# the hash of `STYLE` is the hash of what the page carries in either script.
_STYLE_HASH = base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()
PAGE_POLICY = f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; base-uri 'none'; form-action 'none'"
CSP = f"{PAGE_POLICY}; frame-ancestors 'none'"


def page(report: SurveyReport, problems: list[Problem] | None, labels: Labels, script: Script) -> str:
    """The page in the reader's script (written in Traditional, converted whole: names too, all
    but the style element, which goes out byte for byte as hashed)."""
    head = (
        f"<!DOCTYPE html><html lang='{chinese(script).value}'><head><meta charset='utf-8'>"
        f"<meta http-equiv='Content-Security-Policy' content=\"{PAGE_POLICY}\">"
        f"<title>{in_script('農村社區黨建工作調查報告', script)}</title><style>{STYLE}</style></head>"
    )
    return head + in_script(_body(report, problems, labels), script)


def _body(report: SurveyReport, problems: list[Problem] | None, labels: Labels) -> str:
    header = (
        "<tr><th rowspan='2'>指標</th><th colspan='2'>農村社區</th><th colspan='2'>城市社區</th>"
        "<th colspan='2'>合計</th><th rowspan='2'>相差（百分點）</th></tr>"
        "<tr><th>數量</th><th>比例</th><th>數量</th><th>比例</th><th>數量</th><th>比例</th></tr>"
    )
    rows = "".join(_figure_row(figure) for figure in report.figures)
    charts = "".join(bar_chart(title, chart_figures(report, keys)) for title, keys in CHARTS)
    scope = escape(scope_line(report))
    return (
        "<body>"
        "<h1>農村社區黨建工作存在的問題和對策的報告</h1>"
        f"<p class='meta'>統計日期：{report.as_of.isoformat()}　範圍：{scope}</p>"
        f"<section><h2>一、基本情況</h2>{_summary(report)}<table id='figures'>{header}{rows}</table></section>"
        f"<section><h2>二、結構對比</h2>{charts}</section>"
        f"<section><h2>三、存在的主要問題</h2>{_problems(report, problems, labels)}</section>"
        f"<section><h2>四、對策與措施</h2>{_measures(report)}</section>"
        "</body></html>"
    )
