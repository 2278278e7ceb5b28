"""The import's rows: the file's columns, and the check of one row that finds every problem in one
pass, each told in the reader's script, naming the accepted values by their labels.

A row is checked by the same schema and rules as `POST /members`. The schema reports every field
it cannot read at once; the rules then run too, on the row with those fields replaced by neutral
stand-ins (values no rule objects to), and only their findings on fields that were read are kept,
so a bad education does not hide a bad ID number. An organization is named by its code, its name
path (`某縣/某鎮/某村黨總支`, any tail of it, either script) or its id, within the caller's scope.
"""

# ruff: noqa: RUF001 - Chinese text takes full-width punctuation

import re
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import TypeAdapter, ValidationError
from pydantic_core import ErrorDetails
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.auth import Caller
from services.kit.messages import validation_message
from services.kit.script import Script, in_script, label
from services.members.enums import ENUM_LABELS, Education, Occupation, PartyStatus, Sex, Whereabouts
from services.members.models import org_replica
from services.members.schemas.records import MemberCreate
from services.members.service.common import MembersContext, in_scope
from services.members.service.records import validation_errors

# (field, traditional header, simplified header); the enum whose labels the column takes, if any.
COLUMNS: tuple[tuple[str, str, str, str | None], ...] = (
    ("name", "姓名", "姓名", None),
    ("sex", "性別", "性别", "sex"),
    ("ethnicity", "民族", "民族", None),
    ("id_number", "身份證號碼", "身份证号码", None),
    ("birth_date", "出生日期", "出生日期", None),
    ("phone", "聯繫電話", "联系电话", None),
    ("education", "學歷", "学历", "education"),
    ("occupation", "職業類別", "职业类别", "occupation"),
    ("party_status", "黨員類別", "党员类别", "party_status"),
    ("joined_on", "入黨日期", "入党日期", None),
    ("full_on", "轉正日期", "转正日期", None),
    ("org_id", "所在黨組織", "所在党组织", None),
    ("residence_community_id", "居住社區ID", "居住社区ID", None),
    ("whereabouts", "去向", "去向", "whereabouts"),
    ("relationship_org", "組織關係所在單位", "组织关系所在单位", None),
    ("destination", "外出地點", "外出地点", None),
    ("contact_person", "聯繫人", "联系人", None),
    ("temporary_address", "臨時住址", "临时住址", None),
)
DETAIL_FIELDS = frozenset({"relationship_org", "destination", "contact_person", "temporary_address"})
# Headers files made from earlier templates carry.
_OLD_HEADERS = {"所在黨組織id": "org_id", "所在党组织id": "org_id"}
HEADER_TO_FIELD = {name.lower(): f for f, hant, hans, _ in COLUMNS for name in (f, hant, hans)} | _OLD_HEADERS
ENUM_OF = {f: enum for f, _hant, _hans, enum in COLUMNS if enum}
# Chinese labels (either script) and codes of each enum column → the code.
ENUM_VALUES = {
    f: {text: code for code, labels in ENUM_LABELS[enum].items() for text in (code, labels["zh_hant"], labels["zh_hans"])}
    for f, enum in ENUM_OF.items()
}
# Plain forms people type for the party status (預備/正式) besides the full labels.
ENUM_VALUES["party_status"] |= {"預備": PartyStatus.probationary, "预备": PartyStatus.probationary, "正式": PartyStatus.full}


def header_in(field: str | None, script: Script) -> str | None:
    """The column's header in the reader's script (a field the file does not have: its name)."""
    for name, hant, hans, _enum in COLUMNS:
        if name == field:
            return hans if script is Script.hans else hant
    return field


def accepted(field: str, script: Script) -> str:
    """The values a coded column takes, by their labels in the reader's script."""
    return "、".join(label(labels, script) for labels in ENUM_LABELS[ENUM_OF[field]].values())


@dataclass(frozen=True)
class RowProblem:
    """A problem of one field of a row, in English and in Chinese (Traditional script)."""

    field: str | None
    english: str
    chinese: str

    def text(self, script: Script) -> str:
        return self.english if script is Script.en else in_script(self.chinese, script)


