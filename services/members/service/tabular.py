"""Bulk import and export of member records as xlsx or csv (Chinese or English column headers).

An import checks every row: through the same schema and rules as `POST /members`, the
organizations once per distinct id, the same person twice in the file by the keyed hash of the
ID number, and a living record with it by the person index's key (then looked up row by
row for the report). Rows are written part by part while the next part is checked, so this
process and the database work at the same time: asyncpg's binary COPY on the session's own
connection on PostgreSQL (so in the same transaction), multi-row inserts on SQLite, all inside a
savepoint. With any problem (or `dry_run`) the report is the answer and nothing stays written.
"""

# ruff: noqa: RUF001 - Chinese text takes full-width punctuation

import asyncio
import contextlib
import csv
import io
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import asyncpg
import orjson
from openpyxl import Workbook
from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.kit.audit import note_export
from services.kit.collector import collector_paused
from services.kit.crypto import RandomPool
from services.kit.outbox import hold_sequence_lock
from services.kit.script import Script, in_script, label
from services.members.enums import ENUM_LABELS, TabularFormat
from services.members.errors import DUPLICATE_ID_NUMBER, IMPORT_REJECTED, TOO_MANY_ROWS
from services.members.models import Base, Member, member_rollup_deltas, outbox
from services.members.rules.records import id_number_warnings
from services.members.rules.tabular import escape_cell
from services.members.schemas.records import MEMBER_EXAMPLE
from services.members.schemas.tabular import ImportReport as ImportReportOut
from services.members.service import counties, discipline, person_index, rollups
from services.members.service.common import SNAPSHOT_FIELDS, MembersContext, org_holding_errors, present, visible
from services.members.service.records import (
    MEMBER_VALUE_COLUMNS,
    MemberFilter,
    filtered,
    member_values,
    opening_history,
)
from services.members.service.tabular_reading import NotATable, read_rows
from services.members.service.tabular_rows import (
    COLUMNS,
    DETAIL_FIELDS,
    ENUM_OF,
    ENUM_VALUES,
    HEADER_TO_FIELD,
    NO_ORG,
    RowProblem,
    check_row,
    header_in,
    name_paths,
    resolve_orgs,
    rule_problem,
)
from services.members.service.tabular_template import is_example

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
EXPORT_EXTRA: tuple[tuple[str, str], ...] = (
    ("id", "記錄ID"),
    ("state", "黨籍狀態"),
    ("discipline", "黨紀處分"),
    ("commendations", "表彰"),
)


@dataclass
class ImportReport:
    script: Script = Script.en
    rows: int = 0
    dry_run: bool = True
    imported: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)  # doubtful values that stop nothing

    def add(self, row: int, problem: RowProblem) -> None:
        """A row's problem, its column by the header and its text in the reader's script."""
        column = header_in(problem.field, self.script)
        self.errors.append({"row": row, "column": column, "problem": problem.text(self.script)})

    def warn(self, row: int, problem: RowProblem) -> None:
        """A row's doubtful value that stops nothing, told as `add` tells a problem."""
        column = header_in(problem.field, self.script)
        self.warnings.append({"row": row, "column": column, "problem": problem.text(self.script)})


def _row_body(fields: list[str | None], cells: list[str | None]) -> dict[str, Any]:
    body: dict[str, Any] = {}
    details: dict[str, Any] = {}
    for column, value in zip(fields, cells, strict=False):
        if column is None or value is None:
            continue
        code = ENUM_VALUES[column].get(value, value) if column in ENUM_VALUES else value
        if column in DETAIL_FIELDS:
            details[column] = code
        else:
            body[column] = code
    if details:
        body["whereabouts_details"] = details
    return body


