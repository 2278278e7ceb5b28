"""The reports as printed documents (`format=pdf`): the survey page with the document's foot
(issuing organization, number, date, check code), and the diagnostics report as a page of its
own — both made as the survey page is (html.py): written in Traditional, every value escaped,
converted whole to the reader's script, one style allowed by its hash."""

# ruff: noqa: RUF001 - Chinese text takes full-width punctuation

from datetime import date
from html import escape
from typing import Any

from gateway.reports.html import PAGE_POLICY, STYLE
from services.kit.documents import IssuedDocument
from services.kit.script import Script, chinese, in_script


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def foot(issued: IssuedDocument, script: Script) -> str:
    return in_script(
        f"<p class='meta foot'>簽發機關：{escape(issued.org_name)}　文件編號：<span class='number'>{escape(issued.number)}</span>"
        f"　簽發日期：{chinese_date(issued.issued_on)}　校驗碼：<span class='code'>{escape(issued.code)}</span>"
        "　真偽查驗：GET /api/v1/documents/verify</p>",
        script,
    )


def with_foot(page: str, issued: IssuedDocument, script: Script) -> str:
    """The survey page (html.page) with the document's foot at its end."""
    head, _, _tail = page.rpartition("</body>")
    return f"{head}{foot(issued, script)}</body></html>"


def _figures(figures: dict[str, Any]) -> str:
    return "；".join(f"{escape(str(k))}：{escape(str(v))}" for k, v in figures.items() if k != "rule")


def diagnostics_page(result: dict[str, Any], scope_name: str, issued: IssuedDocument, script: Script) -> str:
    """Every work list with its count, the seed's measure and its organizations or members."""
    sections = []
    for worklist in result["lists"]:
        rows = "".join(
            f"<tr><td>{escape(str(item.get('org_name') or ''))}</td><td>{escape(str(item.get('member_name') or ''))}</td>"
            f"<td>{_figures(item.get('figures') or {})}</td></tr>"
            for item in worklist["items"]
        )
        table = f"<table><tr><th>組織</th><th>黨員</th><th>情況</th></tr>{rows}</table>" if rows else "<p>未發現此類問題。</p>"
        sections.append(
            f"<section data-key='{escape(worklist['key'])}'><h2>{escape(worklist['label'])}（{worklist['count']}）</h2>"
            f"<p>措施：{escape(worklist['measure'])}</p>{table}</section>"
        )
    body = (
        "<body><h1>組織診斷報告</h1>"
        f"<p class='meta'>統計日期：{escape(str(result['as_of']))}　範圍：{escape(scope_name)}</p>"
        f"{''.join(sections)}</body></html>"
    )
    head = (
        f"<!DOCTYPE html><html lang='{chinese(script).value}'><head><meta charset='utf-8'>"
        f"<meta http-equiv='Content-Security-Policy' content=\"{PAGE_POLICY}\">"
        f"<title>{in_script('組織診斷報告', script)}</title><style>{STYLE}</style></head>"
    )
    return with_foot(head + in_script(body, script), issued, script)
