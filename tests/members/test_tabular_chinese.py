"""The import as people use it: a template in their script with dropdowns, an example row and
instructions; organizations named by code or name path; every problem of every row in one answer,
in the reader's script, naming the accepted values by their labels; exports with labels and names."""

# ruff: noqa: RUF001 - Chinese text takes full-width punctuation

import io
from typing import Any

import httpx
from openpyxl import Workbook, load_workbook
from stdnum.cn import ric

from tests.builders import member_body
from tests.members.conftest import OrgReplica
from tests.support import Tokens

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SIMPLIFIED = {"Accept-Language": "zh-CN"}
TRADITIONAL = {"Accept-Language": "zh-TW"}
CODED = {"性别": "sex", "学历": "education", "职业类别": "occupation", "党员类别": "party_status", "去向": "whereabouts"}


async def named_tree(replica: OrgReplica) -> dict[str, dict[str, Any]]:
    """The test tree with names people write and the branch's code."""
    tree = await replica.tree()
    names = {"county": "某縣", "township": "某鎮", "community": "某村黨總支", "branch": "第一黨支部", "small": "某社區黨支部"}
    for key, name in names.items():
        tree[key] = await replica.change(tree[key], "org.updated", name=name)
    tree["branch"] = await replica.change(tree["branch"], "org.updated", code="DZ-0101")
    return tree


