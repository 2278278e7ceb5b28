"""The printable pages of the members' documents, as the survey report's page is made
(gateway/reports/html.py): plain strings written in Traditional, every value escaped, the page
converted whole to the reader's script; no script, nothing loaded, its one style allowed by hash.

Every page ends with the same foot: the issuing organization, the number, the date and the check
code, with where to verify it (`GET /api/v1/documents/verify`).
"""

# ruff: noqa: RUF001 - Chinese text takes full-width punctuation

import base64
import hashlib
from dataclasses import dataclass
from datetime import date
from html import escape

from services.kit.documents import IssuedDocument
from services.kit.script import Script, chinese, in_script
from services.members.rules.documents import chinese_date

STYLE = """
@page { size: A4; margin: 16mm 18mm; }
body { font-family: "Noto Serif CJK SC", "Noto Sans CJK SC", "WenQuanYi Zen Hei", serif; color: #000; font-size: 14px; }
h1 { text-align: center; font-size: 20px; letter-spacing: 2px; margin: 4px 0 8px; }
.part { border: 1px solid #000; padding: 10px 16px; margin-bottom: 6px; page-break-inside: avoid; }
.no { text-align: right; } .sign { text-align: right; margin-top: 14px; } .body { line-height: 2; text-indent: 2em; }
.cut { border-top: 1px dashed #000; text-align: center; font-size: 11px; margin: 6px 0; }
.foot { font-size: 11px; margin-top: 10px; border-top: 1px solid #666; padding-top: 4px; }
table { border-collapse: collapse; width: 100%; } th, td { border: 1px solid #000; padding: 3px 6px; text-align: left; }
"""
_STYLE_HASH = base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()
PAGE_POLICY = f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; base-uri 'none'; form-action 'none'"
CSP = f"{PAGE_POLICY}; frame-ancestors 'none'"


@dataclass(frozen=True)
class LetterFacts:
    """What a transfer's introduction letter says (names already chosen; ID number as the caller may see it)."""

    name: str
    sex: str
    age: int
    ethnicity: str
    party_status: str
    id_number: str
    from_org: str
    to_org: str
    letter_number: str
    issued_on: date
    valid_months: int
    across_provinces: bool
    dues_paid_through: str | None


@dataclass(frozen=True)
class CertificateFacts:
    name: str
    sex: str
    birth_year_month: str
    ethnicity: str
    joined_on: date | None
    full_on: date | None
    party_status: str
    org_name: str


@dataclass(frozen=True)
class DossierStep:
    seq: int
    kind: str
    effective_on: date
    deciding_body: str
    documents: tuple[str, ...]


@dataclass(frozen=True)
class DossierFacts:
    name: str
    sex: str
    ethnicity: str
    birth_year_month: str
    education: str
    occupation: str
    org_name: str
    stage: str
    applied_on: date
    steps: tuple[DossierStep, ...]


def _page(title: str, body: str, script: Script) -> str:
    head = (
        f"<!DOCTYPE html><html lang='{chinese(script).value}'><head><meta charset='utf-8'>"
        f"<meta http-equiv='Content-Security-Policy' content=\"{PAGE_POLICY}\">"
        f"<title>{in_script(escape(title), script)}</title><style>{STYLE}</style></head>"
    )
    return head + in_script(f"<body>{body}</body></html>", script)


def foot(issued: IssuedDocument) -> str:
    return (
        f"<div class='foot'>簽發機關：{escape(issued.org_name)}　文件編號：<span class='number'>{escape(issued.number)}</span>"
        f"　簽發日期：{chinese_date(issued.issued_on)}　校驗碼：<span class='code'>{escape(issued.code)}</span>"
        "<br>真偽查驗：GET /api/v1/documents/verify?number=文件編號&amp;code=校驗碼</div>"
    )