# The rules' English messages (rules/records.py) and their Chinese; `{0}` is the message's tail.
_RULE_TEXT: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), chinese)
    for pattern, chinese in (
        (r"is in the future", "日期在今天之後"),
        (r"is not after the birth date", "應晚於出生日期"),
        (r"a full member needs the date made full", "正式黨員須填轉正日期"),
        (r"a probationary member has no date made full", "預備黨員不填轉正日期"),
        (r"becoming full before joining", "轉正日期早於入黨日期"),
        (r"the probation ends on (.*): that is the earliest day to become full", "預備期至{0}屆滿，轉正日期不能早於此日"),
        (r"the birth date in the ID number is in the future", "身份證號碼中的出生日期在今天之後"),
        (r"disagrees with the ID number \((.*)\)", "與身份證號碼不符（{0}）"),
        (r"not a valid resident ID number: must have 18 characters", "不是有效的居民身份證號碼：應為18位"),
        (r"not a valid resident ID number: the first 17 characters must be digits", "不是有效的居民身份證號碼：前17位應為數字"),
        (r"not a valid resident ID number: the check character is wrong.*", "不是有效的居民身份證號碼：校驗碼不正確"),
        (r"not a valid resident ID number: the birth date in it is not a date", "不是有效的居民身份證號碼：出生日期無效"),
        (
            r"not a valid resident ID number: no province has the code (.*) \(GB/T 2260\)",
            "不是有效的居民身份證號碼：沒有代碼為{0}的省份（GB/T 2260）",
        ),
        (
            r"the region code \(first six digits\) is not in the register of GB/T 2260; check the number",
            "地區碼（前六位）不在 GB/T 2260 行政區劃代碼表中，請核對號碼",
        ),
        (r"not a valid resident ID number.*", "不是有效的居民身份證號碼"),
        (r"required when the member is (.*)", "去向為「{0}」時必填"),
        (r"the organization does not exist", "黨組織不存在或不在權限範圍內"),
        (r"the organization is not active", "黨組織已撤銷或合併"),
        (r"a community organization with branches holds its members in the branches", "社區黨組織已設支部，黨員應落在支部"),
        (r"a .* cannot hold member relationships", "該黨組織不能直接管理黨員組織關係，請填所在黨支部"),
    )
)


def rule_problem(field: str, english: str) -> RowProblem:
    """A rule's finding with its Chinese (an English message the catalogue lacks stays English)."""
    for pattern, chinese in _RULE_TEXT:
        match = pattern.fullmatch(english)
        if match:
            tails = [_code_label(code) for code in match.groups()]
            return RowProblem(field, english, chinese.format(*tails))
    return RowProblem(field, english, english)


def _code_label(code: str) -> str:
    for values in ENUM_LABELS.values():
        if code in values:
            return values[code]["zh_hant"]
    return code


def schema_problem(error: ErrorDetails, script: Script) -> RowProblem:
    location = [str(part) for part in error["loc"]]
    field = location[-1] if location else None
    if field in ENUM_OF and error["type"] in ("enum", "literal_error"):
        # The accepted values named as people write them, in the reader's script (not the codes).
        chinese = f"應為以下之一：{accepted(field, Script.hant)}"
        return RowProblem(field, f"{error['msg']}; accepted: {accepted(field, script)}", chinese)
    return RowProblem(field, error["msg"], validation_message(error))


NO_ORG = uuid.UUID(int=0)  # stands in for an organization cell that names none (its problem is reported)
# Values no rule objects to, standing in for fields the schema could not read (see the docstring).
_STAND_INS: dict[str, Any] = {
    "name": "-",
    "sex": Sex.male,
    "id_number": "0" * 18,
    "birth_date": date(1, 1, 1),
    "education": Education.primary_or_below,
    "occupation": Occupation.other,
    "joined_on": date(1, 1, 2),
    "org_id": NO_ORG,
    "whereabouts": Whereabouts.resident,
}
_NULLABLE = ("ethnicity", "phone", "full_on", "residence_community_id", "whereabouts_details")


