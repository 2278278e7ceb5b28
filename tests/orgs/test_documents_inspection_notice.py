"""The inspection round's 通報 as a printed document (`format=pdf`): the inspecting organization,
a number, the date and a check code; read back with pdftotext in Simplified by default and
Traditional with zh-TW; verified by the orgs service's `/documents/verify` (a forged number or
code is 404); another township's round is 404."""

import re
import subprocess
from pathlib import Path

import httpx

from tests.members.test_documents import need_pdf_tools
from tests.orgs.test_inspections import clock, inspection, world
from tests.support import Tokens

ROUND = "2026年第四季度督查"
_ = clock  # the suite's fixed "today" (2026-11-26), used by this module too


def text_of(pdf: bytes, folder: Path, stem: str) -> str:
    path = folder / f"{stem}.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, timeout=60)
    return re.sub(r"\s+", "", done.stdout.decode())


async def test_the_notice_prints_verifies_and_stays_in_scope(orgs_api: httpx.AsyncClient, tokens: Tokens, tmp_path: Path) -> None:
    admin = tokens.headers()
    w = await world(orgs_api, admin)
    assert (await orgs_api.post("/api/v1/inspections", json=inspection(w), headers=admin)).status_code == 201
    params = {"inspector_org_id": w["a"]["id"], "round": ROUND, "format": "pdf"}
    other = await orgs_api.get("/api/v1/inspections/notice", params=params, headers=tokens.headers(scope_org_id=w["b"]["id"]))
    assert other.status_code == 404, other.text
    need_pdf_tools()

    simplified = await orgs_api.get("/api/v1/inspections/notice", params=params, headers=admin)
    traditional = await orgs_api.get("/api/v1/inspections/notice", params=params, headers=admin | {"accept-language": "zh-TW"})

    assert simplified.status_code == 200, simplified.text
    assert simplified.headers["content-type"] == "application/pdf"
    number = simplified.headers["x-document-number"]
    assert re.fullmatch(r"TB2026\d{6}", number)
    assert traditional.headers["x-document-number"] == number
    text = text_of(simplified.content, tmp_path, "notice")
    for value in ("关于2026年第四季度督查情况的通报", "东村党支部", "王建国", number, "校验码"):
        assert value in text, value
    assert "關於2026年第四季度督查情況的通報" in text_of(traditional.content, tmp_path, "notice-zh-TW")
    [code] = re.findall(r"校验码.?([A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4})", text)

    real = await orgs_api.get("/documents/verify", params={"number": number, "code": code})
    forged = await orgs_api.get("/documents/verify", params={"number": "TB2026999999", "code": code})
    wrong = await orgs_api.get("/documents/verify", params={"number": number, "code": "AAAA-AAAA-AAAA-AAAA"})

    assert real.status_code == 200, real.text
    assert real.json() == {
        "valid": True,
        "kind": "inspection_notice",
        "kind_label": "督查情况通报",
        "number": number,
        "org_name": w["a"]["name"],
        "issued_on": "2026-11-26",
    }
    assert (forged.status_code, wrong.status_code) == (404, 404)
