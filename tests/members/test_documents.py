"""Printed documents of the members service: the transfer's introduction letter (存根, letter,
回執; within the province and across), the membership certificate, their registry numbers and
check codes, and the verification that confirms a real one and refuses a forged one.

The PDFs are printed by headless Chromium and read back with pdftotext (poppler-utils); one page
of a letter is rendered to PNG (pdftoppm) in the test's folder and its path printed. Without
Chromium those tests skip, saying so, except where DOCUMENTS_REQUIRE_CHROMIUM=1 (.ci/run): there
they fail."""

# ruff: noqa: RUF001 - Chinese text takes full-width punctuation

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest

from services.kit.settings import ProcessSettings
from tests.builders import member_body
from tests.members.conftest import OrgReplica
from tests.support import Tokens

CHROMIUM = ProcessSettings().pdf_renderer
REQUIRE = os.environ.get("DOCUMENTS_REQUIRE_CHROMIUM") == "1" or os.environ.get("SURVEY_REQUIRE_CHROMIUM") == "1"
NAME = "王小明"  # the same in both scripts
CODE = re.compile(r"<span class='code'>([A-Z2-7-]+)</span>")


def need_pdf_tools() -> None:
    missing = [tool for tool in (CHROMIUM, "pdftotext", "pdftoppm") if not shutil.which(tool)]
    if missing:
        message = f"not installed: {missing} (apt-get install -y chromium poppler-utils fonts-wqy-zenhei; .ci/run does)"
        if REQUIRE:
            pytest.fail(message)
        pytest.skip(message)


def pdf_text(pdf: bytes, folder: Path, stem: str) -> str:
    path = folder / f"{stem}.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, timeout=60, check=True)
    return done.stdout.decode()


async def approved_transfer(
    client: httpx.AsyncClient, tokens: Tokens, tree: dict[str, dict[str, Any]], **body: Any
) -> tuple[dict[str, Any], dict[str, Any]]:
    admin = tokens.headers("org_admin")
    created = await client.post("/api/v1/members", json=member_body(org_id=tree["branch"]["id"], name=NAME), headers=admin)
    assert created.status_code == 201, created.text
    member = created.json()
    transfer_body = {"member_id": member["id"], "requested_on": "2026-11-01"} | (
        body or {"kind": "within", "to_org_id": tree["small"]["id"]}
    )
    requested = await client.post("/api/v1/transfers", json=transfer_body, headers=admin)
    assert requested.status_code == 201, requested.text
    approved = await client.post(
        f"/api/v1/transfers/{requested.json()['id']}/approve",
        json={"decided_on": "2026-11-02", "letter_number": "介字2026第7號"},
        headers=admin,
    )
    assert approved.status_code == 200, approved.text
    return member, approved.json()


async def letter(client: httpx.AsyncClient, tokens: Tokens, transfer_id: str, **params: str) -> httpx.Response:
    language = params.pop("language", "")
    headers = tokens.headers("org_admin") | ({"accept-language": language} if language else {})
    return await client.get(f"/api/v1/transfers/{transfer_id}/letter", params=params, headers=headers)


