"""Bulk import and export of member records as xlsx or csv (Chinese or English column headers).

An import is checked whole before anything is written: each row through the same schema and
rules as `POST /members`, the organizations once per distinct id, duplicates within the file and
against living records by their keyed hash. With errors (or `dry_run`) the report is the answer
and nothing is written; otherwise every row goes in with one COPY per table on PostgreSQL
(asyncpg's binary copy on the session's own connection, so in the same transaction), or one
multi-row insert per table on SQLite.
"""

import csv
import io
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import asyncpg
import orjson
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from pydantic import ValidationError
from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.audit import note_export
from services.kit.outbox import hold_sequence_lock
from services.kit.problems import Conflict, Problem, Unprocessable
from services.members import rules
from services.members.models import Base, Member, outbox
from services.members.schemas import ENUM_LABELS, MemberCreate, TabularFormat
from services.members.service.common import SNAPSHOT_FIELDS, Context, org_holding_errors, present, snapshot_of, visible
from services.members.service.records import MemberFilter, filtered, member_values, opening_history, validation_errors

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"

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
    ("org_id", "所在黨組織ID", "所在党组织ID", None),
    ("residence_community_id", "居住社區ID", "居住社区ID", None),
    ("whereabouts", "去向", "去向", "whereabouts"),
    ("relationship_org", "組織關係所在單位", "组织关系所在单位", None),
    ("destination", "外出地點", "外出地点", None),
    ("contact_person", "聯繫人", "联系人", None),
    ("temporary_address", "臨時住址", "临时住址", None),
)
DETAIL_FIELDS = frozenset({"relationship_org", "destination", "contact_person", "temporary_address"})
EXPORT_EXTRA: tuple[tuple[str, str], ...] = (("id", "記錄ID"), ("state", "黨籍狀態"))

_HEADER_TO_FIELD = {name.lower(): f for f, hant, hans, _ in COLUMNS for name in (f, hant, hans)}
_HEADER_OF = {f: hant for f, hant, _hans, _enum in COLUMNS}
# Chinese labels (either script) and codes of each enum column → the code.
_ENUM_VALUES = {
    f: {label: code for code, labels in ENUM_LABELS[enum].items() for label in (code, labels["zh_hant"], labels["zh_hans"])}
    for f, _hant, _hans, enum in COLUMNS
    if enum
}
# Plain forms people type for the party status (預備/正式) besides the full labels.
_ENUM_VALUES["party_status"] |= {"預備": "probationary", "预备": "probationary", "正式": "full"}


@dataclass
class ImportReport:
    rows: int = 0
    dry_run: bool = True
    imported: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def add(self, row: int, column: str | None, problem: str) -> None:
        self.errors.append({"row": row, "column": column, "problem": problem})


class NotATable(Unprocessable):
    def __init__(self, detail: str) -> None:
        super().__init__(detail, slug="unreadable-file", errors=[{"field": "file", "message": detail}])


class TooManyRows(Problem):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"An import may carry at most {limit} rows", slug="too-many-rows", max_rows=limit)


def _cell_text(value: Any) -> str | None:
    """Every cell as text: a formula is kept as the text it is, never evaluated."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text_value = str(value).strip()
    return text_value or None


# What a damaged file raises while it is read (csv: NUL bytes; xlsx: broken zip members or XML).
_UNREADABLE = (csv.Error, zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, SyntaxError, TypeError)


def read_rows(data: bytes, fmt: TabularFormat, max_rows: int) -> Iterator[list[str | None]]:
    """The file's rows (header first) as text cells; refuses a file that is not what it says."""
    workbook = None
    try:
        if fmt == TabularFormat.csv:
            reader = csv.reader(io.StringIO(_decode_text(data)))
            rows: Iterator[list[str | None]] = ([_cell_text(c) for c in r] for r in reader)
        else:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
            rows = ([_cell_text(c) for c in r] for r in workbook.worksheets[0].iter_rows(values_only=True))
        for index, row in enumerate(rows):
            if index > max_rows:
                raise TooManyRows(max_rows)
            yield row
    except _UNREADABLE:
        kind = "a csv file" if fmt == TabularFormat.csv else "an xlsx workbook"
        raise NotATable(f"The file is not {kind} that can be read") from None
    finally:
        if workbook is not None:
            workbook.close()