async def import_members(
    session: AsyncSession, ctx: MembersContext, data: bytes, fmt: TabularFormat, *, dry_run: bool, script: Script = Script.en
) -> ImportReportOut:
    """All rows in one transaction or none: with any problem (and not `dry_run`) the report is
    the problem's `report`, and nothing is written. The report speaks the reader's `script`."""
    # Every row stays in memory until it is written: see kit.collector for why the pause.
    with collector_paused():
        report = await _import(session, ctx, data, fmt, dry_run=dry_run, script=script)
    shown = ImportReportOut.model_validate(report, from_attributes=True)
    if report.errors and not dry_run:
        # No `errors` list: the problems are the report's, row by row.
        count = len(report.errors)
        detail = f"{count} problems in the file; nothing was imported"
        zh = f"文件中有 {count} 處問題，未導入任何記錄（逐行見 report）"
        raise IMPORT_REJECTED(detail, zh=zh, report=shown.model_dump())
    return shown


async def _import(
    session: AsyncSession, ctx: MembersContext, data: bytes, fmt: TabularFormat, *, dry_run: bool, script: Script
) -> ImportReport:
    report = ImportReport(script=script, dry_run=dry_run)
    # Read (and count) every row before checking any: a file over the row limit costs no checks.
    rows = await read_rows(data, fmt, ctx.policy)
    if not rows or not rows[0]:
        raise NotATable("The file has no header row")
    fields = [HEADER_TO_FIELD.get((h or "").lower()) for h in rows[0]]
    for name, known in zip(rows[0], fields, strict=True):
        if name and known is None:
            report.add(1, RowProblem(name, "unknown column", "無法識別的列"))
    numbered = [
        (number, cells)
        for number, cells in enumerate(rows, start=1)
        if number > 1 and any(cells) and not is_example(fields, cells)
    ]
    report.rows = len(numbered)
    orgs = await resolve_orgs(session, ctx.caller, _org_values(fields, numbered))
    org_ids = {v for v in orgs.values() if isinstance(v, uuid.UUID)}
    org_reasons = await org_holding_errors(session, ctx.caller, org_ids)
    org_counties = await counties.of_orgs(session, org_ids)
    postgres = session.get_bind().dialect.name == "postgresql"
    txid = await session.scalar(text("SELECT pg_current_xact_id()::text::bigint")) if postgres and not dry_run else 0
    rows_of = _RowBuilder(
        ctx,
        fields,
        orgs,
        org_reasons,
        report,
        org_counties=org_counties,
        txid=txid or 0,
        json=_json_text if postgres else _json_values,
    )
    chunks = [numbered[start : start + IMPORT_CHUNK_ROWS] for start in range(0, len(numbered), IMPORT_CHUNK_ROWS)]
    if dry_run:
        for chunk in chunks:
            await rows_of.prepare(chunk, build=False)
        await _report_living_records(session, rows_of.seen, report)
    else:
        written = await _write(session, rows_of, chunks)
        if written is None:
            await _report_living_records(session, rows_of.seen, report)
            if not report.errors:  # the record the person index saw is gone again
                raise DUPLICATE_ID_NUMBER("A living record with one of these ID numbers was just created")
        report.imported = written or 0
    report.errors.sort(key=lambda e: (e["row"], e["column"] or ""))
    report.warnings.sort(key=lambda e: (e["row"], e["column"] or ""))
    return report


# Rows checked and encrypted while the database stores the ones before them.
IMPORT_CHUNK_ROWS = 5_000
# Rows of the file with their row numbers (the header is row 1), empty rows left out.
_Numbered = list[tuple[int, list[str | None]]]
# Rows checked between two turns of the event loop: the COPY under way (and every other request
# of this process) gets the loop that often.
_ROWS_BETWEEN_TURNS = 250


def _org_values(fields: list[str | None], numbered: _Numbered) -> set[str]:
    """The organization cells of the rows, each distinct one resolved once."""
    if "org_id" not in fields:
        return set()
    at = fields.index("org_id")
    return {cell for _, cells in numbered if len(cells) > at and (cell := cells[at])}