def check_row(body: dict[str, Any], script: Script, ctx: MembersContext) -> tuple[MemberCreate | None, list[RowProblem]]:
    """The record of a row and every problem of its fields and rules (the organization apart)."""
    try:
        record = MemberCreate.model_validate(body)
    except ValidationError as error:
        errors = error.errors()
    else:
        return record, _rule_problems(record, ctx, set())
    problems = [schema_problem(e, script) for e in errors]
    unread = {str(e["loc"][0]) for e in errors if e["loc"]}
    stood_in = {name: value for name, value in body.items() if name not in unread}
    for name in unread:
        if name in _NULLABLE:
            stood_in[name] = None
        elif name == "party_status":
            stood_in[name] = PartyStatus.full if body.get("full_on") and "full_on" not in unread else PartyStatus.probationary
        elif name in _STAND_INS:
            stood_in[name] = _STAND_INS[name]
    try:
        record = MemberCreate.model_validate(stood_in)
    except ValidationError:  # a field the stand-ins do not cover: the schema's findings are all there is
        return None, problems
    return None, problems + _rule_problems(record, ctx, unread)


def _rule_problems(record: MemberCreate, ctx: MembersContext, unread: set[str]) -> list[RowProblem]:
    return [
        rule_problem(e["field"].split(".")[-1], e["message"])
        for e in validation_errors(record, ctx)
        if e["field"].split(".")[0] not in unread
    ]


_UUID = TypeAdapter(uuid.UUID)
NAME_PATH_SEPARATORS = re.compile(r"\s*[/／>＞\\]\s*")


async def resolve_orgs(session: AsyncSession, caller: Caller, values: set[str]) -> dict[str, uuid.UUID | RowProblem]:
    """What each organization cell names: an id, a code, or a name path (a tail of the path from
    the root, in either script), within the caller's scope; or why it names none."""
    found: dict[str, uuid.UUID | RowProblem] = {}
    wanted = set()
    for value in values:
        try:
            found[value] = _UUID.validate_python(value)
        except ValidationError:
            wanted.add(value)
    if not wanted:
        return found
    coded = select(org_replica.c.code, org_replica.c.id).where(org_replica.c.code.is_not(None), in_scope(caller))
    # As plain UUIDs: asyncpg hands out its own kind, which the events' JSON does not take.
    codes = {code: uuid.UUID(int=org_id.int) for code, org_id in (await session.execute(coded)).all()}
    by_tail: dict[tuple[str, ...], list[uuid.UUID]] = defaultdict(list)
    for org_id, path in (await name_paths(session, caller)).items():
        names = [_plain(name) for name in NAME_PATH_SEPARATORS.split(path)]
        for start in range(len(names)):
            by_tail[tuple(names[start:])].append(uuid.UUID(int=org_id.int))
    for value in wanted:
        if value in codes:
            found[value] = codes[value]
            continue
        matches = by_tail.get(tuple(_plain(part) for part in NAME_PATH_SEPARATORS.split(value) if part), [])
        if len(matches) == 1:
            found[value] = matches[0]
        elif matches:
            found[value] = RowProblem(
                "org_id",
                f"{len(matches)} organizations are called so; give the code or a longer name path",
                f"有{len(matches)}個黨組織同名，請填代碼或更長的名稱路徑（如 某縣/某鎮/某村黨總支）",
            )
        else:
            found[value] = RowProblem(
                "org_id",
                "no organization in the caller's scope has this code or name path",
                "權限範圍內沒有此代碼或名稱路徑的黨組織：請填黨組織代碼，或名稱路徑（如 某縣/某鎮/某村黨總支）",
            )
    return found


async def name_paths(session: AsyncSession, caller: Caller | None = None) -> dict[uuid.UUID, str]:
    """Each organization's name path from the root (`某縣/某鎮/某村黨總支`), those in the caller's
    scope when a caller is given (the path itself names the ancestors above the scope too)."""
    rows = (await session.execute(select(org_replica.c.id, org_replica.c.parent_id, org_replica.c.name))).all()
    nodes = {row.id: (row.parent_id, row.name) for row in rows}
    wanted = set(nodes) if caller is None else set(await session.scalars(select(org_replica.c.id).where(in_scope(caller))))
    paths: dict[uuid.UUID, str] = {}
    for org_id in wanted:
        names: list[str] = []
        node: uuid.UUID | None = org_id
        while node is not None and node in nodes and len(names) < 64:
            node, name = nodes[node]
            names.insert(0, name)
        paths[org_id] = "/".join(names)
    return paths


def _plain(name: str) -> str:
    """A name as compared: Simplified script, no spaces (people type either script)."""
    return in_script("".join(name.split()), Script.hans)