def _decode_text(data: bytes) -> str:
    # UTF-8 (with Excel's BOM or without), else GB18030 as Excel on Chinese Windows writes it.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise NotATable("The file is neither UTF-8 nor GB18030 text")


def _row_body(fields: list[str | None], cells: list[str | None]) -> dict[str, Any]:
    body: dict[str, Any] = {}
    details: dict[str, Any] = {}
    for column, value in zip(fields, cells, strict=False):
        if column is None or value is None:
            continue
        code = _ENUM_VALUES[column].get(value, value) if column in _ENUM_VALUES else value
        if column in DETAIL_FIELDS:
            details[column] = code
        else:
            body[column] = code
    if details:
        body["whereabouts_details"] = details
    return body


async def import_members(session: AsyncSession, ctx: Context, data: bytes, fmt: TabularFormat, *, dry_run: bool) -> ImportReport:
    report = ImportReport(dry_run=dry_run)
    # Read (and count) every row before checking any: a file over the row limit costs no checks.
    rows = iter(list(read_rows(data, fmt, ctx.policy.import_max_rows)))
    header = next(rows, None)
    if not header:
        raise NotATable("The file has no header row")
    fields = [_HEADER_TO_FIELD.get((h or "").lower()) for h in header]
    for name, known in zip(header, fields, strict=True):
        if name and known is None:
            report.add(1, name, "unknown column")
    valid: list[tuple[int, MemberCreate]] = []
    for row_number, cells in enumerate(rows, start=2):
        if not any(cells):
            continue
        report.rows += 1
        try:
            record = MemberCreate.model_validate(_row_body(fields, cells))
        except ValidationError as error:
            for problem in error.errors():
                location = [str(p) for p in problem["loc"]]
                column = location[-1] if location else None
                report.add(row_number, _HEADER_OF.get(column or "", column), problem["msg"])
            continue
        row_errors = validation_errors(record, ctx.today)
        for e in row_errors:
            column = e["field"].split(".")[-1]
            report.add(row_number, _HEADER_OF.get(column, column), e["message"])
        if not row_errors:
            valid.append((row_number, record))
    members = await _check_against_database(session, ctx, valid, report)
    if report.errors:
        report.errors.sort(key=lambda e: (e["row"], e["column"] or ""))
        return report
    if not dry_run:
        await _write(session, ctx, members)
        report.imported = len(members)
    return report


async def _check_against_database(
    session: AsyncSession, ctx: Context, valid: list[tuple[int, MemberCreate]], report: ImportReport
) -> list[dict[str, Any]]:
    org_reasons = await org_holding_errors(session, ctx.caller, {r.org_id for _, r in valid})
    members: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for row_number, record in valid:
        reason = org_reasons[record.org_id]
        if reason:
            report.add(row_number, _HEADER_OF["org_id"], reason)
            continue
        member = member_values(record, ctx)
        first = seen.setdefault(member["id_number_index"], row_number)
        if first != row_number:
            report.add(row_number, _HEADER_OF["id_number"], f"the same ID number as row {first}")
            continue
        members.append(member)
    indexes = [m["id_number_index"] for m in members]
    for start in range(0, len(indexes), 1000):
        chunk = indexes[start : start + 1000]
        taken = await session.scalars(
            select(Member.id_number_index).where(Member.id_number_index.in_(chunk), Member.state.not_in(rules.CLOSED_STATES))
        )
        for index in taken:
            report.add(seen[index], _HEADER_OF["id_number"], "a living record with this ID number exists")
    return members