def letter_page(facts: LetterFacts, issued: IssuedDocument, script: Script) -> str:
    """The introduction letter in three parts: counterfoil (存根), the letter, the return slip (回執)."""
    f = {k: escape(str(v)) for k, v in facts.__dict__.items() if v is not None}
    where = "跨省" if facts.across_provinces else "省內"
    number = f"<p class='no'>{f['letter_number']}　第 {escape(issued.number)} 號</p>"
    day = chinese_date(facts.issued_on)
    dues = f"該同志黨費已交到{f['dues_paid_through']}。" if facts.dues_paid_through else ""
    counterfoil = (
        f"<div class='part counterfoil'><h1>中國共產黨黨員組織關係介紹信（存根）</h1>{number}"
        f"<p class='body'>{f['name']}同志（{f['sex']}），系中共{f['party_status']}，"
        f"組織關係由{f['from_org']}轉到{f['to_org']}。</p>"
        f"<p class='sign'>{day}</p></div>"
    )
    across = "（轉往省外，經省、自治區、直轄市黨委組織部轉接）" if facts.across_provinces else ""
    letter = (
        f"<div class='part letter'><h1>中國共產黨黨員組織關係介紹信（{where}）</h1>{number}"
        f"<p>{f['to_org']}：</p>"
        f"<p class='body'>{f['name']}同志（{f['sex']}，{f['age']}歲，{f['ethnicity']}），系中共{f['party_status']}，"
        f"身份證號碼{f['id_number']}，由{f['from_org']}轉去你處{across}，請接洽。{dues}</p>"
        f"<p class='body'>（有效期{facts.valid_months}個月）</p>"
        f"<p class='sign'>{f['from_org']}（蓋章）<br>{day}</p></div>"
    )
    slip = (
        f"<div class='part slip'><h1>中國共產黨黨員組織關係介紹信回執</h1>{number}"
        f"<p>{f['from_org']}：</p>"
        f"<p class='body'>{f['name']}同志的黨員組織關係已轉達我處，特此回執。</p>"
        f"<p class='sign'>{f['to_org']}（蓋章）<br>　　年　　月　　日</p></div>"
    )
    cut = "<div class='cut'>（此處剪開）</div>"
    body = counterfoil + cut + letter + cut + slip + foot(issued)
    return _page("黨員組織關係介紹信", body, script)


def certificate_page(facts: CertificateFacts, issued: IssuedDocument, script: Script) -> str:
    f = {k: escape(str(v)) for k, v in facts.__dict__.items() if v is not None}
    joined = f"於{chinese_date(facts.joined_on)}加入中國共產黨，" if facts.joined_on else ""
    full = f"{chinese_date(facts.full_on)}轉為正式黨員，" if facts.full_on else ""
    body = (
        f"<div class='part certificate'><h1>黨員證明</h1><p class='no'>第 {escape(issued.number)} 號</p>"
        f"<p class='body'>茲證明{f['name']}同志，{f['sex']}，{f['ethnicity']}，{f['birth_year_month']}出生，{joined}{full}"
        f"現為中共{f['party_status']}，黨員組織關係在{f['org_name']}。</p><p class='body'>特此證明。</p>"
        f"<p class='sign'>{escape(issued.org_name)}（蓋章）<br>{chinese_date(issued.issued_on)}</p></div>"
        f"{foot(issued)}"
    )
    return _page("黨員證明", body, script)


def dossier_page(facts: DossierFacts, issued: IssuedDocument, script: Script) -> str:
    """The recruitment dossier (發展黨員檔案): the applicant, then every step with its date, deciding
    body and documents, in order."""
    f = {k: escape(str(v)) for k, v in facts.__dict__.items() if k != "steps"}
    person = (
        "<table class='person'>"
        f"<tr><th>姓名</th><td>{f['name']}</td><th>性別</th><td>{f['sex']}</td><th>民族</th><td>{f['ethnicity']}</td></tr>"
        f"<tr><th>出生年月</th><td>{f['birth_year_month']}</td><th>學歷</th><td>{f['education']}</td>"
        f"<th>職業</th><td>{f['occupation']}</td></tr>"
        f"<tr><th>所在黨組織</th><td colspan='3'>{f['org_name']}</td><th>目前階段</th><td>{f['stage']}</td></tr>"
        "</table>"
    )
    rows = "".join(
        f"<tr><td>{step.seq}</td><td>{escape(step.kind)}</td><td>{chinese_date(step.effective_on)}</td>"
        f"<td>{escape(step.deciding_body)}</td><td>{'、'.join(escape(d) for d in step.documents) or '—'}</td></tr>"
        for step in facts.steps
    )
    steps = (
        "<h2>發展程序</h2><table class='steps'><tr><th>序號</th><th>步驟</th><th>日期</th><th>決定機關</th><th>材料</th></tr>"
        f"{rows or '<tr><td colspan=5>尚無記錄</td></tr>'}</table>"
    )
    body = (
        f"<h1>發展黨員檔案</h1><p class='no'>第 {escape(issued.number)} 號</p>"
        f"<p>入黨申請日期：{chinese_date(facts.applied_on)}</p>{person}{steps}{foot(issued)}"
    )
    return _page("發展黨員檔案", body, script)