class TestTransferLetter:
    async def test_the_letter_has_its_three_parts_in_simplified_by_default_and_traditional_on_request(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        member, transfer = await approved_transfer(members_client, tokens, tree)

        simplified = await letter(members_client, tokens, transfer["id"], format="html")
        traditional = await letter(members_client, tokens, transfer["id"], format="html", language="zh-TW")

        assert simplified.status_code == 200, simplified.text
        assert simplified.headers["content-language"] == "zh-Hans"
        page = simplified.text
        for label in (
            "中国共产党党员组织关系介绍信（存根）",
            "中国共产党党员组织关系介绍信（省内）",
            "介绍信回执",
            "请接洽",
            "有效期3个月",
        ):
            assert label in page
        assert "黨員" not in page
        for value in (NAME, tree["branch"]["name"], tree["small"]["name"], "介字2026第7号"):
            assert value in page
        assert member["id_number"] in page  # an org_admin sees the number in full, as on paper
        number = simplified.headers["x-document-number"]
        assert re.fullmatch(r"JS2026\d{6}", number)
        assert f"第 {number} 号" in page
        assert "中國共產黨黨員組織關係介紹信（存根）" in traditional.text
        assert "介紹信回執" in traditional.text
        assert traditional.headers["x-document-number"] == number  # one letter, one number

    async def test_a_letter_across_provinces_says_so_and_is_valid_six_months(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        _member, transfer = await approved_transfer(
            members_client, tokens, tree, kind="out", external_org="外省某縣石山村支部", across_provinces=True
        )

        page = (await letter(members_client, tokens, transfer["id"], format="html", language="zh-TW")).text

        assert "組織關係介紹信（跨省）" in page
        assert "有效期6個月" in page
        assert "外省某縣石山村支部" in page

    async def test_a_transfer_not_yet_approved_has_no_letter(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        admin = tokens.headers("org_admin")
        m = (await members_client.post("/api/v1/members", json=member_body(org_id=tree["branch"]["id"]), headers=admin)).json()
        body = {"member_id": m["id"], "requested_on": "2026-11-01", "kind": "within", "to_org_id": tree["small"]["id"]}
        t = (await members_client.post("/api/v1/transfers", json=body, headers=admin)).json()

        response = await letter(members_client, tokens, t["id"], format="html")

        assert response.status_code == 409, response.text
        assert response.json()["type"].endswith("/no-letter-yet")

    async def test_another_townships_letter_is_not_found(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        other = await replica.add(tier="township", parent=tree["county"])
        _member, transfer = await approved_transfer(members_client, tokens, tree)
        neighbour = tokens.headers("org_admin", scope_org_id=other["id"])

        response = await members_client.get(f"/api/v1/transfers/{transfer['id']}/letter?format=html", headers=neighbour)

        assert response.status_code == 404, response.text

    async def test_a_viewer_cannot_issue_a_letter(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        _member, transfer = await approved_transfer(members_client, tokens, tree)

        response = await members_client.get(f"/api/v1/transfers/{transfer['id']}/letter", headers=tokens.headers("viewer"))

        assert response.status_code == 403, response.text

    async def test_the_pdf_reads_back_with_the_names_numbers_and_labels_and_a_page_is_rendered(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica, tmp_path: Path
    ) -> None:
        need_pdf_tools()
        tree = await replica.tree()
        _member, transfer = await approved_transfer(members_client, tokens, tree)

        response = await letter(members_client, tokens, transfer["id"])
        traditional = await letter(members_client, tokens, transfer["id"], language="zh-TW")

        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        number = response.headers["x-document-number"]
        text = pdf_text(response.content, tmp_path, "letter")
        flat = re.sub(r"\s+", "", text)
        for value in ("中国共产党党员组织关系介绍信（存根）", "介绍信回执", NAME, number, tree["small"]["name"].replace(" ", "")):
            assert value in flat, value
        assert "介紹信回執" in re.sub(r"\s+", "", pdf_text(traditional.content, tmp_path, "letter-zh-TW"))
        (tmp_path / "letter").mkdir()
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "60",
                "-f",
                "1",
                "-l",
                "1",
                str(tmp_path / "letter.pdf"),
                str(tmp_path / "letter" / "page"),
            ],
            check=True,
            timeout=60,
        )
        [png] = (tmp_path / "letter").glob("*.png")
        assert png.stat().st_size > 10_000  # a page of text, not a blank
        print(f"letter screenshot: {png}")


class TestMembershipCertificate:
    async def test_the_certificate_names_the_member_and_the_organization(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        admin = tokens.headers("org_admin")
        body = member_body(org_id=tree["branch"]["id"], name=NAME, joined_on="2001-07-01", full_on="2002-07-01")
        m = (await members_client.post("/api/v1/members", json=body, headers=admin)).json()

        page = await members_client.get(f"/api/v1/members/{m['id']}/certificate?format=html", headers=admin)
        again = await members_client.get(f"/api/v1/members/{m['id']}/certificate?format=html", headers=admin)
        traditional = await members_client.get(
            f"/api/v1/members/{m['id']}/certificate?format=html", headers=admin | {"accept-language": "zh-TW"}
        )

        assert page.status_code == 200, page.text
        assert "<h1>党员证明</h1>" in page.text
        assert "2001年7月1日加入中国共产党" in page.text
        assert tree["branch"]["name"] in page.text
        assert NAME in page.text
        assert re.fullmatch(r"ZM\d{10}", page.headers["x-document-number"])
        assert again.headers["x-document-number"] == page.headers["x-document-number"]
        assert "<h1>黨員證明</h1>" in traditional.text

    async def test_a_closed_record_gets_no_certificate_and_another_townships_member_is_not_found(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        other = await replica.add(tier="township", parent=tree["county"])
        admin = tokens.headers("org_admin")
        m = (await members_client.post("/api/v1/members", json=member_body(org_id=tree["branch"]["id"]), headers=admin)).json()
        neighbour = tokens.headers("org_admin", scope_org_id=other["id"])

        foreign = await members_client.get(f"/api/v1/members/{m['id']}/certificate?format=html", headers=neighbour)
        closed = await members_client.post(
            f"/api/v1/members/{m['id']}/state",
            json={"state": "deceased", "effective_on": "2026-11-01"},
            headers=admin,
        )
        refused = await members_client.get(f"/api/v1/members/{m['id']}/certificate?format=html", headers=admin)

        assert foreign.status_code == 404, foreign.text
        assert closed.status_code == 200, closed.text
        assert refused.status_code == 409, refused.text

    async def test_the_certificate_pdf_reads_back(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica, tmp_path: Path
    ) -> None:
        need_pdf_tools()
        tree = await replica.tree()
        admin = tokens.headers("org_admin") | {"accept-language": "zh-TW"}
        m = (
            await members_client.post("/api/v1/members", json=member_body(org_id=tree["branch"]["id"], name=NAME), headers=admin)
        ).json()

        response = await members_client.get(f"/api/v1/members/{m['id']}/certificate", headers=admin)

        assert response.status_code == 200, response.text
        flat = re.sub(r"\s+", "", pdf_text(response.content, tmp_path, "certificate"))
        assert "黨員證明" in flat
        assert NAME in flat
        assert response.headers["x-document-number"] in flat


class TestVerification:
    async def test_a_real_document_is_confirmed_without_personal_data_and_a_forged_one_refused(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        member, transfer = await approved_transfer(members_client, tokens, tree)
        page = await letter(members_client, tokens, transfer["id"], format="html")
        number = page.headers["x-document-number"]
        [code] = CODE.findall(page.text)

        real = await members_client.get("/documents/verify", params={"number": number, "code": code})
        typed = await members_client.get("/documents/verify", params={"number": number.lower(), "code": code.replace("-", " ")})
        forged_number = await members_client.get("/documents/verify", params={"number": number[:-1] + "9", "code": code})
        forged_code = await members_client.get("/documents/verify", params={"number": number, "code": "AAAA-BBBB-CCCC-DDDD"})

        assert real.status_code == 200, real.text
        assert real.json() == {
            "valid": True,
            "kind": "transfer_letter",
            "kind_label": "党员组织关系介绍信",
            "number": number,
            "org_name": tree["branch"]["name"],
            "issued_on": "2026-11-02",
        }
        assert NAME not in real.text
        assert member["id_number"] not in real.text
        assert typed.status_code == 200
        for refused in (forged_number, forged_code):
            assert refused.status_code == 404, refused.text
            assert refused.json()["type"].endswith("/document-not-found")