async def _write(session: AsyncSession, ctx: Context, members: list[dict[str, Any]]) -> None:
    now = datetime.now(UTC)
    member_rows = [m | {"created_at": now, "updated_at": now} for m in members]
    event_rows = [
        {
            "member_id": m["id"],
            "seq": seq,
            "kind": kind,
            "effective_on": effective_on,
            "details": details,
            "actor": ctx.actor,
            "recorded_at": now,
        }
        for m in members
        for seq, (kind, effective_on, details) in enumerate(opening_history(m), start=1)
    ]
    outbox_rows = [
        {
            "event_id": uuid.uuid4(),
            "type": "member.created",
            "aggregate_id": m["id"],
            # The snapshot's values as they are: orjson writes ids and dates as the JSON the events carry.
            "payload": {name: m[name] for name in SNAPSHOT_FIELDS},
            "occurred_at": now,
        }
        for m in members
    ]
    connection = await session.connection()
    if connection.dialect.name == "postgresql":
        txid = await session.scalar(text("SELECT pg_current_xact_id()::text::bigint"))
        for row in outbox_rows:
            row["txid"] = txid
        raw = (await connection.get_raw_connection()).driver_connection
        assert raw is not None
        try:
            await _copy(raw, "members", member_rows)
        except asyncpg.UniqueViolationError:  # a concurrent request filed one of these people first
            raise Conflict("A living record with one of these ID numbers was just created", slug="duplicate-id-number") from None
        await _copy(raw, "member_events", event_rows)
        # The events' sequence numbers must follow commit order like every other event's.
        await hold_sequence_lock(session, outbox)
        await _copy(raw, outbox.name, outbox_rows)
        return
    for row in outbox_rows:
        row["txid"] = 0
        row["payload"] = snapshot_of(row["payload"])
    tables: tuple[tuple[Table, list[dict[str, Any]]], ...] = (
        (Base.metadata.tables["members.members"], member_rows),
        (Base.metadata.tables["members.member_events"], event_rows),
        (outbox, outbox_rows),
    )
    for table, rows in tables:
        for start in range(0, len(rows), 2000):
            await session.execute(insert(table), rows[start : start + 2000])


_JSON_COLUMNS = frozenset({"whereabouts_details", "care_programs", "details", "payload"})


async def _copy(raw: Any, table: str, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    columns = list(rows[0])
    json_at = [index for index, c in enumerate(columns) if c in _JSON_COLUMNS]
    records = []
    for row in rows:
        values = list(row.values())
        for index in json_at:
            values[index] = orjson.dumps(values[index]).decode()
        records.append(values)
    await raw.copy_records_to_table(table, records=records, columns=columns, schema_name="members")


def template(fmt: TabularFormat) -> bytes:
    return tabulate([hant for _f, hant, _hans, _e in COLUMNS], [], fmt)


def tabulate(header: list[str], rows: list[list[Any]], fmt: TabularFormat) -> bytes:
    """A file of `rows` under `header`; every text cell escaped so that it cannot run as a formula."""
    safe = [[rules.escape_cell(c) if isinstance(c, str) else c for c in row] for row in rows]
    if fmt == TabularFormat.csv:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(safe)
        return ("\ufeff" + out.getvalue()).encode()  # the BOM makes Excel read UTF-8
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("黨員")
    sheet.append(header)
    for row in safe:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _label(field_name: str, code: str | None) -> str | None:
    enum = next((e for f, _h, _s, e in COLUMNS if f == field_name), None)
    if code is None or enum is None:
        return code
    return ENUM_LABELS[enum][code]["zh_hant"]


async def export_members(session: AsyncSession, ctx: Context, f: MemberFilter, fmt: TabularFormat) -> bytes:
    """The filtered list as a file, masked as any read by the caller's role; read in keyset batches."""
    header = [hant for _f, hant, _hans, _e in COLUMNS] + [label for _f, label in EXPORT_EXTRA]
    limit = ctx.policy.export_max_rows
    count = await session.scalar(select(func.count()).select_from(filtered(visible(ctx.caller), ctx, f).subquery()))
    if (count or 0) > limit:
        raise Problem(
            413, f"The list has {count} rows; an export may carry at most {limit}", slug="too-many-rows", max_rows=limit
        )
    rows: list[list[Any]] = []
    after: uuid.UUID | None = None
    while True:
        stmt = filtered(visible(ctx.caller), ctx, f).order_by(Member.id).limit(2000)
        if after is not None:
            stmt = stmt.where(Member.id > after)
        batch = (await session.execute(stmt)).scalars().all()
        if not batch:
            break
        for member in batch:
            shown = present(member, ctx).model_dump(mode="json")
            details = shown["whereabouts_details"]
            row = [_label(name, details.get(name) if name in DETAIL_FIELDS else shown.get(name)) for name, _h, _s, _e in COLUMNS]
            rows.append([*row, shown["id"], ENUM_LABELS["member_state"][shown["state"]]["zh_hant"]])
        after = batch[-1].id
    if ctx.unmasked:
        note_export(len(rows))
    return tabulate(header, rows, fmt)
