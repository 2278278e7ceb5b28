"""The import's file limits through HTTP: a bomb is refused with a 413 naming the policy's setting
it passed, quickly and with nothing written; a damaged or hostile workbook is a 422."""

import time

import httpx

from tests.members.test_tabular import HEADERS, upload
from tests.support import Tokens
from tests.workbooks import MAIN, huge_shared_strings, one_long_row, sheet_of, workbook


def assert_over_limit(response: httpx.Response, limit: str, maximum: float) -> None:
    assert response.status_code == 413, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == "/problems/file-over-limit"
    assert (problem["limit"], problem["maximum"]) == (limit, maximum)


async def test_a_row_of_three_million_cells_is_refused_at_once(members_client: httpx.AsyncClient, tokens: Tokens) -> None:
    started = time.monotonic()
    response = await upload(members_client, tokens, one_long_row(3_000_000), "xlsx", dry_run="true")

    assert_over_limit(response, "import_max_compression_ratio", 200)
    assert time.monotonic() - started < 10


async def test_174_mb_of_shared_strings_are_refused_at_once(members_client: httpx.AsyncClient, tokens: Tokens) -> None:
    response = await upload(members_client, tokens, huge_shared_strings(174), "xlsx", dry_run="true")

    assert_over_limit(response, "import_max_compression_ratio", 200)


async def test_a_row_wider_than_the_policy_allows_is_refused_while_read(
    members_client: httpx.AsyncClient, tokens: Tokens
) -> None:
    response = await upload(members_client, tokens, workbook(sheet_of([HEADERS + ["x"] * 60])), "xlsx")

    assert_over_limit(response, "import_max_columns", 64)


async def test_more_rows_than_the_policy_allows_in_a_workbook_keep_their_problem(
    members_client: httpx.AsyncClient, tokens: Tokens
) -> None:
    response = await upload(members_client, tokens, workbook(sheet_of([HEADERS] + [["x"]] * 20_001)), "xlsx")

    assert response.status_code == 413
    problem = response.json()
    assert problem["type"] == "/problems/too-many-rows"
    assert (problem["max_rows"], problem["limit"]) == (20_000, "import_max_rows")


async def test_a_workbook_with_a_document_type_declaration_is_unreadable(
    members_client: httpx.AsyncClient, tokens: Tokens
) -> None:
    entities = f'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaa">]><sst xmlns="{MAIN}"><si><t>&a;</t></si></sst>'
    response = await upload(members_client, tokens, workbook(sheet_of([HEADERS]), [entities]), "xlsx")

    assert response.status_code == 422
    assert response.json()["type"] == "/problems/unreadable-file"
    assert response.json()["errors"][0]["field"] == "file"
