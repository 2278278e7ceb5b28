"""The reader's script: Accept-Language chooses Simplified, Traditional or English; problems are
answered in it, with their `type` and fields unchanged."""

# ruff: noqa: RUF001 - Chinese text takes full-width punctuation

import importlib

import httpx
import pytest
from fastapi import APIRouter
from pydantic import BaseModel, Field

from services.kit.app import create_app
from services.kit.db import Database
from services.kit.problems import ProblemKind
from services.kit.script import SCRIPT_VARIABLE, Script, deployment_script, in_script, label, script_of
from services.kit.settings import ProcessSettings
from tests.support import SuiteDatabase, in_process

TOO_MANY = ProblemKind(409, "too-many-branches", "the community has too many branches", "黨支部數量過多")


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, Script.hans),
        ("", Script.hans),
        ("zh-CN", Script.hans),
        ("zh-SG", Script.hans),
        ("zh-Hans", Script.hans),
        ("zh-Hans-CN", Script.hans),
        ("zh-TW", Script.hant),
        ("zh-HK,zh;q=0.9", Script.hant),
        ("zh-MO", Script.hant),
        ("zh-Hant", Script.hant),
        ("zh-Hant-CN", Script.hant),
        ("zh", Script.hans),
        ("en-US,en;q=0.9", Script.en),
        ("en;q=0.5, zh-TW;q=0.8", Script.hant),
        ("zh-TW;q=0, zh-CN", Script.hans),
        ("fr-FR, de", Script.hans),
        ("*", Script.hans),
        ("zh-TW;q=abc, en", Script.en),
    ],
)
def test_accept_language_chooses_the_script(header: str | None, expected: Script) -> None:
    assert script_of(header, Script.hans) is expected


def test_without_a_preference_the_deployment_default_holds(monkeypatch: pytest.MonkeyPatch) -> None:
    assert deployment_script() is Script.hans
    monkeypatch.setenv(SCRIPT_VARIABLE, "zh-TW")
    assert deployment_script() is Script.hant
    assert script_of("fr", deployment_script()) is Script.hant
    monkeypatch.setenv(SCRIPT_VARIABLE, "klingon")
    with pytest.raises(ValueError, match=SCRIPT_VARIABLE):
        deployment_script()


def test_traditional_text_is_converted_by_opencc() -> None:
    assert in_script("農村社區黨總支", Script.hans) == "农村社区党总支"
    assert in_script("農村社區黨總支", Script.hant) == "農村社區黨總支"
    assert in_script("後備幹部", Script.en) == "后备干部"  # no English text: the default Chinese script
    assert label({"zh_hant": "農民", "zh_hans": "农民"}, Script.hant) == "農民"
    assert label({"zh_hant": "農民", "zh_hans": "农民"}, Script.hans) == "农民"


class Body(BaseModel):
    name: str = Field(max_length=4)
    count: int


@pytest.fixture
async def client(test_db: SuiteDatabase) -> httpx.AsyncClient:
    router = APIRouter()

    @router.post("/things")
    async def things(body: Body) -> None:
        raise TOO_MANY.on("count", "more than 5", zh="超過 5 個")

    settings = ProcessSettings(data_dir=test_db.data_dir, json_logs=False)
    app = create_app(name="t", title="t", settings=settings, db=Database(test_db.urls["orgs"], "orgs"), routers=[router])
    async with in_process(app) as c:
        yield c


async def test_a_validation_problem_is_in_the_readers_script(client: httpx.AsyncClient) -> None:
    body = {"name": "太長的名字啊", "count": "三"}
    simplified = await client.post("/things", json=body, headers={"Accept-Language": "zh-CN"})
    traditional = await client.post("/things", json=body, headers={"Accept-Language": "zh-TW"})
    english = await client.post("/things", json=body, headers={"Accept-Language": "en"})
    default = await client.post("/things", json=body, headers={"Accept-Language": ""})
    for response in (simplified, traditional, english, default):
        assert response.status_code == 422
        assert response.json()["type"] == "/problems/validation-error"
        assert sorted(e["field"] for e in response.json()["errors"]) == ["count", "name"]
    hans = simplified.json()
    assert simplified.headers["content-language"] == "zh-Hans"
    assert hans["title"] == "数据校验未通过"
    assert hans["detail"] == "请求内容未通过校验：count, name"
    assert hans["detail_en"] == "The request is not valid: count, name"
    messages = {e["field"]: e["message"] for e in hans["errors"]}
    assert messages == {"name": "最多 4 个字符", "count": "应为整数"}
    assert all(e["message_en"] for e in hans["errors"])
    hant = traditional.json()
    assert traditional.headers["content-language"] == "zh-Hant"
    assert (hant["title"], hant["detail"]) == ("數據校驗未通過", "請求內容未通過校驗：count, name")
    assert {e["field"]: e["message"] for e in hant["errors"]} == {"name": "最多 4 個字符", "count": "應為整數"}
    en = english.json()
    assert english.headers["content-language"] == "en"
    assert (en["title"], en["detail"]) == ("Validation error", "The request is not valid: count, name")
    assert "detail_en" not in en
    assert all("message_en" not in e and "message_zh" not in e for e in en["errors"])
    assert default.json()["detail"] == hans["detail"]


async def test_a_domain_problem_has_its_kinds_chinese_title(client: httpx.AsyncClient) -> None:
    body = {"name": "四個字", "count": 9}
    hans = (await client.post("/things", json=body, headers={"Accept-Language": "zh-Hans"})).json()
    assert (hans["type"], hans["title"], hans["detail"]) == ("/problems/too-many-branches", "党支部数量过多", "count：超过 5 个")
    assert hans["errors"] == [{"field": "count", "message": "超过 5 个", "message_en": "more than 5"}]
    en = (await client.post("/things", json=body, headers={"Accept-Language": "en"})).json()
    assert (en["title"], en["detail"]) == ("Conflict", "count: more than 5")
    assert en["errors"] == [{"field": "count", "message": "more than 5"}]


async def test_a_problem_without_chinese_detail_shows_its_title(client: httpx.AsyncClient) -> None:
    hant = (await client.get("/nowhere", headers={"Accept-Language": "zh-TW"})).json()
    assert (hant["type"], hant["title"], hant["detail"], hant["detail_en"]) == (
        "/problems/not-found",
        "未找到",
        "未找到",
        "Not Found",
    )


@pytest.mark.parametrize("package", ["services.orgs", "services.members", "services.activities", "gateway"])
def test_every_kind_of_problem_has_a_chinese_title(package: str) -> None:
    errors = importlib.import_module(f"{package}.errors")
    kinds = {name: kind for name, kind in vars(errors).items() if isinstance(kind, ProblemKind)}
    assert kinds
    assert [name for name, kind in kinds.items() if not kind.zh] == []