@dataclass
class _Chunk:
    """One part of the file as rows of the four tables an import writes, in column order."""

    person_index: list[tuple[Any, ...]] = field(default_factory=list)
    members: list[tuple[Any, ...]] = field(default_factory=list)
    events: list[tuple[Any, ...]] = field(default_factory=list)
    outbox: list[tuple[Any, ...]] = field(default_factory=list)


MEMBER_COLUMNS = (*MEMBER_VALUE_COLUMNS, "created_at", "updated_at")
EVENT_COLUMNS = ("member_id", "county_id", "seq", "kind", "effective_on", "details", "actor", "recorded_at")
OUTBOX_COLUMNS = ("event_id", "type", "aggregate_id", "payload", "occurred_at", "txid")
_MEMBERS = Base.metadata.tables["members.members"]
_MEMBER_EVENTS = Base.metadata.tables["members.member_events"]
_JSON_AT = tuple(MEMBER_COLUMNS.index(name) for name in ("whereabouts_details", "care_programs"))


class _RowBuilder:
    """Checks each row as `POST /members` would (schema, rules, organization) and against the
    rows before it (the same ID number twice), putting every problem into the report; builds the
    rows of a valid one: the record, its opening history and its `member.created` event. JSON
    columns go through `json`, as the writer takes them. The check against living records is
    the database's (the person index's key, or `_report_living_records`)."""

    def __init__(
        self,
        ctx: MembersContext,
        fields: list[str | None],
        orgs: dict[str, uuid.UUID | RowProblem],
        org_reasons: dict[uuid.UUID, str | None],
        report: ImportReport,
        *,
        org_counties: dict[uuid.UUID, uuid.UUID],
        txid: int,
        json: Callable[[Any], Any],
    ) -> None:
        self.ctx, self.fields, self.orgs, self.org_reasons, self.report = ctx, fields, orgs, org_reasons, report
        self.org_counties = org_counties
        self.txid, self.json = txid, json
        self.seen: dict[str, int] = {}  # keyed hash of each ID number → the first row that has it
        self.random = RandomPool()
        self.now = datetime.now(UTC)

    async def prepare(self, numbered: _Numbered, *, build: bool) -> _Chunk:
        """The rows of `numbered`, built while the file has no problem so far (and `build`)."""
        chunk = _Chunk()
        for count, (row_number, cells) in enumerate(numbered, start=1):
            if count % _ROWS_BETWEEN_TURNS == 0:
                await asyncio.sleep(0)
            member = self._checked(row_number, cells)
            if member is not None and build and not self.report.errors:
                self._build(member, chunk)
        return chunk

    def _checked(self, row_number: int, cells: list[str | None]) -> dict[str, Any] | None:
        """The row's record, or None with every problem of the row in the report."""
        body = _row_body(self.fields, cells)
        problems = []
        named = self.orgs.get(body.get("org_id", ""))
        if isinstance(named, RowProblem):
            problems.append(named)
            body["org_id"] = NO_ORG  # stands in, so that the other fields still get their checks
        elif named is not None:
            body["org_id"] = named
            reason = self.org_reasons.get(named)
            if reason:
                problems.append(rule_problem("org_id", reason))
        for warning in id_number_warnings(body["id_number"]) if isinstance(body.get("id_number"), str) else []:
            self.report.warn(row_number, rule_problem("id_number", warning["message"]))
        record, found = check_row(body, self.report.script, self.ctx)
        problems += found
        for problem in problems:
            self.report.add(row_number, problem)
        if record is None or problems:
            return None
        member = member_values(record, self.ctx, self.org_counties[record.org_id], random=self.random)
        first = self.seen.setdefault(member["id_number_index"], row_number)
        if first != row_number:
            english = f"the same ID number as row {first}"
            self.report.add(row_number, RowProblem("id_number", english, f"與第 {first} 行的身份證號碼相同"))
            return None
        return member

    def _build(self, values: dict[str, Any], chunk: _Chunk) -> None:
        member_id, json, now, actor = values["id"], self.json, self.now, self.ctx.actor
        for seq, (kind, effective_on, details) in enumerate(opening_history(values), start=1):
            chunk.events.append((member_id, values["county_id"], seq, kind, effective_on, json(details), actor, now))
        payload = json({name: values[name] for name in SNAPSHOT_FIELDS})
        chunk.outbox.append((self.random.uuid4(), "member.created", member_id, payload, now, self.txid))
        row = [*values.values(), now, now]
        for at in _JSON_AT:
            row[at] = json(row[at])
        chunk.members.append(tuple(row))
        chunk.person_index.append((values["id_number_index"], member_id, values["county_id"]))