def workbook(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def cells(body: dict[str, Any], org: str, **changes: str) -> list[str]:
    sex = {"male": "男", "female": "女"}[body["sex"]]
    row = {
        "姓名": body["name"], "性別": sex, "身份證號碼": body["id_number"], "出生日期": body["birth_date"],
        "學歷": "初中", "職業類別": "農民", "黨員類別": "正式", "入黨日期": body["joined_on"],
        "轉正日期": body["full_on"], "所在黨組織": org,
    } | changes  # fmt: skip
    return list(row.values())


HEADER = ["姓名", "性別", "身份證號碼", "出生日期", "學歷", "職業類別", "黨員類別", "入黨日期", "轉正日期", "所在黨組織"]


async def upload(
    client: httpx.AsyncClient, tokens: Tokens, content: bytes, headers: dict[str, str], **params: Any
) -> httpx.Response:
    return await client.post(
        "/api/v1/members/import",
        content=content,
        params=params,
        headers={**tokens.headers("org_admin"), "content-type": XLSX, **headers},
    )


async def test_the_template_has_dropdowns_an_example_row_and_instructions_in_the_readers_script(
    members_client: httpx.AsyncClient, tokens: Tokens
) -> None:
    response = await members_client.get("/api/v1/members/import/template", headers=tokens.headers() | SIMPLIFIED)
    assert response.status_code == 200
    assert response.headers["content-language"] == "zh-Hans"
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    assert header[:4] == ["姓名", "性别", "民族", "身份证号码"]
    assert "所在党组织" in header
    assert not any("ID" in str(name) for name in header if name != "居住社区ID")
    labels = (await members_client.get("/labels")).json()
    # Every coded column has a list validation whose values are the labels /meta/enums serves.
    validations = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    for name, enum in CODED.items():
        letter = sheet.cell(row=1, column=header.index(name) + 1).column_letter
        validation = validations[f"{letter}2:{letter}10000"]
        assert validation.type == "list"
        source_sheet, cells_range = validation.formula1.lstrip("=").split("!")
        listed = book[source_sheet.strip("'")][cells_range.replace("$", "")]
        assert [row[0].value for row in listed] == [names["zh_hans"] for names in labels[enum].values()]
    assert book[source_sheet.strip("'")].sheet_state == "hidden"
    example = dict(zip(header, [cell.value for cell in sheet[2]], strict=True))
    assert example["学历"] == "大学本科"
    assert example["所在党组织"] == "某县/某镇/某村党总支/第一党支部"
    assert ric.validate(str(example["身份证号码"]))
    assert ric.get_birth_date(str(example["身份证号码"])).isoformat() == example["出生日期"]
    notes = book["填写说明"]
    assert "下拉框" in "".join(str(row[0].value) for row in notes.iter_rows())

    traditional = await members_client.get("/api/v1/members/import/template", headers=tokens.headers() | TRADITIONAL)
    sheet = load_workbook(io.BytesIO(traditional.content)).worksheets[0]
    assert [cell.value for cell in sheet[1]][:4] == ["姓名", "性別", "民族", "身份證號碼"]


async def test_a_filled_in_template_imports_with_the_organization_named_by_code_or_name_path(
    members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
) -> None:
    tree = await named_tree(replica)
    template = await members_client.get("/api/v1/members/import/template", headers=tokens.headers() | SIMPLIFIED)
    book = load_workbook(io.BytesIO(template.content))
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    by_code, by_path, by_tail = (member_body(org_id="") for _ in range(3))
    for body, org in ((by_code, "DZ-0101"), (by_path, "某县/某镇/某村党总支/第一党支部"), (by_tail, "某村黨總支 / 第一黨支部")):
        row = dict.fromkeys(header)
        row |= {"姓名": body["name"], "性别": "男" if body["sex"] == "male" else "女", "身份证号码": body["id_number"]}
        row |= {"出生日期": body["birth_date"], "学历": "初中", "职业类别": "农民", "党员类别": "正式党员"}
        row |= {"入党日期": body["joined_on"], "转正日期": body["full_on"], "所在党组织": org}
        sheet.append(list(row.values()))
    filled = io.BytesIO()
    book.save(filled)

    response = await upload(members_client, tokens, filled.getvalue(), SIMPLIFIED)

    assert response.status_code == 200, response.text
    assert (response.json()["rows"], response.json()["imported"]) == (3, 3)  # the example row is skipped
    listed = await members_client.get("/api/v1/members", params={"org_id": tree["branch"]["id"]}, headers=tokens.headers())
    assert sorted(m["id_number"] for m in listed.json()["items"]) == sorted(b["id_number"] for b in (by_code, by_path, by_tail))


async def test_every_problem_of_every_row_comes_in_one_answer_in_the_readers_script(
    members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
) -> None:
    await named_tree(replica)
    first, second, third = (member_body(org_id="") for _ in range(3))
    broken_id = first["id_number"][:-1] + ("0" if first["id_number"][-1] != "0" else "1")
    rows = [
        HEADER,
        # Row 2: an education that is no label, and (once that is fixed) a wrong check character.
        cells(first, "DZ-0101", 學歷="高中", 身份證號碼=broken_id),
        # Row 3: an organization that is nowhere.
        cells(second, "某縣/某鎮/不存在的支部"),
        # Row 4: joined before being born.
        cells(third, "DZ-0101", 入黨日期="1900-01-01"),
    ]

    response = await upload(members_client, tokens, workbook(rows), SIMPLIFIED)

    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["type"] == "/problems/import-rejected"
    assert problem["title"] == "导入未通过，未写入任何记录"
    assert problem["detail"].startswith("文件中有 4 处问题")
    found = {(e["row"], e["column"]): e["problem"] for e in problem["report"]["errors"]}
    assert set(found) == {(2, "学历"), (2, "身份证号码"), (3, "所在党组织"), (4, "入党日期")}
    assert found[2, "学历"] == "应为以下之一：研究生、大学本科、大学专科、中专/高中、初中、小学及以下"
    assert found[2, "身份证号码"] == "不是有效的居民身份证号码：校验码不正确"
    assert found[3, "所在党组织"].startswith("权限范围内没有此代码或名称路径的党组织")
    assert found[4, "入党日期"] == "应晚于出生日期"

    traditional = (await upload(members_client, tokens, workbook(rows), TRADITIONAL)).json()
    found = {(e["row"], e["column"]): e["problem"] for e in traditional["report"]["errors"]}
    assert found[2, "學歷"] == "應為以下之一：研究生、大學本科、大學專科、中專/高中、初中、小學及以下"
    english = (await upload(members_client, tokens, workbook(rows), {"Accept-Language": "en"})).json()
    assert english["detail"] == "4 problems in the file; nothing was imported"
    assert any("accepted: 研究生" in e["problem"] for e in english["report"]["errors"])


async def test_the_export_shows_labels_and_name_paths(
    members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
) -> None:
    tree = await named_tree(replica)
    body = member_body(org_id=tree["branch"]["id"])
    assert (await members_client.post("/api/v1/members", json=body, headers=tokens.headers())).status_code == 201

    response = await members_client.get(
        "/api/v1/members/export", params={"org_id": tree["branch"]["id"]}, headers=tokens.headers("org_admin") | SIMPLIFIED
    )

    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    row = dict(zip([c.value for c in sheet[1]], [c.value for c in sheet[2]], strict=True))
    assert (row["学历"], row["职业类别"], row["党籍状态"]) == ("初中", "农民", "正常")
    assert row["所在党组织"] == "某縣/某鎮/某村黨總支/第一黨支部"
