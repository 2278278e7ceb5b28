"""The composed reports as printed documents (`format=pdf`, and the diagnostics' `format=html`):
each carries the scope's organization, a number, the date and a check code that the public
verification confirms; a forged number or code is refused. On the real processes."""

import re
import subprocess
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.test_live_stack import admin_headers
from tests.members.test_documents import need_pdf_tools
from tests.support import LiveStack, wait_until

CODE = re.compile(r"<span class='code'>([A-Z2-7-]+)</span>")


def _org(live: LiveStack, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    response = httpx.post(live.url() + "/api/v1/orgs", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


@pytest.fixture(scope="module")
def township(live: LiveStack) -> dict[str, Any]:
    headers = admin_headers(live)
    county = _org(live, headers, name=f"文件區{uuid.uuid4().hex[:4]}", kind="committee", tier="county")
    township = _org(live, headers, name="石山鎮黨委", kind="committee", tier="township", parent_id=county["id"])

    def replicated() -> bool:  # every service knows the new organization (their replicas follow the feed)
        url = live.url() + "/api/v1/reports/diagnostics"
        return httpx.get(url, params={"within": township["id"]}, headers=headers, timeout=60).status_code == 200

    assert wait_until(replicated, 20, 0.1), "the services' replicas never received the organization"
    return township


def _verify(live: LiveStack, number: str, code: str, **headers: str) -> httpx.Response:
    return httpx.get(live.url() + "/api/v1/documents/verify", params={"number": number, "code": code}, headers=headers)


def test_the_diagnostics_report_is_a_document_that_verifies(live: LiveStack, township: dict[str, Any]) -> None:
    headers = admin_headers(live)
    url = live.url() + "/api/v1/reports/diagnostics"

    page = httpx.get(url, params={"within": township["id"], "format": "html"}, headers=headers, timeout=60)
    traditional = httpx.get(
        url, params={"within": township["id"], "format": "html"}, headers=headers | {"accept-language": "zh-TW"}, timeout=60
    )

    assert page.status_code == 200, page.text
    assert "<h1>组织诊断报告</h1>" in page.text
    assert "<h1>組織診斷報告</h1>" in traditional.text
    number = page.headers["x-document-number"]
    assert re.fullmatch(r"ZD\d{10}", number)
    assert traditional.headers["x-document-number"] == number  # the same scope and day: one document
    [code] = CODE.findall(page.text)
    real = _verify(live, number, code)
    assert real.status_code == 200, real.text
    assert real.json() == {
        "valid": True,
        "kind": "diagnostics_report",
        "kind_label": "组织诊断报告",
        "number": number,
        "org_name": "石山鎮黨委",  # as the organization is named, in the script it was written in
        "issued_on": real.json()["issued_on"],
    }
    assert _verify(live, number, "AAAA-AAAA-AAAA-AAAA").status_code == 404
    forged = _verify(live, "ZD2026999999", code)
    assert forged.status_code == 404
    assert forged.json()["type"].endswith("/document-not-found")


def test_the_survey_and_diagnostics_print_as_pdf(live: LiveStack, township: dict[str, Any], tmp_path: Path) -> None:
    need_pdf_tools()
    headers = admin_headers(live)
    survey = httpx.get(
        live.url() + "/api/v1/reports/survey",
        params={"within": township["id"], "format": "pdf", "as_of": "2026-06-30"},
        headers=headers | {"accept-language": "zh-TW"},
        timeout=120,
    )
    diagnostics = httpx.get(
        live.url() + "/api/v1/reports/diagnostics",
        params={"within": township["id"], "format": "pdf"},
        headers=headers,
        timeout=120,
    )

    for response, stem, label in (
        (survey, "survey", "農村社區黨建工作存在的問題和對策的報告"),
        (diagnostics, "diag", "组织诊断报告"),
    ):
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/pdf"
        path = tmp_path / f"{stem}.pdf"
        path.write_bytes(response.content)
        text = subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, timeout=60
        ).stdout.decode()
        flat = re.sub(r"\s+", "", text)
        assert label in flat
        assert response.headers["x-document-number"] in flat
    assert survey.headers["x-document-number"].startswith("DC")