async def _report_living_records(session: AsyncSession, seen: dict[str, int], report: ImportReport) -> None:
    for index in await person_index.with_open_records(session, seen):
        english = "a living record with this ID number exists"
        report.add(seen[index], RowProblem("id_number", english, "已有在冊黨員記錄使用此身份證號碼"))


async def _write(session: AsyncSession, rows_of: _RowBuilder, chunks: list[_Numbered]) -> int | None:
    """Writes every chunk and returns how many members. At the first problem nothing stays
    written and the remaining rows are still checked for the report: 0 is returned, or None
    when the problem was the person index's key (a living record with one of the ID numbers).

    Each chunk is checked and encrypted here while the one before it is being stored, so this
    process and the database work at the same time instead of taking turns. The events go last,
    in one COPY under the outbox's sequence lock (which is held to the commit: kept short)."""
    created_events: list[tuple[Any, ...]] = []
    savepoint = await session.begin_nested()
    storing: asyncio.Task[None] | None = None
    problem = False
    try:
        for number, numbered in enumerate(chunks):
            chunk = await rows_of.prepare(numbered, build=not problem)
            if storing is not None:
                await _finish(storing, rows_of, chunks[number + 1 :])
                storing = None
            problem = problem or bool(rows_of.report.errors)
            if not problem:
                created_events += chunk.outbox
                storing = asyncio.create_task(_store_chunk(session, chunk, rows_of.ctx.policy.rollups_maintained))
        if storing is not None:
            await _finish(storing, rows_of, [])
        if not problem and created_events:
            await hold_sequence_lock(session, outbox)  # the events' numbers follow commit order
            await _store(session, outbox, OUTBOX_COLUMNS, created_events)
    except _RefusedByIndex:
        await savepoint.rollback()
        return None
    except BaseException:
        if storing is not None:  # a cancelled request: the COPY under way stops before the rollback
            storing.cancel()
            with contextlib.suppress(BaseException):
                await storing
        raise
    if problem:
        await savepoint.rollback()
        return 0
    await savepoint.commit()
    return len(created_events)


class _RefusedByIndex(Exception):
    """The person index refused a member: a living record has the same ID number."""


async def _finish(storing: asyncio.Task[None], rows_of: _RowBuilder, unchecked: list[_Numbered]) -> None:
    try:
        await storing
    except (_RefusedByIndex, asyncpg.UniqueViolationError, IntegrityError):
        for numbered in unchecked:  # the rest of the file still gets its checks, for the report
            await rows_of.prepare(numbered, build=False)
        raise _RefusedByIndex from None


async def _store_chunk(session: AsyncSession, chunk: _Chunk, rollups_kept: bool) -> None:
    # The person index first: its key refuses a living record's ID number before anything else is written.
    if not await person_index.enter_all(session, chunk.person_index):
        raise _RefusedByIndex
    await _store(session, _MEMBERS, MEMBER_COLUMNS, chunk.members)
    await _store(session, _MEMBER_EVENTS, EVENT_COLUMNS, chunk.events)
    if rollups_kept:  # written past the ORM: the roll-ups' deltas are written here (service/rollups.py)
        await _store(session, member_rollup_deltas, rollups.DELTA_INSERT, rollups.import_deltas(MEMBER_COLUMNS, chunk.members))


