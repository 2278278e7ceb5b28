"""Bulk import (xlsx, csv; all rows or none; dry runs) and export (masked, formula-safe)."""

import asyncio
import csv
import io
import time
import uuid
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import httpx
import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from services.kit.auth import Caller
from services.kit.crypto import FieldCipher
from services.kit.db import Database
from services.kit.outbox import record_event, write_staged_events
from services.members.models import Base, MemberEventRow, outbox
from services.members.rules import MembersPolicy
from services.members.schemas.records import MemberCreate
from services.members.service import tabular
from services.members.service.common import MembersContext as Context
from services.members.service.records import MEMBER_VALUE_COLUMNS, member_values
from tests.builders import member_body
from tests.members.conftest import OrgReplica
from tests.support import Tokens, on_postgres

HEADERS = [
    "姓名",
    "性別",
    "身份證號碼",
    "出生日期",
    "聯繫電話",
    "學歷",
    "職業類別",
    "黨員類別",
    "入黨日期",
    "轉正日期",
    "所在黨組織ID",
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def row_of(body: dict[str, Any]) -> list[str]:
    sex = {"male": "男", "female": "女"}[body["sex"]]
    return [
        body["name"], sex, body["id_number"], body["birth_date"], body["phone"], "初中", "農民", "正式",
        body["joined_on"], body["full_on"], body["org_id"],
    ]  # fmt: skip


def csv_file(rows: list[list[str]], header: list[str] = HEADERS) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def xlsx_file(rows: list[list[Any]], header: list[str] = HEADERS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


async def upload(
    client: httpx.AsyncClient, tokens: Tokens, content: bytes | AsyncIterator[bytes], fmt: str, **params: Any
) -> httpx.Response:
    media = "text/csv" if fmt == "csv" else XLSX
    return await client.post(
        "/api/v1/members/import",
        content=content,
        params={"format": fmt, **params},
        headers={**tokens.headers("org_admin"), "content-type": media},
    )


async def a_living_persons_body(client: httpx.AsyncClient, tokens: Tokens, tree: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A new record's body for a person who already has a living record (filed here in another organization)."""
    existing = await client.post("/api/v1/members", json=member_body(org_id=tree["small"]["id"]), headers=tokens.headers())
    taken = existing.json()
    return member_body(org_id=tree["branch"]["id"]) | {
        k: taken[k] for k in ("id_number", "birth_date", "sex", "joined_on", "full_on")
    }


async def ids_under(client: httpx.AsyncClient, tokens: Tokens, org_id: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"org_id": org_id, "limit": 200}
        if cursor:
            params["cursor"] = cursor
        page = (await client.get("/api/v1/members", params=params, headers=tokens.headers("org_admin"))).json()
        items += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            return items


class TestImport:
    async def test_a_csv_with_chinese_headers_and_labels_imports_every_row(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        bodies = [member_body(org_id=tree["branch"]["id"]) for _ in range(3)]
        bodies[0]["name"] = "𠮷田"

        response = await upload(members_client, tokens, csv_file([row_of(b) for b in bodies]), "csv")

        assert response.status_code == 200, response.text
        assert response.json()["imported"] == 3
        held = await ids_under(members_client, tokens, tree["branch"]["id"])
        assert sorted(m["id_number"] for m in held) == sorted(b["id_number"] for b in bodies)
        assert "𠮷田" in {m["name"] for m in held}
        history = (await members_client.get(f"/api/v1/members/{held[0]['id']}/history", headers=tokens.headers())).json()
        assert [e["kind"] for e in history] == ["joined", "became_full"]

    async def test_simplified_headers_and_english_codes_are_accepted_too(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        body = member_body(org_id=tree["branch"]["id"])
        header = [
            "姓名",
            "性别",
            "id_number",
            "出生日期",
            "phone",
            "学历",
            "occupation",
            "党员类别",
            "入党日期",
            "转正日期",
            "org_id",
        ]
        row = row_of(body)
        row[1], row[5], row[7] = body["sex"], "junior_high", "full"

        response = await upload(members_client, tokens, csv_file([row], header), "csv")

        assert response.status_code == 200, response.text

    async def test_a_dry_run_reports_each_row_column_and_problem_and_writes_nothing(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        good, bad_check, bad_enum = (member_body(org_id=tree["branch"]["id"]) for _ in range(3))
        bad_check["id_number"] = bad_check["id_number"][:-1] + ("1" if bad_check["id_number"][-1] != "1" else "2")
        rows = [row_of(good), row_of(bad_check), row_of(bad_enum), row_of(good)]
        rows[2][5] = "博士"

        response = await upload(members_client, tokens, csv_file(rows), "csv", dry_run="true")

        assert response.status_code == 200, response.text
        report = response.json()
        assert report["rows"] == 4
        assert report["imported"] == 0
        assert [(e["row"], e["column"]) for e in report["errors"]] == [(3, "身份證號碼"), (4, "學歷"), (5, "身份證號碼")]
        assert "row 2" in report["errors"][2]["problem"]
        assert await ids_under(members_client, tokens, tree["branch"]["id"]) == []

    async def test_one_bad_row_and_nothing_is_written(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        clash = await a_living_persons_body(members_client, tokens, tree)
        rows = [row_of(member_body(org_id=tree["branch"]["id"])) for _ in range(5)] + [row_of(clash)]

        response = await upload(members_client, tokens, csv_file(rows), "csv")

        assert response.status_code == 422
        problem = response.json()
        assert problem["type"] == "/problems/import-rejected"
        assert problem["report"]["errors"] == [
            {"row": 7, "column": "身份證號碼", "problem": "a living record with this ID number exists"}
        ]
        assert await ids_under(members_client, tokens, tree["branch"]["id"]) == []

    async def test_an_xlsx_imports_and_a_formula_cell_is_kept_as_text(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        body = member_body(org_id=tree["branch"]["id"])
        row = row_of(body)
        row[0] = '=HYPERLINK("http://evil.example","點我")'

        response = await upload(members_client, tokens, xlsx_file([row]), "xlsx")

        assert response.status_code == 200, response.text
        held = await ids_under(members_client, tokens, tree["branch"]["id"])
        assert held[0]["name"] == '=HYPERLINK("http://evil.example","點我")'

        exported = await members_client.get(
            "/api/v1/members/export", params={"org_id": tree["branch"]["id"], "format": "xlsx"}, headers=tokens.headers()
        )
        sheet = load_workbook(io.BytesIO(exported.content)).active
        cell = sheet.cell(row=2, column=1)
        assert cell.data_type == "s"
        assert cell.value == "'" + held[0]["name"]

    async def test_a_file_that_is_not_a_workbook(self, members_client: httpx.AsyncClient, tokens: Tokens) -> None:
        response = await upload(members_client, tokens, b"PK\x03\x04 not really a zip", "xlsx")
        assert response.status_code == 422
        assert response.json()["type"] == "/problems/unreadable-file"

    async def test_a_csv_the_reader_cannot_parse_is_refused(self, members_client: httpx.AsyncClient, tokens: Tokens) -> None:
        oversized_field = "姓名\n" + "x" * 200_000 + "\n"  # beyond the csv module's field size limit
        response = await upload(members_client, tokens, oversized_field.encode(), "csv")
        assert response.status_code == 422
        assert response.json()["type"] == "/problems/unreadable-file"

    async def test_ten_thousand_rows_import_in_one_request(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        rows = [row_of(member_body(org_id=tree["branch"]["id"])) for _ in range(10_000)]
        started = time.monotonic()

        response = await upload(members_client, tokens, csv_file(rows), "csv")

        assert response.status_code == 200, response.text[:2000]
        assert response.json()["imported"] == 10_000
        assert time.monotonic() - started < 60
        stats = await members_client.get(
            "/api/v1/members/stats", params={"within": tree["branch"]["id"]}, headers=tokens.headers("viewer")
        )
        assert stats.json()["total"] == 10_000

    async def test_more_rows_than_the_policy_allows_are_refused(self, members_client: httpx.AsyncClient, tokens: Tokens) -> None:
        row = ["x"] * len(HEADERS)
        response = await upload(members_client, tokens, csv_file([row] * 20_001), "csv")
        assert response.status_code == 413
        assert response.json()["type"] == "/problems/too-many-rows"

    async def test_a_file_over_50_mb_is_refused_before_it_is_read_whole(
        self, members_client: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        sent = 0
        chunk = b"a" * (1024 * 1024)

        async def body() -> AsyncIterator[bytes]:
            nonlocal sent
            for _ in range(200):
                sent += len(chunk)
                yield chunk

        response = await upload(members_client, tokens, body(), "csv")

        assert response.status_code == 413
        assert response.json()["type"] == "/problems/content-too-large"
        assert sent <= 52 * 1024 * 1024


class TestTemplateAndExport:
    @pytest.mark.parametrize("fmt", ["xlsx", "csv"])
    async def test_the_template_has_the_chinese_headers(
        self, members_client: httpx.AsyncClient, tokens: Tokens, fmt: str
    ) -> None:
        response = await members_client.get(
            "/api/v1/members/import/template", params={"format": fmt}, headers=tokens.headers("viewer")
        )
        assert response.status_code == 200
        if fmt == "csv":
            header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        else:
            header = [c.value for c in next(load_workbook(io.BytesIO(response.content)).active.iter_rows())]
        assert header[:4] == ["姓名", "性別", "民族", "身份證號碼"]

    async def test_a_viewer_exports_masked_values_and_an_admin_clear_ones(
        self, members_client: httpx.AsyncClient, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        body = member_body(org_id=tree["branch"]["id"], name="-1+2")
        await members_client.post("/api/v1/members", json=body, headers=tokens.headers())

        async def exported(role: str) -> dict[str, str]:
            response = await members_client.get(
                "/api/v1/members/export", params={"org_id": tree["branch"]["id"], "format": "csv"}, headers=tokens.headers(role)
            )
            assert response.status_code == 200
            return next(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))

        masked, clear = await exported("viewer"), await exported("org_admin")
        assert masked["身份證號碼"] == body["id_number"][:6] + "*" * 12
        assert masked["聯繫電話"] == "138****5678"
        assert clear["身份證號碼"] == body["id_number"]
        assert clear["姓名"] == "'-1+2"
        assert clear["學歷"] == "初中"


async def test_an_export_over_the_policy_limit_is_refused(test_db, tokens: Tokens, replica: OrgReplica) -> None:
    from services.members.app import create_app
    from services.members.rules import MembersPolicy
    from services.members.settings import MembersSettings
    from tests.support import in_process

    tree = await replica.tree()
    settings = MembersSettings(
        data_dir=test_db.data_dir,
        database_url=test_db.urls["members"],
        json_logs=False,
        consume_feeds=False,
        policy=MembersPolicy(export_max_rows=2),
    )
    async with in_process(create_app(settings)) as client:
        for _ in range(3):
            await client.post("/api/v1/members", json=member_body(org_id=tree["branch"]["id"]), headers=tokens.headers())

        response = await client.get("/api/v1/members/export", params={"org_id": tree["branch"]["id"]}, headers=tokens.headers())
        narrower = await client.get(
            "/api/v1/members/export", params={"org_id": tree["small"]["id"], "format": "csv"}, headers=tokens.headers()
        )

    assert response.status_code == 413
    assert narrower.status_code == 200


@pytest.mark.skipif(not on_postgres(), reason="SQLite serializes writers; the import cannot overlap another commit")
async def test_the_imports_events_wait_their_turn_in_the_feed(
    members_client: httpx.AsyncClient, members_db: Database, tokens: Tokens, replica: OrgReplica
) -> None:
    """The import writes its events with COPY; their numbers must still follow commit order."""
    tree = await replica.tree()
    bodies = [member_body(org_id=tree["branch"]["id"]) for _ in range(2)]
    async with members_db.write_sessions() as earlier:
        await record_event(earlier, outbox, type="test.marker", aggregate_id=uuid.uuid4(), payload={"marker": "earlier"})
        await earlier.run_sync(write_staged_events)  # holds its sequence number, not yet committed
        importing = asyncio.create_task(upload(members_client, tokens, csv_file([row_of(b) for b in bodies]), "csv"))
        await asyncio.sleep(0.5)
        assert not importing.done()  # the import waits for the sequence lock
        await earlier.commit()
    response = await importing
    assert response.status_code == 200, response.text


class TestImportInParts:
    """A large import is checked and stored part by part (the next part is checked while the one
    before it is stored); parts of two rows here, so a few rows cross several parts."""

    @pytest.fixture(autouse=True)
    def parts_of_two_rows(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(tabular, "IMPORT_CHUNK_ROWS", 2)
        monkeypatch.setattr(tabular, "_ROWS_BETWEEN_TURNS", 1)

    @staticmethod
    async def written(members_db: Database) -> tuple[int, int, int]:
        """How many members, history events and outbox events the database holds."""
        async with members_db.read_sessions() as session:
            counts = [
                await session.scalar(select(func.count()).select_from(table))
                for table in (Base.metadata.tables["members.members"], MemberEventRow.__table__, outbox)
            ]
        return counts[0] or 0, counts[1] or 0, counts[2] or 0

    async def test_every_part_lands_with_its_history_and_events(
        self, members_client: httpx.AsyncClient, members_db: Database, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        bodies = [member_body(org_id=tree["branch"]["id"]) for _ in range(7)]
        before = await self.written(members_db)

        response = await upload(members_client, tokens, csv_file([row_of(b) for b in bodies]), "csv")

        assert response.status_code == 200, response.text
        assert response.json()["imported"] == 7
        after = await self.written(members_db)
        assert (after[0] - before[0], after[1] - before[1], after[2] - before[2]) == (7, 14, 7)
        held = await ids_under(members_client, tokens, tree["branch"]["id"])
        assert sorted(m["id_number"] for m in held) == sorted(b["id_number"] for b in bodies)

    async def test_a_problem_in_a_later_part_keeps_the_earlier_parts_out_and_the_rest_is_still_checked(
        self, members_client: httpx.AsyncClient, members_db: Database, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        rows = [row_of(member_body(org_id=tree["branch"]["id"])) for _ in range(9)]
        rows[5][5] = "博士"  # row 7 of the file, in its third part: an unknown education
        rows[8][10] = str(uuid.uuid4())  # row 10, in the fifth part: an unknown organization
        rows[7][1:4] = rows[0][1:4]  # row 9 is row 2's person again, three parts later
        before = await self.written(members_db)

        response = await upload(members_client, tokens, csv_file(rows), "csv")

        assert response.status_code == 422, response.text
        errors = response.json()["report"]["errors"]
        assert [(e["row"], e["column"]) for e in errors] == [(7, "學歷"), (9, "身份證號碼"), (10, "所在黨組織")]
        assert "row 2" in errors[1]["problem"]
        assert await self.written(members_db) == before

    async def test_a_living_record_the_unique_index_finds_in_a_later_part_is_reported_with_the_rest(
        self, members_client: httpx.AsyncClient, members_db: Database, tokens: Tokens, replica: OrgReplica
    ) -> None:
        tree = await replica.tree()
        clash = await a_living_persons_body(members_client, tokens, tree)
        rows = [row_of(member_body(org_id=tree["branch"]["id"])) for _ in range(10)]
        rows[4] = row_of(clash)  # row 6, in the third part: refused while the fourth is checked
        rows[9][5] = "博士"  # row 11, in the fifth part, after the refusal: still checked
        before = await self.written(members_db)

        response = await upload(members_client, tokens, csv_file(rows), "csv")

        assert response.status_code == 422, response.text
        errors = response.json()["report"]["errors"]
        assert [(e["row"], e["column"]) for e in errors] == [(6, "身份證號碼"), (11, "學歷")]
        assert errors[0]["problem"] == "a living record with this ID number exists"
        assert await self.written(members_db) == before


def test_member_values_come_in_the_column_order_the_import_writes() -> None:
    # The import writes each record's values as they come (no lookup per column); their order is its contract.
    cipher = FieldCipher(b"k" * 32, b"i" * 32)
    ctx = Context(caller=Caller(subject="t", kind="user"), cipher=cipher, policy=MembersPolicy(), today=date.today())
    record = MemberCreate.model_validate(member_body(org_id=str(uuid.uuid4())))

    assert tuple(member_values(record, ctx, record.org_id)) == MEMBER_VALUE_COLUMNS


async def test_two_imports_of_the_same_person_at_once_write_one_record(
    members_client: httpx.AsyncClient, members_db: Database, tokens: Tokens, replica: OrgReplica
) -> None:
    """The unique index decides between two files in flight at once: one imports whole, the other
    reports the person as a living record and writes nothing."""
    tree = await replica.tree()
    shared = member_body(org_id=tree["branch"]["id"])
    files = [
        csv_file([row_of(member_body(org_id=tree[org]["id"])) for _ in range(30)] + [row_of(shared)])
        for org in ("branch", "small")
    ]

    responses = await asyncio.gather(*(upload(members_client, tokens, content, "csv") for content in files))

    assert sorted(r.status_code for r in responses) == [200, 422], [r.text for r in responses]
    refused = next(r for r in responses if r.status_code == 422).json()
    assert refused["report"]["errors"] == [
        {"row": 32, "column": "身份證號碼", "problem": "a living record with this ID number exists"}
    ]
    held = [
        *await ids_under(members_client, tokens, tree["branch"]["id"]),
        *await ids_under(members_client, tokens, tree["small"]["id"]),
    ]
    assert len(held) == 31
    assert sum(m["id_number"] == shared["id_number"] for m in held) == 1
