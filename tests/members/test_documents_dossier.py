"""The recruitment dossier (發展黨員檔案) of an applicant: every step with its date, deciding body
and documents; its number and check code verify; another township's applicant is not found; and a
host without a PDF renderer answers 503 `renderer-unavailable`, not 500."""

import re
from pathlib import Path

import httpx
import pytest

from services.members.app import create_app
from services.members.settings import MembersSettings
from tests.members.conftest import OrgReplica
from tests.members.test_documents import CODE, need_pdf_tools, pdf_text
from tests.members.test_recruitment import ACTIVIST, API, TALK, Pipeline
from tests.support import SuiteDatabase, Tokens, in_process


@pytest.fixture
async def pipe(members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica) -> Pipeline:
    return Pipeline(members_client, tokens, await replica.tree())


class TestRecruitmentDossier:
    async def test_every_step_with_its_date_body_and_documents(self, pipe: Pipeline) -> None:
        await pipe.start(name="趙六")
        await pipe.through(TALK, pipe.activist())
        admin = pipe.tokens.headers()

        simplified = await pipe.client.get(f"{API}/{pipe.app['id']}/dossier?format=html", headers=admin)
        traditional = await pipe.client.get(
            f"{API}/{pipe.app['id']}/dossier?format=html", headers=admin | {"accept-language": "zh-TW"}
        )

        assert simplified.status_code == 200, simplified.text
        page = simplified.text
        assert "<h1>发展党员档案</h1>" in page
        assert "趙六" not in page
        assert "赵六" in page
        assert re.fullmatch(r"FZ\d{10}", simplified.headers["x-document-number"])
        rows = re.findall(r"<tr><td>(\d)</td><td>([^<]+)</td><td>([^<]+)</td><td>([^<]+)</td><td>([^<]+)</td></tr>", page)
        assert rows == [
            ("1", "递交入党申请书", "2023年1月10日", "第一支部", "入党申请书"),
            ("2", "谈话", "2023年1月20日", "第一支部 张书记", "谈话记录"),
            ("3", "确定为入党积极分子", "2023年3月1日", "第一支部委员会", "推荐表"),
        ]
        assert "<h1>發展黨員檔案</h1>" in traditional.text
        assert "確定為入黨積極分子" in traditional.text
        number = simplified.headers["x-document-number"]
        [code] = CODE.findall(page)
        verified = await pipe.client.get("/documents/verify", params={"number": number, "code": code})
        assert verified.status_code == 200, verified.text
        assert verified.json()["kind"] == "recruitment_dossier"
        assert "趙六" not in verified.text

    async def test_another_townships_applicant_is_not_found(self, pipe: Pipeline) -> None:
        await pipe.start()
        other = await pipe.client.get(
            f"{API}/{pipe.app['id']}/dossier?format=html",
            headers=pipe.tokens.headers("org_admin", scope_org_id=pipe.tree["small"]["id"]),
        )

        assert other.status_code == 404, other.text

    async def test_the_pdf_reads_back(self, pipe: Pipeline, tmp_path: Path) -> None:
        need_pdf_tools()
        await pipe.start(name="趙六")
        await pipe.through(TALK, ACTIVIST | {"contact_ids": pipe.full_ids[:1]})

        response = await pipe.client.get(f"{API}/{pipe.app['id']}/dossier", headers=pipe.tokens.headers())

        assert response.status_code == 200, response.text
        flat = re.sub(r"\s+", "", pdf_text(response.content, tmp_path, "dossier"))
        for value in ("发展党员档案", "赵六", "谈话记录", "第一支部委员会", response.headers["x-document-number"]):
            assert value in flat, value


async def test_without_a_renderer_a_pdf_is_a_503_problem_and_the_html_still_works(test_db: SuiteDatabase, pipe: Pipeline) -> None:
    await pipe.start()
    settings = MembersSettings(
        data_dir=test_db.data_dir,
        database_url=test_db.urls["members"],
        json_logs=False,
        run_scheduler=False,
        consume_feeds=False,
        pdf_renderer="no-such-browser-here",
    )
    async with in_process(create_app(settings)) as client:
        pdf = await client.get(f"{API}/{pipe.app['id']}/dossier", headers=pipe.tokens.headers())
        html = await client.get(f"{API}/{pipe.app['id']}/dossier?format=html", headers=pipe.tokens.headers())

    assert pdf.status_code == 503, pdf.text
    assert pdf.headers["content-type"] == "application/problem+json"
    assert pdf.json()["type"].endswith("/renderer-unavailable")
    assert html.status_code == 200