async def _store(session: AsyncSession, table: Table, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """On PostgreSQL asyncpg's binary COPY on the session's own connection (so in the same
    transaction); on SQLite multi-row inserts."""
    if not rows:
        return
    if session.get_bind().dialect.name == "postgresql":
        raw = (await (await session.connection()).get_raw_connection()).driver_connection
        assert raw is not None
        await raw.copy_records_to_table(table.name, schema_name=table.schema, columns=columns, records=rows)
        return
    for start in range(0, len(rows), 2000):
        await session.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in rows[start : start + 2000]])


def _json_text(value: Any) -> str:
    # orjson writes ids and dates as the JSON the events carry.
    return orjson.dumps(value).decode()


def _json_values(value: Any) -> Any:
    """The value as JSON holds it (ids and dates as text), for a JSON column SQLAlchemy writes."""
    return orjson.loads(orjson.dumps(value))


def example_csv() -> str:
    """The import's example body in the API description: the header row and `POST /members`'
    own example as a row, its codes written as the labels a secretary types."""
    row = [MEMBER_EXAMPLE.get(f, "") for f, _hant, _hans, _enum in COLUMNS]
    row = [ENUM_LABELS[enum][value]["zh_hant"] if enum else value for value, (_f, _h, _s, enum) in zip(row, COLUMNS, strict=True)]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([[hant for _f, hant, _hans, _e in COLUMNS], row])
    return out.getvalue()


def tabulate(header: list[str], rows: list[list[Any]], fmt: TabularFormat) -> bytes:
    """A file of `rows` under `header`; every text cell escaped so that it cannot run as a formula."""
    safe = [[escape_cell(c) if isinstance(c, str) else c for c in row] for row in rows]
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


def _shown(field_name: str, value: str | None, script: Script, orgs: dict[str, str]) -> str | None:
    """A cell as people read it: a code by its label, the organization by its name path."""
    if value is None:
        return None
    if field_name == "org_id":
        return orgs.get(value, value)
    enum = ENUM_OF.get(field_name)
    return value if enum is None else label(ENUM_LABELS[enum][value], script)


async def export_members(
    session: AsyncSession, ctx: MembersContext, f: MemberFilter, fmt: TabularFormat, script: Script = Script.hant
) -> bytes:
    """The filtered list as a file, masked as any read by the caller's role; read in keyset batches.
    Codes by their labels and organizations by their name paths, as the import reads them back."""
    header = [str(header_in(name, script)) for name, _h, _s, _e in COLUMNS] + [
        in_script(text, script) for _f, text in EXPORT_EXTRA
    ]
    limit = ctx.policy.export_max_rows
    count = await session.scalar(select(func.count()).select_from(filtered(visible(ctx.caller), ctx, f).subquery()))
    if (count or 0) > limit:
        raise TOO_MANY_ROWS(f"The list has {count} rows; an export may carry at most {limit}", max_rows=limit)
    rows: list[list[Any]] = []
    after: uuid.UUID | None = None
    orgs = {str(org_id): path for org_id, path in (await name_paths(session)).items()}
    while True:
        stmt = filtered(visible(ctx.caller), ctx, f).order_by(Member.id).limit(2000)
        if after is not None:
            stmt = stmt.where(Member.id > after)
        batch = (await session.execute(stmt)).scalars().all()
        if not batch:
            break
        honours = await discipline.export_cells(session, [member.id for member in batch], script)
        for member in batch:
            shown = present(member, ctx).model_dump(mode="json")
            details = shown["whereabouts_details"]
            shown["birth_date"] = shown["birth_date"] or shown["birth_year_month"]  # masked: the month only
            row = [
                _shown(name, details.get(name) if name in DETAIL_FIELDS else shown.get(name), script, orgs)
                for name, _h, _s, _e in COLUMNS
            ]
            state = label(ENUM_LABELS["member_state"][shown["state"]], script)
            rows.append([*row, shown["id"], state, *honours.get(member.id, ("", ""))])
        after = batch[-1].id
    if ctx.unmasked:
        note_export(len(rows))
    return tabulate(header, rows, fmt)
